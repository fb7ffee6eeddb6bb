import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTINUATION_PROMPT } from '../src/core/settings.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, exitCodeFor } from '../src/local/exit-code.js';
import { parseFlags, UsageError } from '../src/local/flags.js';
import { inert, useColour } from '../src/local/terminal.js';
import { VERSION } from '../src/local/version.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'local-flags-'));

function run(args: string[]) {
  const command = parseFlags(args, dir);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command;
}

function usageError(args: string[]): string {
  try {
    parseFlags(args, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no usage error');
}

describe('parseFlags', () => {
  it('gives the inputs’ defaults', () => {
    const { config, options } = run(['--prompt', 'Do it']);
    expect(config).toMatchObject({
      prompt: 'Do it',
      continuationPrompt: DEFAULT_CONTINUATION_PROMPT,
      maxIterations: 10,
      hardLimit: 50,
      maxBudgetUsd: undefined,
      iterationTimeoutMs: 30 * 60_000,
      timeLimitMs: undefined,
      workingDirectory: dir,
      stateDir: '',
      permissionMode: 'bypassPermissions',
      sandbox: false,
      anthropicApiKey: '',
      githubToken: '',
    });
    expect(options).toEqual({ quiet: false, json: false, summaryFile: undefined, failOn: ['failed', 'timed_out'] });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every flag it mirrors', () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'local-state-'));
    const { config, options } = run([
      '--prompt=x',
      '--max-iterations=3',
      '--max-budget-usd',
      '1.5',
      '--check-command',
      'npm test',
      '--state-dir',
      state,
      '--model',
      'opus',
      '--permission-mode',
      'acceptEdits',
      '--iteration-timeout-minutes',
      '2',
      '--time-limit-minutes',
      '0.5',
      '--claude-path',
      '/bin/claude',
      '--allowed-tools',
      'Read,Bash(npm test:*) Edit',
      '--disallowed-tools',
      'WebFetch',
      '--sandbox',
      '--allowed-domains',
      'registry.npmjs.org,*.Example.com',
      '--quiet',
      '--json',
      '--summary',
      'out.md',
      '--fail-on',
      'none',
    ]);
    expect(config).toMatchObject({
      maxIterations: 3,
      maxBudgetUsd: 1.5,
      checkCommand: 'npm test',
      stateDir: state,
      model: 'opus',
      permissionMode: 'acceptEdits',
      iterationTimeoutMs: 120_000,
      timeLimitMs: 30_000,
      claudePath: '/bin/claude',
      allowedTools: ['Read', 'Bash(npm test:*)', 'Edit'],
      disallowedTools: ['WebFetch'],
      sandbox: true,
      allowedDomains: ['registry.npmjs.org', '*.example.com'],
    });
    expect(options).toEqual({ quiet: true, json: true, summaryFile: path.join(dir, 'out.md'), failOn: [] });
  });

  it('clamps --max-iterations to --hard-limit with a warning that names both flags', () => {
    const { config } = run(['--prompt', 'x', '--max-iterations', '9', '--hard-limit', '4']);
    expect(config.maxIterations).toBe(4);
    expect(config.warnings).toEqual(['--max-iterations is 9, above --hard-limit 4: using 4.']);
  });

  it('reads --prompt-file from the working directory', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'local-work-'));
    writeFileSync(path.join(work, 'TASK.md'), 'The task\n');
    expect(run(['--prompt-file', 'TASK.md', '--working-directory', work]).config.prompt).toBe('The task\n');
  });

  it.each([
    [['--prompt', 'x', '--max-iterations', 'x'], "--max-iterations must be a whole number of at least 1, got 'x'."],
    [['--prompt', 'x', '--max-iterations', '0'], "--max-iterations must be a whole number of at least 1, got '0'."],
    [['--prompt', 'x', '--max-budget-usd=-1'], "--max-budget-usd must be a positive number, got '-1'."],
    [['--prompt', 'x', '--time-limit-minutes', '0'], '--time-limit-minutes must be a number of minutes above 0'],
    [['--prompt', 'x', '--permission-mode', 'yolo'], "--permission-mode is 'yolo'; expected one of: acceptEdits"],
    [['--prompt', 'x', '--fail-on', 'failed,oops'], "--fail-on has an unknown status 'oops'"],
    [['--prompt', 'x', '--allowed-tools', 'Bash(npm'], '--allowed-tools is \'Bash(npm\': "(" is never closed'],
    [['--prompt', 'x', '--allowed-domains', 'https://x.org'], "--allowed-domains has 'https://x.org'"],
    [['--prompt', 'x', '--claude-version', 'latest'], "--claude-version is 'latest'; expected an exact version"],
    [['--prompt', 'x', '--working-directory', 'nowhere'], "--working-directory is 'nowhere', but"],
    [['--prompt', 'x', '--prompt-file', 'a.md'], 'Give one of --prompt and --prompt-file, not both.'],
    [[], 'Give --prompt or --prompt-file'],
    [['--prompt-file', 'missing.md'], "--prompt-file is 'missing.md', but"],
    [['--promt', 'x'], "Unknown option '--promt'"],
    [['--prompt'], "'--prompt <value>' argument missing"],
    [['--prompt', 'x', 'stray'], "'stray'"],
  ])('%j is a usage error naming the flag', (args, message) => {
    expect(usageError(args)).toContain(message);
  });

  it('refuses a --state-dir inside the working directory', () => {
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    expect(usageError(['--prompt', 'x', '--state-dir', 'state'])).toContain(
      "--state-dir is 'state', which is inside the working directory",
    );
  });

  it('--help and --version win over everything else', () => {
    expect(parseFlags(['--max-iterations', 'x', '--help'], dir)).toEqual({ kind: 'help' });
    expect(parseFlags(['-h'], dir)).toEqual({ kind: 'help' });
    expect(parseFlags(['--version'], dir)).toEqual({ kind: 'version' });
  });
});

describe('exitCodeFor', () => {
  it.each([
    ['completed', ['failed', 'timed_out'], false, EXIT_OK],
    ['failed', ['failed', 'timed_out'], false, EXIT_FAILED],
    ['timed_out', ['failed', 'timed_out'], false, EXIT_FAILED],
    ['no_progress', ['failed', 'timed_out'], false, EXIT_OK],
    ['no_progress', ['no_progress'], false, EXIT_FAILED],
    ['failed', [], false, EXIT_OK],
    ['cancelled', [], true, EXIT_INTERRUPTED],
    ['failed', ['failed'], true, EXIT_INTERRUPTED],
  ] as const)('%s with --fail-on %j, interrupted %s: %i', (status, failOn, interrupted, code) => {
    expect(exitCodeFor(status, failOn, interrupted)).toBe(code);
  });
  it('uses the codes the command documents', () => {
    expect([EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED]).toEqual([0, 1, 130]);
  });
});

describe('terminal output', () => {
  it('breaks workflow commands and drops control sequences', () => {
    const shown = inert('::error::x\n  ::set-output name=a::b ##[warning]y \x1b]0;title\x07\x1b[2Jz\r');
    expect(shown).not.toContain('::');
    expect(shown).not.toContain('##[');
    for (const control of ['\x1b', '\x07', '\r']) expect(shown).not.toContain(control);
    expect(shown.replace(/\u200b/g, '')).toBe('::error::x\n  ::set-output name=a::b ##[warning]y ]0;title[2Jz');
  });
  it('colours only a TTY without NO_COLOR', () => {
    expect(useColour(true, {})).toBe(true);
    expect(useColour(false, {})).toBe(false);
    expect(useColour(undefined, {})).toBe(false);
    expect(useColour(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColour(true, { TERM: 'dumb' })).toBe(false);
  });
  it('--version is package.json’s version', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
