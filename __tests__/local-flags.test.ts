import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTINUATION_PROMPT } from '../src/core/settings.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, exitCodeFor } from '../src/local/exit-code.js';
import { FLAG_NAMES, parseFlags, UsageError } from '../src/local/flags.js';
import type { Where } from '../src/local/flag-paths.js';
import { useColour } from '../src/local/terminal.js';
import { terminalText } from '../src/text/untrusted-text.js';
import { HELP } from '../src/local/help.js';
import { VERSION } from '../src/local/version.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'local-flags-'));
/** Runs in `dir`, a work tree of its own unless `repository` says where the work tree's top level is. */
const where = (env: NodeJS.ProcessEnv = {}, repository?: string): Where => ({
  cwd: dir,
  env,
  repositoryOf: (directory) => repository ?? directory,
});

function run(args: string[], at: Where = where()) {
  const command = parseFlags(args, at);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command;
}

function usageError(args: string[], at: Where = where()): string {
  try {
    parseFlags(args, at);
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

  it('refuses a --prompt-file in the repository that a link leads out of it; one named outside is yours', () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'local-repo-'));
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-secret-')), 'id_rsa');
    writeFileSync(outside, 'PRIVATE KEY\n');
    symlinkSync(outside, path.join(repo, 'TASK.md'));
    mkdirSync(path.join(repo, 'docs'));
    symlinkSync(path.dirname(outside), path.join(repo, 'docs', 'linked'));
    writeFileSync(path.join(repo, 'inside.md'), 'The task\n');
    symlinkSync(path.join(repo, 'inside.md'), path.join(repo, 'alias.md'));
    const inRepo: Where = { cwd: repo, env: {}, repositoryOf: () => repo };
    expect(usageError(['--prompt-file', 'TASK.md'], inRepo)).toBe(
      `--prompt-file is 'TASK.md', but ${path.join(repo, 'TASK.md')} leads out of the repository (${repo}) ` +
        `through a link, to ${outside}: a prompt file in the repository must stay in it.`,
    );
    expect(usageError(['--prompt-file', 'docs/linked/id_rsa'], inRepo)).toContain('leads out of the repository');
    expect(run(['--prompt-file', 'alias.md'], inRepo).config.prompt).toBe('The task\n');
    // The repository reached through a link (as /tmp is on macOS): the link in it still counts.
    const alias = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-alias-')), 'repo');
    symlinkSync(repo, alias);
    expect(usageError(['--prompt-file', path.join(alias, 'TASK.md')], inRepo)).toContain('leads out of the repository');
    expect(run(['--prompt-file', outside], inRepo).config.prompt).toBe('PRIVATE KEY\n');
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
    [['--prompt', 'x', '--summary', 'no/such/dir/s.md'], `--summary is 'no/such/dir/s.md', but ${dir}/no/such/dir is`],
    [['--prompt', 'x', '--summary', '.'], `--summary is '.', but ${dir} is a directory.`],
    [['--promt', 'x'], "Unknown option '--promt'"],
    [['--prompt'], "'--prompt <value>' argument missing"],
    [['--prompt', 'x', 'stray'], "'stray'"],
  ])('%j is a usage error naming the flag', (args, message) => {
    expect(usageError(args)).toContain(message);
  });

  it('refuses a --state-dir inside the repository, by its spelling or through a link', () => {
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    expect(usageError(['--prompt', 'x', '--state-dir', 'state'])).toContain(
      `--state-dir is 'state', which is inside the repository (${dir})`,
    );
    // From a subfolder: a state dir beside it is still in the repository the loop fingerprints.
    const repo = mkdtempSync(path.join(os.tmpdir(), 'local-repo-'));
    mkdirSync(path.join(repo, 'sub'));
    const inSub: Where = { cwd: path.join(repo, 'sub'), env: {}, repositoryOf: () => repo };
    expect(usageError(['--prompt', 'x', '--state-dir', '../state'], inSub)).toContain(
      `--state-dir is '../state', which is inside the repository (${repo})`,
    );
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-link-')), 'state');
    symlinkSync(path.join(repo, 'sub'), link);
    expect(usageError(['--prompt', 'x', '--state-dir', link], inSub)).toContain(
      `(through a link: ${path.join(repo, 'sub')})`,
    );
  });

  it('is a usage error outside a git work tree, naming the flag or the current directory', () => {
    const nowhere: Where = {
      cwd: dir,
      env: {},
      repositoryOf: () => {
        throw new Error('fatal: not a git repository');
      },
    };
    expect(usageError(['--prompt', 'x'], nowhere)).toBe(
      `The current directory (${dir}) is not inside a git work tree: the loop tells Claude's changes by git. Run ` +
        'autonomous-loop in a repository (git init, or a clone), or pass --working-directory. (fatal: not a git ' +
        'repository)',
    );
    expect(usageError(['--prompt', 'x', '--working-directory', '.'], nowhere)).toContain(
      `--working-directory (${dir}) is not inside a git work tree`,
    );
  });

  it('--claude-args splits as a shell would and refuses what the action refuses in claude-args', () => {
    expect(
      run(['--prompt', 'x', '--claude-args=--add-dir "../a b" --fallback-model sonnet']).config.claudeArgs,
    ).toEqual(['--add-dir', '../a b', '--fallback-model', 'sonnet']);
    expect(usageError(['--prompt', 'x', '--claude-args=--resume=abc -p'])).toBe(
      "--claude-args is '--resume=abc -p': autonomous-loop sets --resume, -p itself; remove them.",
    );
    expect(usageError(['--prompt', 'x', '--max-budget-usd', '2', '--claude-args=--max-budget-usd 9'])).toBe(
      "--claude-args is '--max-budget-usd 9': autonomous-loop sets --max-budget-usd itself; remove it " +
        "(--max-budget-usd is the loop's budget: pass it to autonomous-loop).",
    );
    expect(run(['--prompt', 'x', '--claude-args=--max-budget-usd 9']).config.claudeArgs).toEqual([
      '--max-budget-usd',
      '9',
    ]);
    expect(usageError(['--prompt', 'x', '--claude-args=--include-partial-messages'])).toContain(
      "--claude-args is '--include-partial-messages': --include-partial-messages cannot be used",
    );
    expect(usageError(['--prompt', 'x', '--claude-args', '"open'])).toContain(`--claude-args is '"open': `);
    // Node's own words when the value looks like a flag: it says how to pass it.
    expect(usageError(['--prompt', 'x', '--claude-args', '--add-dir'])).toContain("'--claude-args=-XYZ'");
  });

  it('--provider: the cloud the flag or the environment names, with what it needs from the environment', () => {
    expect(run(['--prompt', 'x']).config.provider).toBe('anthropic');
    const bedrock = { AWS_REGION: 'us-east-1', AWS_PROFILE: 'dev' };
    expect(run(['--prompt', 'x', '--provider', 'bedrock'], where(bedrock)).config).toMatchObject({
      provider: 'bedrock',
      warnings: [],
    });
    expect(run(['--prompt', 'x'], where({ ...bedrock, CLAUDE_CODE_USE_BEDROCK: '1' })).config.provider).toBe('bedrock');
    // A machine signs in from its own setup (~/.aws, gcloud's application-default login): a warning, not an error.
    expect(run(['--prompt', 'x', '--provider', 'bedrock'], where({ AWS_REGION: 'eu-west-1' })).config.warnings).toEqual(
      [
        '--provider bedrock needs AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ' +
          'AWS_BEARER_TOKEN_BEDROCK) in the environment; going on: the CLI may sign in to Amazon Bedrock from your ' +
          'own setup (sign in first: aws sso login (and export AWS_PROFILE), or export AWS_ACCESS_KEY_ID and ' +
          'AWS_SECRET_ACCESS_KEY).',
      ],
    );
    expect(usageError(['--prompt', 'x', '--provider', 'bedrock'], where({ AWS_PROFILE: 'dev' }))).toBe(
      '--provider bedrock needs AWS_REGION in the environment: export AWS_REGION (e.g. export AWS_REGION=us-east-1): ' +
        'Claude Code does not read it from ~/.aws/config.',
    );
    expect(usageError(['--prompt', 'x', '--provider', 'azure'])).toBe(
      "--provider is 'azure'; expected one of: anthropic, bedrock, vertex, foundry.",
    );
    expect(
      usageError(['--prompt', 'x', '--provider', 'vertex'], where({ ...bedrock, CLAUDE_CODE_USE_BEDROCK: 'true' })),
    ).toBe(
      "--provider is 'vertex', but your environment sets CLAUDE_CODE_USE_BEDROCK for 'bedrock': drop one of the two.",
    );
    expect(usageError(['--prompt', 'x'], where({ CLAUDE_CODE_USE_GATEWAY: '1' }))).toContain(
      'Your environment turns on CLAUDE_CODE_USE_GATEWAY, a provider autonomous-loop does not support',
    );
    const vertex = { ANTHROPIC_VERTEX_PROJECT_ID: 'p', CLOUD_ML_REGION: 'us-east5' };
    expect(
      usageError(['--prompt', 'x', '--provider', 'vertex'], where({ ...vertex, GOOGLE_APPLICATION_CREDENTIALS: dir })),
    ).toBe(`--provider vertex reads the file that GOOGLE_APPLICATION_CREDENTIALS names, but '${dir}' is not a file.`);
  });

  it('mirrors every input of action.yml but the credentials and the GitHub ones', () => {
    const action = readFileSync('action.yml', 'utf8');
    const inputs = [...action.slice(0, action.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
    const left = ['anthropic-api-key', 'claude-code-oauth-token', 'open-issue-on', 'issue-labels', 'status-issue'];
    left.push('github-token', 'allowed-actors');
    expect(inputs.filter((input) => !FLAG_NAMES.includes(input))).toEqual(left);
    for (const name of FLAG_NAMES) expect(HELP).toContain(`--${name}`);
  });

  it('--help and --version win over everything else', () => {
    expect(parseFlags(['--max-iterations', 'x', '--help'], where())).toEqual({ kind: 'help' });
    expect(parseFlags(['-h'], where())).toEqual({ kind: 'help' });
    expect(parseFlags(['--version'], where())).toEqual({ kind: 'version' });
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
    const shown = terminalText('::error::x\n  ::set-output name=a::b ##[warning]y \x1b]0;title\x07\x1b[2Jz\r');
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
