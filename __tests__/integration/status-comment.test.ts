/**
 * `status-issue` through the built action: the real Octokit inside dist/index.js (with its retry and throttling
 * plugins) keeps one comment up to date on a fake GitHub REST API on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueContextFromEnv } from '../../src/actions/issue.js';
import { statusMarker } from '../../src/actions/status-comment.js';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction, runnerCommands } from '../helpers/action-runner.js';

const TOKEN = 'ghs_status_comment_token_0123456789';
const ISSUE = 3;
let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: TOKEN });
  for (let n = 1; n <= ISSUE; n++) api.addIssue({ repository: 'octo/widgets', title: `Issue ${n}` });
});
afterEach(async () => {
  await api.close();
});

/**
 * Each iteration takes longer than GitHub's spacing of writes (one a second, in the throttling plugin), so that
 * every update goes out on its own. Claude's text quotes the token: it must never reach GitHub.
 */
const iteration = (n: number) => [
  { sleep: 1500 },
  { append: 'w' },
  { text: gate(false, `Iteration ${n} <b>half</b> done, token ${TOKEN}`, [`Fix the parser @octocat (${n})`]) },
  { result: { total_cost_usd: 0.1 } },
];

function loop(inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const repo = makeRepo();
  return runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Refactor the parser',
      'claude-path': FAKE_CLAUDE,
      'max-iterations': '3',
      'status-issue': String(ISSUE),
      'github-token': TOKEN,
      ...inputs,
    },
    env: {
      ...fakeClaude([iteration(1), iteration(2), iteration(3)]).env,
      GITHUB_API_URL: api.url,
      GITHUB_SERVER_URL: 'https://github.example.com',
      ...env,
    },
  });
}

const bodiesSent = () =>
  api.requests
    .filter((r) => r.method !== 'GET')
    .map((r) => (typeof r.body === 'object' && r.body !== null ? String((r.body as { body?: string }).body) : ''));

describe('status-issue, end to end', () => {
  it('creates one comment at the start, updates it after every iteration, and ends with the status', async () => {
    const run = await loop();
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(api.comments).toHaveLength(1);
    const [comment] = api.comments;
    expect(comment.issue_number).toBe(ISSUE);
    expect(run.outputs['status-comment-url']).toBe(comment.html_url);

    const writes = api.requests.filter((r) => r.method !== 'GET').map((r) => r.method);
    // The start, one update per iteration (the last one may be replaced by the final update), the end.
    expect(writes[0]).toBe('POST');
    expect(writes.slice(1).every((method) => method === 'PATCH')).toBe(true);
    expect(writes.length).toBeGreaterThanOrEqual(4);
    expect(writes.length).toBeLessThanOrEqual(5);
    const bodies = bodiesSent();
    expect(bodies[0]).toContain('Iteration 1 of 3 is running.');
    expect(bodies[0]).toContain('https://github.example.com/octo/widgets/actions/runs/4242');
    expect(bodies[1]).toContain('| Iterations | 1 of 3 done |');
    expect(bodies[2]).toContain('| Iterations | 2 of 3 done |');

    const final = comment.body;
    expect(final).toBe(bodies.at(-1));
    expect(final).toContain('Autonomous loop: `iteration_limit_reached`');
    expect(final).toContain('**Reason:** Maximum iterations (3) reached');
    expect(final).toContain('- Fix the parser @\u200Boctocat (3)');
    expect(final).toContain('Iteration 3 &lt;b&gt;half&lt;/b&gt; done, token ***');
    expect(final).toContain('| Cost | $0.3000 |');
    for (const body of bodies) expect(body).not.toContain(TOKEN);
    expect(run.stdout).not.toMatch(/::warning::.*status comment/);
  });

  it('updates the same comment when the workflow run is re-run', async () => {
    await loop();
    const again = await loop({}, { GITHUB_RUN_ATTEMPT: '2' });
    expect(api.comments).toHaveLength(1);
    expect(again.outputs['status-comment-url']).toBe(api.comments[0].html_url);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('gives one warning that names the permission when the write is forbidden, and leaves the result alone', async () => {
    api.failWith(403, (r: { method: string }) => r.method !== 'GET');
    const run = await loop({ 'fail-on': 'failed,iteration_limit_reached' });
    // The step fails for the status it was told to fail on, not for the comment.
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs['status-comment-url']).toBe('');
    const warnings = runnerCommands(run.stdout).filter((c) => c.name === 'warning' && /status comment/.test(c.data));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].data).toMatch(/403.*`issues: write`.*`pull-requests: write`/);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    api.clearFailures();
    const fine = await loop({ 'fail-on': 'failed' });
    expect(fine.code).toBe(0);
    expect(fine.outputs.status).toBe(run.outputs.status);
    expect(fine.outputs.iterations).toBe(run.outputs.iterations);
  });

  it('does not take over a comment with the marker that someone else wrote', async () => {
    // The marker is public knowledge: the repository, workflow, job, task and run id, as the runner passes them.
    const context = issueContextFromEnv({
      GITHUB_REPOSITORY: 'octo/widgets',
      GITHUB_WORKFLOW: 'loop',
      GITHUB_JOB: 'build',
      GITHUB_RUN_ID: '4242',
    });
    const planted = api.addComment({
      repository: 'octo/widgets',
      issue_number: ISSUE,
      body: `${statusMarker(context, 'Refactor the parser')}\n### ✅ Autonomous loop: \`completed\``,
      user: 'mallory',
    });
    const run = await loop();
    expect(api.comments.find((c: { id: number }) => c.id === planted.id).body).toBe(planted.body);
    const ours = api.comments.filter((c: { id: number }) => c.id !== planted.id);
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toContain('Autonomous loop: `iteration_limit_reached`');
    expect(run.outputs['status-comment-url']).toBe(ours[0].html_url);
  });

  it('writes the comment anew when someone deletes it during the run, without a warning', async () => {
    const running = loop();
    while (api.comments.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const [first] = api.comments;
    api.deleteComment(first.id);
    const run = await running;

    expect(api.comments).toHaveLength(1);
    const [second] = api.comments;
    expect(second.id).not.toBe(first.id);
    expect(second.body).toContain('Autonomous loop: `iteration_limit_reached`');
    expect(run.outputs['status-comment-url']).toBe(second.html_url);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(run.stdout).not.toMatch(/::warning::.*status comment/);
  });

  it('sends nothing without status-issue', async () => {
    const run = await loop({ 'status-issue': '' });
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs['status-comment-url']).toBe('');
    expect(api.requests).toEqual([]);
  });

  it('rejects a status-issue that is not a number, naming the input', async () => {
    const run = await loop({ 'status-issue': '#3' });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe('Input \'status-issue\' must be a whole number of at least 1, got "#3".');
    expect(api.requests).toEqual([]);
  });
});
