/**
 * The built action on a cloud provider, with the stand-in CLI: a missing setting fails before Claude is even looked
 * for, the CLI gets the cloud's switch and credentials and no Anthropic one, and the cloud's credentials are redacted.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction, runnerLog } from '../helpers/action-runner.js';

async function loop(inputs: Record<string, string>, env: Record<string, string>, text = gate(true, 'done')) {
  const repo = makeRepo();
  const claude = fakeClaude([[{ text }, { result: { total_cost_usd: 0.1, num_turns: 1 } }]]);
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Build the widget', 'claude-path': FAKE_CLAUDE, ...inputs },
    env: { ...claude.env, ...env },
  });
  return { run, claude };
}

describe('a cloud provider, end to end with a stand-in CLI', () => {
  it('fails before Claude runs when a setting is missing, naming what to set and how', async () => {
    const { run, claude } = await loop({ provider: 'vertex' }, { CLAUDE_CODE_SKIP_VERTEX_AUTH: '1' });
    const reason =
      "provider 'vertex' needs ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION: set them in the job's env after " +
      'google-github-actions/auth.';
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', iterations: '0', reason });
    expect(run.stdout).toContain(`::error::${reason}`);
    expect(run.summary).toContain('`failed`');
    // Not even `claude --version`.
    expect(claude.versionCalls()).toEqual([]);
    expect(claude.calls()).toEqual([]);
  });

  it('fails before Claude runs on a GitHub-hosted runner without AWS credentials', async () => {
    const { run, claude } = await loop(
      { provider: 'bedrock' },
      { AWS_REGION: 'us-east-1', RUNNER_ENVIRONMENT: 'github-hosted' },
    );
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toContain("provider 'bedrock' needs AWS credentials");
    expect(run.outputs.reason).toContain('aws-actions/configure-aws-credentials');
    expect(claude.versionCalls()).toEqual([]);
  });

  it("gives the CLI the cloud's switch and the job's cloud settings, no Anthropic credential, and redacts the cloud's", async () => {
    const secretKey = 'aws-secret-access-key-0123456789';
    const sessionToken = 'aws-session-token-0123456789';
    const { run, claude } = await loop(
      { provider: 'bedrock', 'anthropic-api-key': 'sk-ant-input-key-0123456789' },
      {
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: secretKey,
        AWS_SESSION_TOKEN: sessionToken,
        ANTHROPIC_API_KEY: 'sk-ant-job-env-key-0123456789',
      },
      gate(true, `Signed in with ${secretKey} and ${sessionToken}`),
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    const { env } = claude.calls()[0];
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'eu-central-1',
      AWS_SECRET_ACCESS_KEY: secretKey,
      AWS_SESSION_TOKEN: sessionToken,
    });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain('sk-ant-');
    expect(run.stdout).toContain("::warning::Input 'anthropic-api-key' is ignored with provider 'bedrock'.");
    expect(run.outputs.reason).toBe('Signed in with *** and ***');
    const everything = run.stdout + run.stderr + run.summary + JSON.stringify(run.outputs);
    expect(everything).not.toContain(secretKey);
    expect(everything).not.toContain(sessionToken);
  });
});
