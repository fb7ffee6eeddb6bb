/**
 * Verified completion through the built action: a real bash check command in a real git repository, after the
 * scripted stand-in CLI says `ready: true`.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTINUATION_PROMPT } from '../../src/actions/inputs.js';
import {
  FAKE_CLAUDE,
  fakeClaude,
  gate,
  isAlive,
  makeRepo,
  runAction,
  runnerLog,
  type FakeStep,
} from '../helpers/action-runner.js';

const API_KEY = 'sk-ant-check-secret-key-0123456789';
const GITHUB_TOKEN = 'ghs_check_secret_token_0123456789';

async function loop(invocations: FakeStep[][], inputs: Record<string, string>) {
  const repo = makeRepo({ 'README.md': '# repo\n', '.gitignore': 'coverage/\n' });
  const claude = fakeClaude(invocations);
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Make the check pass',
      'claude-path': FAKE_CLAUDE,
      'anthropic-api-key': API_KEY,
      'github-token': GITHUB_TOKEN,
      ...inputs,
    },
    env: { ...claude.env, CHECK_MARKER: 'visible-to-the-check' },
  });
  return { repo, claude, run };
}

const result: FakeStep = { result: { total_cost_usd: 0.1 } };
/** Fails until fixed.txt exists, printing coloured output the way test runners do. */
const CHECK = `if [ -f fixed.txt ]; then echo all good; else printf '\\033[31mFAIL\\033[0m fixed.txt is missing\\n' >&2; exit 3; fi`;

describe('check-command, end to end', () => {
  it('fails, reaches Claude on stdin, then passes: completed', async () => {
    const { run, claude } = await loop(
      [
        [{ text: gate(true, 'I think I am done') }, result],
        [{ write: { path: 'fixed.txt', content: 'ok\n' } }, { text: gate(true, 'Now it is fixed') }, result],
      ],
      { 'check-command': CHECK },
    );
    expect(run.outputs).toMatchObject({ status: 'completed', iterations: '2', check: 'passed' });
    const [, second] = claude.calls();
    expect(second.stdin.startsWith(`${DEFAULT_CONTINUATION_PROMPT}\n\nThe loop ran the check command`)).toBe(true);
    expect(second.stdin).toContain(`Command: ${CHECK}\nResult: exit code 3`);
    // Colours stripped.
    expect(second.stdin).toContain('\nFAIL fixed.txt is missing\n');
    expect(second.stdin).not.toContain('\u001b');
    // Claude is told the check verifies ready: true, and which command it is.
    const prompt = claude.calls()[0].args[claude.calls()[0].args.indexOf('--append-system-prompt') + 1];
    expect(prompt).toContain(`the task is complete only when it passes: ${CHECK}`);
    // The log: the check in its own group, a verdict, and the check's output as text.
    expect(run.stdout).toContain('::group::Check after iteration 1: ');
    expect(run.stdout).toContain('Check after iteration 1: failed (exit code 3)');
    expect(run.summary).toMatch(/\| 1 \| .* \| ready: I think I am done \| failed: exit code 3 \|/);
    expect(run.summary).toMatch(/\| 2 \| .* \| passed \|/);
  });

  it('with check-on: every-iteration, runs after every iteration and its failure always goes forward', async () => {
    const { run, claude } = await loop(
      [
        [{ append: 'work.txt' }, { text: gate(false, 'still working', ['more']) }, result],
        [{ write: { path: 'fixed.txt', content: 'ok\n' } }, { text: gate(true, 'done') }, result],
      ],
      { 'check-command': CHECK, 'check-on': 'every-iteration' },
    );
    expect(run.outputs).toMatchObject({ status: 'completed', iterations: '2', check: 'passed' });
    expect(claude.calls()[1].stdin).toContain('fixed.txt is missing');
  });

  it('does not count what the check writes as progress', async () => {
    const { run } = await loop([[{ text: gate(false, 'thinking') }, result]], {
      'check-command': 'date +%N >> generated.txt',
      'check-on': 'every-iteration',
      'no-change-threshold': '2',
    });
    expect(run.outputs).toMatchObject({ status: 'no_progress', iterations: '2', check: 'passed' });
  });

  it('ends repeated_error when the check fails the same way, with the failure as the reason', async () => {
    const { run } = await loop([[{ append: 'work.txt' }, { text: gate(true, 'done, honestly') }, result]], {
      // One stream: which of two pipes is read last is up to the scheduler.
      'check-command': `echo "1 failing test after $RANDOM ms"; echo "FAIL: widget.test.js in 0.$RANDOM s"; exit 1`,
      'same-error-threshold': '2',
    });
    expect(run.outputs).toMatchObject({ status: 'repeated_error', iterations: '2', check: 'failed' });
    expect(run.outputs.reason).toBe(
      'Same error repeated 2 times: The check failed (exit code 1): FAIL: widget.test.js in <duration>',
    );
    expect(run.summary).toContain('### Last check');
    expect(run.summary).toContain('FAIL: widget.test.js');
  });

  it('times out a hanging check and leaves no process behind', async () => {
    const { run } = await loop([[{ append: 'w' }, { text: gate(true, 'done') }, result]], {
      'check-command': 'sleep 317.5 & sleep 317.5',
      'check-timeout-minutes': '0.02',
      'max-iterations': '1',
    });
    expect(run.outputs).toMatchObject({ status: 'iteration_limit_reached', check: 'failed' });
    expect(run.outputs.reason).toBe(
      'Maximum iterations (1) reached: Claude reported the task complete, but the check command failed ' +
        '(timed out after 0.02 min and was stopped).',
    );
    expect(listProcesses('317.5').filter(isAlive)).toEqual([]);
  });

  it('is stopped with its whole group on cancellation, and the outputs and summary are still written', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ append: 'w' }, { text: gate(true, 'done') }, result]]);
    let sentAt = 0;
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'x', 'claude-path': FAKE_CLAUDE, 'check-command': 'sleep 319.5 & sleep 319.5' },
      env: claude.env,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (listProcesses('319.5').length >= 2) {
            clearInterval(poll);
            sentAt = Date.now();
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(run.outputs).toMatchObject({ status: 'cancelled', iterations: '1', check: '' });
    expect(run.summary).toContain('`cancelled`');
    expect(listProcesses('319.5').filter(isAlive)).toEqual([]);
  });

  it('runs without the action’s secrets or inputs, and its output is redacted', async () => {
    const { run, claude } = await loop(
      [
        [{ text: gate(true, 'done') }, result],
        [{ write: { path: 'fixed.txt', content: '' } }, { text: gate(true, 'done') }, result],
      ],
      {
        // Prints what it can see, and a secret that it found elsewhere (a file Claude wrote, say).
        'check-command': `env | grep -E '^(INPUT_|GITHUB_OUTPUT|GITHUB_ENV|ANTHROPIC|CHECK_MARKER)' || true; echo "${API_KEY}"; test -f fixed.txt`,
      },
    );
    expect(run.outputs.status).toBe('completed');
    const report = claude.calls()[1].stdin;
    expect(report).toContain('CHECK_MARKER=visible-to-the-check');
    expect(report).toMatch(/^CHECK_MARKER=/m);
    expect(report).not.toMatch(/^(INPUT_|GITHUB_OUTPUT=|GITHUB_ENV=|ANTHROPIC_API_KEY=)/m);
    expect(report).not.toContain(API_KEY);
    expect(report).toContain('***');
    expect(runnerLog(run.stdout)).not.toContain(API_KEY);
  });

  it('gets no credential that the job gave Claude through its environment, by name or by value', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ text: gate(true, 'done') }, result]]);
    const seen = path.join(mkdtempSync(path.join(os.tmpdir(), 'check-env-')), 'env');
    const jobKey = 'sk-ant-job-env-key-0123456789abcdef';
    const jobToken = 'sk-ant-oat01-job-env-token-0123456789';
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'x', 'claude-path': FAKE_CLAUDE, 'check-command': `env > '${seen}'` },
      env: { ...claude.env, ANTHROPIC_API_KEY: jobKey, CLAUDE_CODE_OAUTH_TOKEN: jobToken, MY_COPY: jobKey },
    });
    expect(run.outputs).toMatchObject({ status: 'completed', check: 'passed' });
    const env = readFileSync(seen, 'utf8');
    expect(env).toContain('PATH=');
    expect(claude.versionCalls().length).toBeGreaterThan(0);
    for (const found of [env, JSON.stringify(claude.versionCalls())]) {
      expect(found).not.toContain(jobKey);
      expect(found).not.toContain(jobToken);
      expect(found).not.toMatch(/ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|MY_COPY/);
    }
    // Claude itself gets the credential proxy's stand-in for the job's key (which the CLI would prefer), never the key.
    const claudeEnv = claude.calls()[0].env;
    expect(claudeEnv.ANTHROPIC_API_KEY).toMatch(/^sk-ant-api03-/);
    expect(JSON.stringify(claudeEnv)).not.toContain(jobKey);
    expect(JSON.stringify(claudeEnv)).not.toContain(jobToken);
  });
});

/** Processes whose command line contains `marker`. */
function listProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // Gone.
    }
  }
  return found;
}
