/**
 * A subscription's usage limit, through the built bundle with the stand-in CLI printing the real CLI's three lines
 * (2.1.330): a far reset ends the run `usage_limited` with the state saved; a later run before the reset ends at once
 * without running Claude; a run after it continues; a near reset is waited for within the run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import {
  FAKE_CLAUDE,
  fakeClaude,
  gate,
  makeRepo,
  runAction,
  runnerLog,
  type FakeClaude,
  type FakeStep,
  type TempRepo,
} from '../helpers/action-runner.js';

const TOKEN = 'sk-ant-oat01-usage-limit-test-0123456789abcdef';

/** The three lines 2.1.330 prints at a rejected 5-hour limit, then its exit code 1. */
function usageLimitLines(resetSeconds: number): FakeStep[] {
  const info = {
    status: 'rejected',
    resetsAt: resetSeconds,
    rateLimitType: 'five_hour',
    overageStatus: 'rejected',
    isUsingOverage: false,
  };
  const text = "You've hit your limit · resets 7:58pm (UTC)";
  return [
    {
      line: {
        type: 'rate_limit_event',
        rate_limit_info: { ...info, unifiedWindows: { five_hour: { utilization: 1, resetsAt: resetSeconds } } },
        uuid: '5a7bbfbf-c373-41db-91a3-f02f6789df00',
      },
    },
    {
      line: {
        type: 'assistant',
        message: { id: 'f1c3', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text }] },
        parent_tool_use_id: null,
        error: 'rate_limit',
        is_api_error_message: true,
        api_error_status: 429,
        api_error: 'usage_limit_reached',
        api_error_params: { rate_limit_info: info },
        api_error_type: 'rate_limit_error',
      },
    },
    {
      line: {
        type: 'result',
        subtype: 'success',
        is_error: true,
        num_turns: 1,
        api_error_status: 429,
        api_error_type: 'rate_limit_error',
        api_error: 'usage_limit_reached',
        result: text,
        total_cost_usd: 0,
        usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        model_usage_since_last_result: {},
      },
    },
    { exit: 1 },
  ];
}

const ready: FakeStep[] = [
  { append: 'work.txt' },
  { text: gate(true, 'All done') },
  {
    result: {
      total_cost_usd: 0.25,
      num_turns: 2,
      model_usage_since_last_result: {
        'claude-x': {
          inputTokens: 1200,
          outputTokens: 300,
          cacheReadInputTokens: 4000,
          cacheCreationInputTokens: 50,
          costUSD: 0.25,
        },
      },
    },
  },
];

function runOnce(
  repo: TempRepo,
  claude: FakeClaude,
  stateDir: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  return runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Build the widget',
      'claude-path': FAKE_CLAUDE,
      'claude-code-oauth-token': TOKEN,
      'state-dir': stateDir,
      ...inputs,
    },
    env: {
      ...claude.env,
      FAKE_CLAUDE_SESSIONS: '1',
      HOME: mkdtempSync(path.join(os.tmpdir(), 'fresh-home-')),
      ...env,
    },
  });
}

const newStateDir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'loop-state-')), 'state');
const savedState = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8'));

describe('a subscription usage limit', () => {
  it('far reset: usage_limited after one call, resets-at, the state saved; a run before the reset does not call Claude; one after it continues', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 3 * 3600;
    const resetsAt = new Date(resetSeconds * 1000).toISOString();
    const repo = makeRepo();
    const claude = fakeClaude([usageLimitLines(resetSeconds), ready]);
    const stateDir = newStateDir();

    const first = await runOnce(repo, claude, stateDir);
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs).toMatchObject({ status: 'usage_limited', 'resets-at': resetsAt, iterations: '1' });
    expect(claude.calls()).toHaveLength(1);
    expect(savedState(stateDir)).toMatchObject({ status: 'usage_limited', resetsAt });
    expect(first.summary).toContain(`paused by the usage limit until ${resetsAt}`);
    expect(first.summary).toContain('an API-price equivalent under the subscription, not money spent');
    expect(runnerLog(first.stdout)).not.toMatch(/transient API error|rejected the API key/);

    // A run before the reset: ends within seconds, without Claude (not even `claude --version`).
    const versionCalls = claude.versionCalls().length;
    const started = Date.now();
    const second = await runOnce(repo, claude, stateDir);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs).toMatchObject({ status: 'usage_limited', 'resets-at': resetsAt, iterations: '0' });
    expect(second.summary).toContain(`paused by the usage limit until ${resetsAt}`);
    expect(claude.calls()).toHaveLength(1);
    expect(claude.versionCalls()).toHaveLength(versionCalls);
    expect(savedState(stateDir)).toMatchObject({ status: 'usage_limited', resetsAt, runs: 1 });

    // After the reset (the saved time moved into the past): the loop goes on in the same session.
    const state = savedState(stateDir);
    writeFileSync(
      path.join(stateDir, 'state.json'),
      JSON.stringify({ ...state, resetsAt: new Date(Date.now() - 1000).toISOString() }),
    );
    const third = await runOnce(repo, claude, stateDir);
    expect(third.outputs).toMatchObject({ status: 'completed', resumed: 'true', 'resets-at': '' });
    expect(JSON.parse(third.outputs.tokens)).toEqual({
      input: 1200,
      output: 300,
      cache_read: 4000,
      cache_creation: 50,
    });
    const calls = claude.calls();
    expect(calls).toHaveLength(2);
    expect(calls[1].args).toContain('--resume');
    expect(calls[1].args).toContain(state.sessionId);
  }, 60_000);

  it("tokens: each result line's usage, summed over the iterations", async () => {
    const usage = {
      input_tokens: 100,
      output_tokens: 20,
      cache_read_input_tokens: 3000,
      cache_creation_input_tokens: 7,
    };
    const step = (ready: boolean): FakeStep[] => [
      { append: 'work.txt' },
      { text: gate(ready, ready ? 'done' : 'more') },
      { result: { total_cost_usd: 0.1, usage } },
    ];
    const claude = fakeClaude([step(false), step(true)]);
    const run = await runOnce(makeRepo(), claude, newStateDir());
    expect(run.outputs.status).toBe('completed');
    expect(JSON.parse(run.outputs.tokens)).toEqual({ input: 200, output: 40, cache_read: 6000, cache_creation: 14 });
  }, 60_000);

  it('near reset: waited for within the run, and the loop completes', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 3;
    const repo = makeRepo();
    const claude = fakeClaude([usageLimitLines(resetSeconds), ready]);
    const run = await runOnce(repo, claude, newStateDir(), { 'api-retries': '0' });
    expect(run.outputs).toMatchObject({ status: 'completed', 'resets-at': '', iterations: '1' });
    const calls = claude.calls();
    expect(calls).toHaveLength(2);
    expect(runnerLog(run.stdout)).toContain(
      `paused by the usage limit until ${new Date(resetSeconds * 1000).toISOString()}`,
    );
  }, 60_000);

  it('open-issue-on usage_limited: the issue says until when; a run still paused adds nothing to it', async () => {
    const GITHUB_TOKEN = 'ghs_usage_limit_token_0123456789';
    const github = await startFakeGitHubApi({ token: GITHUB_TOKEN });
    try {
      const resetSeconds = Math.floor(Date.now() / 1000) + 3 * 3600;
      const repo = makeRepo();
      const claude = fakeClaude([usageLimitLines(resetSeconds)]);
      const stateDir = newStateDir();
      const inputs = { 'open-issue-on': 'usage_limited', 'github-token': GITHUB_TOKEN };
      const env = { GITHUB_API_URL: github.url };
      const first = await runOnce(repo, claude, stateDir, inputs, env);
      expect(first.outputs.status).toBe('usage_limited');
      expect(github.issues).toHaveLength(1);
      expect(github.issues[0].body).toContain(
        `paused by the usage limit until ${new Date(resetSeconds * 1000).toISOString()}`,
      );
      const second = await runOnce(repo, claude, stateDir, inputs, env);
      expect(second.outputs.status).toBe('usage_limited');
      expect(github.issues).toHaveLength(1);
      expect(github.comments).toHaveLength(0);
    } finally {
      await github.close();
    }
  }, 60_000);
});
