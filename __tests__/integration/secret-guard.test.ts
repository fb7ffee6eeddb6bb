/**
 * The secret guard through the built bundle: a tool Claude runs (the stand-in CLI) writes the job's credentials into
 * the work tree or a commit, as one prompt-injected by an issue's text could. Each test is the attack: the loop must
 * end `failed` with a reason that names the place and not the secret, and the step must fail so that a later
 * pull-request step does not run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAKE_CLAUDE,
  fakeClaude,
  gate,
  makeRepo,
  runAction,
  runnerCommands,
  type FakeStep,
} from '../helpers/action-runner.js';

const API_KEY = 'sk-ant-api03-Gx4Kq9Tz2Wm7Lp1Vr6Ys3Hb8Nd5Jc0Fa';
const GITHUB_TOKEN = 'ghs_Pq8Lm3Zx7Wk2Tr5Vn9Hb4Jc1Yd6Fs0Ga';

const result: FakeStep = { result: { total_cost_usd: 0.1 } };
const done: FakeStep[] = [{ text: gate(true, 'All done') }, result];

async function loop(
  invocations: FakeStep[][],
  options: { files?: Record<string, string>; env?: Record<string, string>; inputs?: Record<string, string> } = {},
) {
  const repo = makeRepo(options.files);
  const claude = fakeClaude(invocations);
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Build the widget',
      'claude-path': FAKE_CLAUDE,
      'anthropic-api-key': API_KEY,
      'github-token': GITHUB_TOKEN,
      ...options.inputs,
    },
    env: { ...claude.env, ...options.env },
  });
  return { repo, claude, run };
}

/** Failed, the step failed (fail-on's default), and no secret anywhere the action wrote. */
function expectStopped(run: Awaited<ReturnType<typeof runAction>>, place: string): void {
  expect(run.outputs.status).toBe('failed');
  expect(run.outputs.reason).toContain(place);
  expect(run.outputs.reason).toContain('Revoke that credential');
  // The step fails: the runner skips every later step that has no `if: always()` or `failure()`.
  expect(run.code).toBe(1);
  expect(runnerCommands(run.stdout).some((command) => command.name === 'error')).toBe(true);
  const everything = [
    run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
  ].join('\n');
  for (const secret of [API_KEY, GITHUB_TOKEN, Buffer.from(API_KEY).toString('base64').slice(0, 40)]) {
    expect(everything).not.toContain(secret);
  }
}

describe('the secret guard', () => {
  it('stops a loop whose tool wrote the API key into a file, even when Claude says it is done', async () => {
    const { run } = await loop([[{ write: { path: 'config.env', content: `KEY=${API_KEY}\n` } }, ...done]]);
    expectStopped(run, 'config.env');
    expect(run.outputs.iterations).toBe('1');
  });

  it('stops a loop whose tool wrote the API key in base64', async () => {
    const encoded = Buffer.from(`{"key":"${API_KEY}"}`).toString('base64');
    const { run } = await loop([[{ write: { path: 'blob.txt', content: encoded } }, ...done]]);
    expectStopped(run, 'blob.txt');
  });

  it('stops a loop that committed the key and removed it in a later commit, naming the commit', async () => {
    const { run, repo } = await loop([
      [
        { write: { path: 'leak.txt', content: API_KEY } },
        { commit: 'add notes' },
        { remove: 'leak.txt' },
        { commit: 'tidy up' },
        ...done,
      ],
    ]);
    const leaking = repo.git('rev-parse', 'HEAD~1').trim();
    expectStopped(run, `commit ${leaking} (leak.txt)`);
  });

  it("stops a loop whose tool wrote the GitHub token ('github-token') into a subfolder", async () => {
    const { run } = await loop(
      [
        [{ append: 'docs/work.md' }, { text: gate(false, 'More to do', ['next']) }, result],
        [{ write: { path: 'docs/api/notes.md', content: `token: ${GITHUB_TOKEN}\n` } }, ...done],
      ],
      { files: { 'docs/api/index.md': '# API\n' } },
    );
    expectStopped(run, 'docs/api/notes.md');
    expect(run.outputs.iterations).toBe('2');
  });

  it('does not search ignored files: they are not pushed', async () => {
    const { run } = await loop(
      [[{ write: { path: 'node_modules/cache.json', content: API_KEY } }, { append: 'work.txt' }, ...done]],
      { files: { '.gitignore': 'node_modules/\n', 'node_modules/.keep': '' } },
    );
    expect(run.outputs.status).toBe('completed');
    expect(run.code).toBe(0);
  });

  it('lets a clean loop complete', async () => {
    const { run } = await loop([[{ append: 'work.txt' }, { commit: 'work' }, { append: 'work.txt' }, ...done]]);
    expect(run.outputs.status).toBe('completed');
    expect(run.code).toBe(0);
  });

  it('leaves no saved state that a later run would continue from', async () => {
    const stateDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'loop-state-')), 'state');
    const home = mkdtempSync(path.join(os.tmpdir(), 'fresh-home-'));
    const { run } = await loop(
      [
        [{ append: 'work.txt' }, { text: gate(false, 'More to do', ['next']) }, result],
        [{ write: { path: 'leak.txt', content: API_KEY } }, ...done],
      ],
      { inputs: { 'state-dir': stateDir }, env: { FAKE_CLAUDE_SESSIONS: '1', HOME: home } },
    );
    expectStopped(run, 'leak.txt');
    expect(run.outputs['state-saved'] ?? 'false').toBe('false');
    expect(existsSync(path.join(stateDir, 'state.json'))).toBe(false);
    // Claude's session copy, kept by the first iteration, holds no secret either.
    const session = path.join(stateDir, 'session.jsonl');
    if (existsSync(session)) expect(readFileSync(session, 'utf8')).not.toContain(API_KEY);
  });
});
