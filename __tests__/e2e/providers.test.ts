/**
 * End to end on the clouds: the built action drives the REAL Claude Code CLI against the fake API speaking Bedrock's,
 * Vertex AI's and Foundry's forms of the Messages API on 127.0.0.1, with fake cloud credentials that Claude prints
 * and that must come out nowhere but in what the (fake) model was sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationText, startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog, type ActionRun } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');

let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/**
 * A two-iteration loop in which Claude prints `exposed` with its Bash tool and then repeats `secrets` in its gates:
 * each would reach the log, the summary, the outputs and the transcript unless the action redacts it.
 */
async function cloudLoop(
  inputs: Record<string, string>,
  env: (apiUrl: string) => Record<string, string>,
  show: string,
) {
  api = await startFakeAnthropicApi([
    { tool: 'Bash', input: { command: show, description: 'Show the credentials' } },
    { text: gate(false, 'Printed the credentials', ['Write hello.txt']) },
    { tool: 'Write', input: { file_path: 'hello.txt', content: 'hello from the cloud\n' } },
    { text: gate(true, 'hello.txt is written') },
  ]);
  const repo = makeRepo();
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Show the credentials, then create hello.txt.', 'claude-path': CLAUDE, ...inputs },
    env: {
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '20000',
      // The job's own Anthropic key: Claude on a cloud has no use for it and must not see it.
      ANTHROPIC_API_KEY: 'sk-ant-job-key-must-not-reach-claude-42',
      ...env(api.url),
    },
  });
  return { run, api, repo };
}

function expectCompletedWithCost(run: ActionRun): void {
  expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
  expect(run.outputs.iterations).toBe('2');
  expect(run.outputs.reason).toBe('hello.txt is written');
  expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0);
}

/** Each value was printed by Claude (the model was sent it), and shows in no report of the action. */
function expectRedacted(run: ActionRun, sent: string, values: string[]): void {
  const transcript = readFileSync(run.outputs['transcript-file'], 'utf8');
  for (const value of values) {
    expect(sent, `Claude printed ${value}`).toContain(value);
    expect(run.stdout, 'the log').not.toContain(value);
    expect(run.stderr).not.toContain(value);
    expect(run.summary, 'the summary').not.toContain(value);
    expect(JSON.stringify(run.outputs), 'the outputs').not.toContain(value);
    expect(transcript, 'the transcript').not.toContain(value);
  }
  expect(transcript).toContain('***');
}

const NO_ANTHROPIC_KEY = 'printf "anthropic key: %s\\n" "${ANTHROPIC_API_KEY:-none}"';

describe('the real Claude Code CLI on a cloud provider', () => {
  it('Bedrock: signs its requests with the job credentials, streams event-stream frames, completes in two iterations', async () => {
    const creds = {
      AWS_ACCESS_KEY_ID: 'ASIAFAKEACCESSKEY123',
      AWS_SECRET_ACCESS_KEY: 'fake/aws+secret-access-key-0123456789abcdef',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEFAKE-session-token-0123456789',
    };
    const { run, api } = await cloudLoop(
      { provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      (url) => ({ ...creds, AWS_REGION: 'us-east-1', ANTHROPIC_BEDROCK_BASE_URL: url }),
      `printenv AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; ${NO_ANTHROPIC_KEY}`,
    );
    expectCompletedWithCost(run);
    const main = api.mainRequests;
    expect(main.map((request) => request.provider)).toEqual(['bedrock', 'bedrock', 'bedrock', 'bedrock']);
    expect(main[0].path).toBe('/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
    // SigV4 with the session credentials of an assumed role: what aws-actions/configure-aws-credentials leaves.
    expect(main[0].headers['x-amz-security-token']).toBe(creds.AWS_SESSION_TOKEN);
    const sent = conversationText(main[1].body);
    expect(sent).toContain('anthropic key: none');
    expectRedacted(run, sent, [creds.AWS_SECRET_ACCESS_KEY, creds.AWS_SESSION_TOKEN]);
  });

  it('Bedrock with an API key (AWS_BEARER_TOKEN_BEDROCK): completes, and the key is redacted everywhere', async () => {
    const token = 'ABSKfake-bedrock-api-key-0123456789abcdef';
    const { run, api } = await cloudLoop(
      { provider: 'bedrock' },
      (url) => ({ AWS_BEARER_TOKEN_BEDROCK: token, AWS_REGION: 'eu-west-1', ANTHROPIC_BEDROCK_BASE_URL: url }),
      'printenv AWS_BEARER_TOKEN_BEDROCK',
    );
    expectCompletedWithCost(run);
    expect(api.mainRequests[0].provider).toBe('bedrock');
    expectRedacted(run, conversationText(api.mainRequests[1].body), [token]);
  });

  it("Vertex AI: streamRawPredict in the job's project and region, the credentials file's key redacted", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gcp-'));
    const keyLines = [
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfake0123456789',
      'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789fakekeylinetwo+/==',
    ];
    const privateKey = `-----BEGIN PRIVATE KEY-----\n${keyLines.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const credentials = path.join(dir, 'gha-creds-0123.json');
    writeFileSync(
      credentials,
      JSON.stringify({
        type: 'service_account',
        project_id: 'loop-project',
        private_key_id: 'fake0123456789private0key0id',
        private_key: privateKey,
        client_email: 'loop@loop-project.iam.gserviceaccount.com',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    const { run, api } = await cloudLoop(
      { provider: 'vertex', model: 'claude-sonnet-4-5@20250929' },
      (url) => ({
        ANTHROPIC_VERTEX_PROJECT_ID: 'loop-project',
        CLOUD_ML_REGION: 'us-east5',
        GOOGLE_APPLICATION_CREDENTIALS: credentials,
        // The CLI would trade the key for a token at Google: the fake takes none.
        CLAUDE_CODE_SKIP_VERTEX_AUTH: '1',
        ANTHROPIC_VERTEX_BASE_URL: `${url}/v1`,
      }),
      `cat "$GOOGLE_APPLICATION_CREDENTIALS"; ${NO_ANTHROPIC_KEY}`,
    );
    expectCompletedWithCost(run);
    const main = api.mainRequests;
    expect(main.map((request) => request.provider)).toEqual(['vertex', 'vertex', 'vertex', 'vertex']);
    expect(main[0].path).toBe(
      '/v1/projects/loop-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
    );
    const sent = conversationText(main[1].body);
    expect(sent).toContain('anthropic key: none');
    expectRedacted(run, sent, keyLines);
  });

  it('Foundry, turned on by CLAUDE_CODE_USE_FOUNDRY=1 in the job env: the API key is sent, and redacted everywhere', async () => {
    const key = 'fake-foundry-api-key-0123456789abcdef';
    const { run, api } = await cloudLoop(
      {},
      (url) => ({
        CLAUDE_CODE_USE_FOUNDRY: '1',
        ANTHROPIC_FOUNDRY_API_KEY: key,
        ANTHROPIC_FOUNDRY_BASE_URL: `${url}/anthropic`,
      }),
      `printenv ANTHROPIC_FOUNDRY_API_KEY; ${NO_ANTHROPIC_KEY}`,
    );
    expectCompletedWithCost(run);
    const main = api.mainRequests;
    expect(main.map((request) => request.provider)).toEqual(['foundry', 'foundry', 'foundry', 'foundry']);
    // The fake records the key header as redacted; that it was there at all is what counts.
    expect(main[0].headers['x-api-key']).toBe('<redacted>');
    const sent = conversationText(main[1].body);
    expect(sent).toContain('anthropic key: none');
    expectRedacted(run, sent, [key]);
  });
});
