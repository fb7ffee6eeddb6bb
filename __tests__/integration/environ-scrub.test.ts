/**
 * Issue 21's attack "reads the action's environment through /proc": a tool Claude runs walks up the process tree
 * and reads each ancestor's /proc/<pid>/environ, the action's among them. The action overwrites its secrets there
 * once its inputs are read, and must keep working with them (the loop, the outputs, the GitHub calls).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction } from '../helpers/action-runner.js';

const API_KEY = 'sk-ant-api03-environ-scrub-test-key-0123456789abcdef';
const TOKEN = 'ghs_environ_scrub_test_token_0123456789';
const RUNTIME_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.environ-scrub-runtime';

let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: TOKEN });
  api.addIssue({ repository: 'octo/widgets', title: 'Issue 1' });
});
afterEach(async () => {
  await api.close();
});

describe.runIf(process.platform === 'linux')("the action's /proc/<pid>/environ", () => {
  it('holds none of its secrets when a tool reads it, and the action still works with them', async () => {
    const repo = makeRepo();
    const found = path.join(mkdtempSync(path.join(os.tmpdir(), 'environ-')), 'found.txt');
    const claude = fakeClaude([
      [{ readAncestorEnvirons: found }, { append: 'w' }, { text: gate(true, 'Done') }, { result: {} }],
    ]);
    const run = await runAction({
      cwd: repo.dir,
      inputs: {
        prompt: 'Fix the parser',
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': API_KEY,
        'github-token': TOKEN,
        'status-issue': '1',
      },
      env: {
        ...claude.env,
        GITHUB_API_URL: api.url,
        ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN,
        // A job that hands the token to its steps under another name: found by its value.
        DEPLOY_TOKEN: TOKEN,
      },
    });

    const environs = readFileSync(found, 'utf8');
    // The tool did read the action's environment: its other variables are all there.
    expect(environs).toContain('INPUT_PROMPT=Fix the parser');
    expect(environs).toContain('GITHUB_RUN_ID=4242');
    expect(environs).toMatch(/^INPUT_GITHUB-TOKEN=x+$/m);
    expect(environs).toMatch(/^INPUT_ANTHROPIC-API-KEY=x+$/m);
    expect(environs).toMatch(/^DEPLOY_TOKEN=x+$/m);
    expect(environs).not.toContain(API_KEY);
    expect(environs).not.toContain(TOKEN);
    expect(environs).not.toContain(RUNTIME_TOKEN);
    expect(run.stdout).toMatch(/Overwrote \d+ secret variables in \/proc\/\d+\/environ: .*DEPLOY_TOKEN/);

    // And the action still has them: Claude got the credential proxy's stand-in for the key (the proxy holds the key),
    // the loop completed, GitHub took the token.
    expect(claude.calls()[0].env.ANTHROPIC_API_KEY).toMatch(/^sk-ant-api03-/);
    expect(claude.calls()[0].env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('completed');
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].body).toContain('Autonomous loop: `completed`');
    expect(run.outputs['status-comment-url']).toBe(api.comments[0].html_url);
  }, 60_000);
});
