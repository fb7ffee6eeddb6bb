/**
 * The credential proxy through the built action: what Claude, `claude --version` and the check command hold when the
 * credential comes from an input or from the job's environment. (The traffic itself: e2e/credential-proxy.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction, runnerLog } from '../helpers/action-runner.js';

const REAL_KEY = `sk-ant-api03-${'K'.repeat(93)}AA`;
const REAL_OAUTH = `sk-ant-oat01-${'T'.repeat(93)}AA`;
const STAND_IN_KEY = /^sk-ant-api03-[\w-]{93}AA$/;
const STAND_IN_OAUTH = /^sk-ant-oat01-[\w-]{93}AA$/;
const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d+$/;

async function loop(inputs: Record<string, string>, env: Record<string, string>) {
  const repo = makeRepo();
  const claude = fakeClaude([
    [{ text: gate(true, 'done') }, { result: { total_cost_usd: 0.01 } }],
    [{ write: { path: 'ok.txt', content: 'ok\n' } }, { text: gate(true, 'done') }, { result: {} }],
  ]);
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Do it', 'claude-path': FAKE_CLAUDE, ...inputs },
    env: { ...claude.env, ...env },
  });
  return { run, claude };
}

describe('the credential proxy, through dist/', () => {
  it('keeps an API key from the job’s environment out of Claude, claude --version and the check command', async () => {
    const { run, claude } = await loop(
      { 'check-command': 'env | grep -E "^(ANTHROPIC|CLAUDE_CODE_OAUTH)" || true; test -f ok.txt' },
      { ANTHROPIC_API_KEY: REAL_KEY, CLAUDE_CODE_OAUTH_TOKEN: REAL_OAUTH },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    const [first, second] = claude.calls();
    expect(first.env.ANTHROPIC_API_KEY).toMatch(STAND_IN_KEY);
    expect(first.env.ANTHROPIC_BASE_URL).toMatch(LOOPBACK);
    expect(first.env.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
    for (const env of [first.env, claude.versionCalls()[0].env]) {
      expect(JSON.stringify(env)).not.toContain(REAL_KEY);
      expect(JSON.stringify(env)).not.toContain(REAL_OAUTH);
    }
    // The check's output came back to Claude in iteration 2: neither credential nor the stand-in was in its env.
    expect(second.stdin).toContain('Result: exit code 1');
    expect(second.stdin).not.toMatch(/ANTHROPIC_API_KEY=|CLAUDE_CODE_OAUTH_TOKEN=/);
    expect(run.stdout).toMatch(
      /Claude holds a stand-in API key, good only at http:\/\/127\.0\.0\.1:\d+ during this run/,
    );
    expect(run.stdout).toContain('the proxy sends its requests on to https://api.anthropic.com.');
    expect(run.stdout).not.toContain(first.env.ANTHROPIC_API_KEY);
  });

  it('gives Claude a stand-in OAuth token for the claude-code-oauth-token input, and no API key', async () => {
    const { run, claude } = await loop(
      { 'claude-code-oauth-token': REAL_OAUTH },
      { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: 'https://gateway.example/anthropic' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    const { env } = claude.calls()[0];
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toMatch(STAND_IN_OAUTH);
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_BASE_URL).toMatch(LOOPBACK);
    expect(JSON.stringify(env)).not.toContain(REAL_OAUTH);
    expect(JSON.stringify(env)).not.toContain(REAL_KEY);
    expect(run.stdout).toContain('the proxy sends its requests on to https://gateway.example.');
  });

  it('starts no proxy when the action holds no credential (claude logged in on a self-hosted runner)', async () => {
    const { run, claude } = await loop({}, {});
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    const { env } = claude.calls()[0];
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_BASE_URL).toBeUndefined();
    expect(run.stdout).not.toContain('Claude holds a stand-in');
  });

  it('fails before Claude runs when the job’s ANTHROPIC_BASE_URL is no http(s) URL, naming it', async () => {
    const { run, claude } = await loop({ 'anthropic-api-key': REAL_KEY }, { ANTHROPIC_BASE_URL: 'api.example.com' });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe("ANTHROPIC_BASE_URL in the environment is not a URL: 'api.example.com'.");
    expect(claude.calls()).toEqual([]);
  });
});
