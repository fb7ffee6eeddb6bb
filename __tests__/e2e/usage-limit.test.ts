/**
 * End to end: the built action drives the REAL Claude Code CLI, on a subscription's OAuth token, against a fake
 * Anthropic API that answers 429 with the `anthropic-ratelimit-unified-*` headers of a rejected usage limit.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi, unifiedRateLimitHeaders } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const OAUTH_TOKEN = 'sk-ant-oat01-e2e-fake-token-000111222333';

let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function loopOnSubscription(script: Parameters<typeof startFakeAnthropicApi>[0], stateDir: string) {
  api = await startFakeAnthropicApi(script);
  const repo = makeRepo();
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Create hello.txt, then finish.',
      'claude-path': CLAUDE,
      'claude-code-oauth-token': OAUTH_TOKEN,
      'state-dir': stateDir,
    },
    env: {
      ANTHROPIC_BASE_URL: api.url,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '20000',
    },
  });
  return { run, api };
}

const newStateDir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'loop-state-')), 'state');

describe('the real CLI at a usage limit', () => {
  it('a far reset: one request, usage_limited with resets-at, the state saved with the reset time', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 3 * 3600;
    const resetsAt = new Date(resetSeconds * 1000).toISOString();
    const stateDir = newStateDir();
    const { run, api } = await loopOnSubscription(
      [{ usageLimit: { resetsAt: resetSeconds }, times: Infinity }],
      stateDir,
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'usage_limited', 'resets-at': resetsAt });
    expect(run.outputs.reason).toContain("Claude's usage limit (five_hour) was reached");
    expect(api.mainRequests).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8'))).toMatchObject({
      status: 'usage_limited',
      resetsAt,
    });
    expect(run.summary).toContain(`paused by the usage limit until ${resetsAt}`);
    expect(runnerLog(run.stdout)).not.toContain(OAUTH_TOKEN);
  }, 120_000);

  it('a near reset is waited for and the loop completes; a limit 80% used gives one warning', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 3;
    const warning = unifiedRateLimitHeaders({
      status: 'allowed_warning',
      resetsAt: resetSeconds + 3600,
      utilization: 0.85,
    });
    const { run, api } = await loopOnSubscription(
      [{ usageLimit: { resetsAt: resetSeconds } }, { text: gate(true, 'Done after the reset'), headers: warning }],
      newStateDir(),
    );
    expect(run.outputs).toMatchObject({ status: 'completed', 'resets-at': '' });
    expect(api.mainRequests).toHaveLength(2);
    const log = runnerLog(run.stdout);
    expect(log).toContain(`paused by the usage limit until ${new Date(resetSeconds * 1000).toISOString()}`);
    // An annotation writes % as %25.
    expect(log.match(/85(%|%25) of the usage limit \(five_hour\) is used/g)).toHaveLength(1);
  }, 120_000);
});
