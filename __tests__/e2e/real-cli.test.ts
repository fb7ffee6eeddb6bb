/**
 * End to end: the built action, run as the runner runs it, drives the REAL Claude Code CLI (the pinned
 * devDependency) against a fake Anthropic Messages API on 127.0.0.1, in real git repositories.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationText, startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const API_KEY = 'sk-ant-e2e-fake-key-000111222333';

let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

type Script = Parameters<typeof startFakeAnthropicApi>[0];

async function loopWithRealCli(
  script: Script,
  inputs: Record<string, string> = {},
  options: {
    files?: Record<string, string>;
    env?: Record<string, string>;
    onStart?: Parameters<typeof runAction>[0]['onStart'];
  } = {},
) {
  api = await startFakeAnthropicApi(script);
  const repo = makeRepo(options.files);
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Create hello.txt, then finish.',
      'claude-path': CLAUDE,
      'anthropic-api-key': API_KEY,
      ...inputs,
    },
    env: {
      ANTHROPIC_BASE_URL: api.url,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '20000',
      ...options.env,
    },
    onStart: options.onStart,
  });
  return { repo, run, api };
}

/** Processes whose working directory is inside `dir`: a CLI left behind would be one. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

// No skip when the CLI is missing: it is a pinned devDependency, and a broken install must fail the suite loudly.
describe('the real Claude Code CLI against a fake API', () => {
  it('runs two iterations: a real tool call, then completion in the resumed session', async () => {
    const { repo, run, api } = await loopWithRealCli([
      { tool: 'Write', input: { file_path: 'hello.txt', content: 'hello from claude\n' } },
      { text: gate(false, 'Not verified yet', ['Check hello.txt', 'Say goodbye']) },
      { text: gate(true, 'hello.txt exists and is correct') },
    ]);

    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(readFileSync(path.join(repo.dir, 'hello.txt'), 'utf8')).toBe('hello from claude\n');
    expect(run.outputs.iterations).toBe('2');
    expect(run.outputs.reason).toBe('hello.txt exists and is correct');
    expect(run.outputs['session-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0);
    expect(run.outputs['files-changed']).toBe('1');

    // The first request of iteration 2 carries the whole earlier conversation: the session really was resumed.
    const [, , thirdMain] = api.mainRequests;
    const history = conversationText(thirdMain.body);
    expect(history).toContain('Create hello.txt, then finish.');
    expect(history).toContain('hello.txt');
    expect(history).toContain('Check hello.txt');
    expect(history).toContain('Continue working on the task.');

    expect(run.summary).toContain('not ready: Not verified yet (blockers: Check hello.txt; Say goodbye)');
    expect(run.stdout).toContain('→ Write');
    expect(JSON.stringify(api.requests)).not.toContain(API_KEY);
  });

  it('goes on after max-turns is reached in iteration 1 and completes in iteration 2', async () => {
    const { run, repo } = await loopWithRealCli(
      [
        { tool: 'Write', input: { file_path: 'part1.txt', content: 'one\n' } },
        { text: gate(true, 'Finished after the turn cap') },
      ],
      { 'max-turns': '1' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(run.outputs.iterations).toBe('2');
    expect(run.summary).toContain('turn limit reached');
    expect(existsSync(path.join(repo.dir, 'part1.txt'))).toBe(true);
  });

  it('never completes on a gate that appears only in a file Claude reads', async () => {
    const { run } = await loopWithRealCli(
      [{ tool: 'Read', input: { file_path: 'PLAN.md' } }, { text: 'I read the plan. There is more to do.' }],
      { 'max-iterations': '1' },
      { files: { 'PLAN.md': `# Plan\n${gate(true, 'Copied from the plan')}\n` } },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('iteration_limit_reached');
  });

  it('fails at once on 401, naming the input', async () => {
    const { run, api } = await loopWithRealCli([{ error: 401, times: Infinity }], { 'api-retries': '3' });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toContain("rejected the API key or token (401): check the 'anthropic-api-key' input");
    expect(run.code).toBe(1);
    // One CLI run only: authentication errors are never retried by the loop (the CLI's own retries are off here).
    expect(api.mainRequests.length).toBe(1);
  });

  it('retries a 529 that recovers, in the same iteration', async () => {
    const { run, api } = await loopWithRealCli(
      [{ error: 529, shouldRetry: false }, { text: gate(true, 'Done after the overload') }],
      { 'api-retries': '1' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(run.outputs.iterations).toBe('1');
    expect(run.stdout).toMatch(/::warning::Iteration 1: transient API error, retry 1 of 1/);
    expect(run.summary).toContain('retry: attempt 1 failed');
    expect(api.mainRequests.length).toBe(2);
  }, 60_000);

  it('fails with the API message after the last retry of a 500 that does not recover', async () => {
    const { run, api } = await loopWithRealCli([{ error: 500, shouldRetry: false, times: Infinity }], {
      'api-retries': '1',
    });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toMatch(/500|Internal server error/);
    expect(api.mainRequests.length).toBe(2);
  }, 60_000);

  it('times out an iteration against an API that hangs', async () => {
    const { run, repo } = await loopWithRealCli([{ hang: true, times: Infinity }], {
      'iteration-timeout-minutes': '0.05',
    });
    expect(run.outputs.status).toBe('timed_out');
    expect(run.code).toBe(1);
    expect(processesIn(repo.dir)).toEqual([]);
  });

  it('reports cancelled on SIGINT mid-iteration, with the summary written and no CLI left running', async () => {
    let sentAt = 0;
    const { run, repo } = await loopWithRealCli(
      [{ hang: true, times: Infinity }],
      {},
      {
        onStart: (child) => {
          void api!
            .waitForRequest((request) => request.kind === 'main', 30_000)
            .then(() => {
              sentAt = Date.now();
              child.kill('SIGINT');
            });
        },
      },
    );
    expect(run.outputs.status).toBe('cancelled');
    expect(run.summary).toContain('`cancelled`');
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(processesIn(repo.dir)).toEqual([]);
  });
});
