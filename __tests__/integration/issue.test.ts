/**
 * `open-issue-on` through the built action: the real Octokit inside dist/index.js talks to a fake GitHub REST API on
 * 127.0.0.1 (GITHUB_API_URL points at it, as on GitHub Enterprise Server).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction } from '../helpers/action-runner.js';

const TOKEN = 'ghs_issue_token_0123456789';
let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: TOKEN });
});
afterEach(async () => {
  await api.close();
});

const limitReached = [
  [{ append: 'w' }, { text: gate(false, 'Half done', ['Fix the parser']) }, { result: { total_cost_usd: 0.1 } }],
];

async function stop(prompt: string, inputs: Record<string, string> = {}) {
  const repo = makeRepo();
  return runAction({
    cwd: repo.dir,
    inputs: {
      prompt,
      'claude-path': FAKE_CLAUDE,
      'max-iterations': '2',
      'open-issue-on': 'iteration_limit_reached,no_progress',
      'issue-labels': 'autonomous-loop,needs-human',
      'github-token': TOKEN,
      ...inputs,
    },
    env: { ...fakeClaude(limitReached).env, GITHUB_API_URL: api.url, GITHUB_SERVER_URL: 'https://github.example.com' },
  });
}

describe('open-issue-on, end to end', () => {
  it('opens an issue on the first stop and comments on it on the next stop of the same loop', async () => {
    const first = await stop('Refactor the parser');
    expect(first.code).toBe(0);
    expect(first.outputs.status).toBe('iteration_limit_reached');
    expect(api.issues).toHaveLength(1);
    const [issue] = api.issues;
    expect(first.outputs['issue-number']).toBe(String(issue.number));
    expect(first.outputs['issue-url']).toBe(issue.html_url);
    expect(issue.title).toBe('Autonomous loop stopped: iteration limit reached (2 iterations)');
    expect(issue.labels.map((label: { name: string }) => label.name)).toEqual(['autonomous-loop', 'needs-human']);
    expect(issue.body).toContain('- [ ] Fix the parser');
    expect(issue.body).toContain('https://github.example.com/octo/widgets/actions/runs/4242');
    expect(issue.body).not.toContain(TOKEN);
    expect(first.summary).toContain(`| Issue | [#${issue.number}](${issue.html_url}) |`);

    const second = await stop('Refactor the parser');
    expect(api.issues).toHaveLength(1);
    expect(api.comments).toHaveLength(1);
    expect(second.outputs['issue-number']).toBe(String(issue.number));

    await stop('A different task');
    expect(api.issues).toHaveLength(2);
  });

  it('opens nothing for a status not in the list', async () => {
    const run = await stop('Refactor', { 'open-issue-on': 'no_progress' });
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(api.requests).toEqual([]);
    expect(run.outputs['issue-number']).toBe('');
  });

  it('warns about the missing permission on 403 and leaves the result alone', async () => {
    api.failWith(403);
    const run = await stop('Refactor', { 'fail-on': 'failed' });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs['issue-number']).toBe('');
    expect(run.stdout).toMatch(/::warning::.*403.*issues: write/);
  });
});
