/**
 * The credential proxy end to end: the built action runs the REAL Claude Code CLI, whose every request goes through
 * the action's loopback proxy to a fake Anthropic API (the job's ANTHROPIC_BASE_URL). The fake API records the
 * headers that reach it, and what Claude's tools printed (their results travel in the next request).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationText, startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const REAL_KEY = `sk-ant-api03-${'e2eRealKey'.repeat(9)}xyzAA`;
const REAL_OAUTH = `sk-ant-oat01-${'e2eRealTok'.repeat(9)}xyzAA`;
const STAND_IN_KEY = /sk-ant-api03-[\w-]{93}AA/;

type Script = Parameters<typeof startFakeAnthropicApi>[0];
type ApiOptions = NonNullable<Parameters<typeof startFakeAnthropicApi>[1]>;
let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function loopWithRealCli(
  script: Script,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  apiOptions: ApiOptions = {},
) {
  api = await startFakeAnthropicApi(script, { ...apiOptions, recordCredentials: true });
  const repo = makeRepo();
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Create hello.txt, then finish.', 'claude-path': CLAUDE, ...inputs },
    env: {
      ANTHROPIC_BASE_URL: api.url,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '20000',
      ...env,
    },
  });
  return { run, api };
}

const toolThenDone = (tool: string, input: Record<string, unknown>): Script => [
  { tool, input },
  { text: gate(false, 'Not verified yet', ['Check it']) },
  { text: gate(true, 'Done') },
];

describe('the credential proxy with the real CLI', () => {
  it('sends every request on with the real API key, in x-api-key, a sub-agent’s included', async () => {
    const subtask = 'SUBTASK-proxy-e2e: write hello.txt';
    const { run, api } = await loopWithRealCli(
      toolThenDone('Agent', { description: 'Write hello.txt', prompt: subtask }),
      { 'anthropic-api-key': REAL_KEY },
      {},
      {
        routes: [
          {
            name: 'sub-agent',
            match: subtask,
            script: [{ tool: 'Write', input: { file_path: 'hello.txt', content: 'hi\n' } }, { text: 'Wrote it.' }],
          },
        ],
      },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(api.mainRequests.filter((request) => request.route === 'sub-agent')).toHaveLength(2);
    expect(api.mainRequests.length).toBeGreaterThanOrEqual(5);
    // Every request the CLI made, whatever its kind (in 2.1.330 with non-essential traffic off, -p sends no side
    // calls of its own: a title, a WebFetch summary or a compaction would be checked here too).
    for (const request of api.requests) {
      expect(request.headers['x-api-key'], `${request.kind} ${request.path}`).toBe(REAL_KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('sends every request on with the real OAuth token as Bearer, with the beta header the CLI adds', async () => {
    const { run, api } = await loopWithRealCli(
      toolThenDone('Write', { file_path: 'hello.txt', content: 'hi\n' }),
      { 'claude-code-oauth-token': REAL_OAUTH },
      // A job's own API key: the OAuth input wins, and the key reaches neither Claude nor the API.
      { ANTHROPIC_API_KEY: REAL_KEY },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(api.mainRequests.length).toBeGreaterThanOrEqual(3);
    for (const request of api.requests) {
      expect(request.headers.authorization, `${request.kind} ${request.path}`).toBe(`Bearer ${REAL_OAUTH}`);
      expect(request.headers['anthropic-beta']).toContain('oauth-2025-04-20');
      expect(request.headers['x-api-key']).toBeUndefined();
    }
  });

  it('lets the CLI retry a 429 through the proxy, with the real key each time', async () => {
    const { run, api } = await loopWithRealCli(
      [{ error: 429, retryAfter: 0 }, { text: gate(true, 'Done after the rate limit') }],
      { 'anthropic-api-key': REAL_KEY },
      { CLAUDE_CODE_MAX_RETRIES: '2' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(run.outputs.iterations).toBe('1');
    expect(api.mainRequests.map((request) => request.headers['x-api-key'])).toEqual([REAL_KEY, REAL_KEY]);
  }, 60_000);

  it('still stops at max-budget-usd', async () => {
    const { run } = await loopWithRealCli(
      [{ text: gate(false, 'More to do', ['Everything']), usage: { input_tokens: 50_000, output_tokens: 20_000 } }],
      { 'anthropic-api-key': REAL_KEY, 'max-budget-usd': '0.01', 'max-iterations': '3' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('budget_exceeded');
    expect(run.outputs.iterations).toBe('1');
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0.01);
  });
});

describe('attacks on the credential', () => {
  it('a tool Claude runs finds only the stand-in in its environment, and a guessed token gets 401', async () => {
    const { run, api } = await loopWithRealCli(
      [
        {
          tool: 'Bash',
          input: {
            command:
              'printenv ANTHROPIC_API_KEY; env | grep -E "^(ANTHROPIC|CLAUDE_CODE_OAUTH)"; ' +
              'for i in 1 2 3; do curl -s -o /dev/null -w "guess:%{http_code} " -H "x-api-key: sk-ant-api03-guess" ' +
              '-d "{}" "$ANTHROPIC_BASE_URL/v1/messages"; done',
          },
        },
        { text: gate(true, 'Printed the environment') },
      ],
      { 'anthropic-api-key': REAL_KEY },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    // The tool's output went to the API with the next request: what the tool saw, as the model would read it.
    const toolOutput = conversationText(api.mainRequests[1].body);
    expect(toolOutput).toContain('ANTHROPIC_API_KEY=');
    expect(toolOutput).not.toContain(REAL_KEY);
    for (const request of api.requests) expect(JSON.stringify(request.body)).not.toContain(REAL_KEY);
    expect(toolOutput).toMatch(STAND_IN_KEY);
    expect(toolOutput).toContain('guess:401 guess:401 guess:401');
    // Three refused requests, one warning.
    expect(run.stdout.match(/::warning::The credential proxy refused a request/g)).toHaveLength(1);
    // The stand-in is redacted in the log, the transcript and the outputs like any secret.
    const standIn = STAND_IN_KEY.exec(toolOutput)![0];
    const transcript = readFileSync(run.outputs['transcript-file'], 'utf8');
    expect(transcript).toContain('ANTHROPIC_API_KEY=***');
    expect(run.stdout + run.summary + JSON.stringify(run.outputs) + transcript).not.toContain(standIn);
  });
});
