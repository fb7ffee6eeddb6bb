import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueContextFromEnv, MAX_BODY_LENGTH, type IssueContext } from '../src/actions/issue.js';
import type { IterationRecord, LoopOutcome } from '../src/core/outcome.js';
import {
  renderStatusComment,
  StatusComment,
  statusMarker,
  type StatusSettings,
} from '../src/actions/status-comment.js';
import { Secrets } from '../src/text/untrusted-text.js';
import { startFakeGitHubApi } from './fixtures/fake-github-api.mjs';
import { context as runContext, outcome as loopOutcome, record as iterationRecord } from './helpers/builders.js';

const TOKEN = 'ghs_STATUStoken1234567890abcdefSECRET';
const SECRETS = new Secrets([TOKEN]);
const PROMPT = 'Make the test suite pass.';

const context = (overrides: Partial<IssueContext> = {}): IssueContext =>
  runContext({ workflow: 'Issue bot', ...overrides });

const settings: StatusSettings = {
  githubToken: TOKEN,
  statusIssue: 7,
  prompt: PROMPT,
  maxIterations: 10,
  checkCommand: '',
};

const record = (number: number, overrides: Partial<IterationRecord> = {}): IterationRecord =>
  iterationRecord(number, {
    gate: { ready: false, reason: `Reason ${number}`, blockers: [`Blocker of ${number}`], extra: {} },
    ...overrides,
  });

function outcome(overrides: Partial<LoopOutcome> = {}): LoopOutcome {
  const records = [record(1), record(2)];
  return loopOutcome({
    reason: 'Reached the iteration limit of 2.',
    records,
    lastGate: records[1].gate,
    sessionId: 's-1',
    transcriptFile: '',
    ...overrides,
  });
}

describe('statusMarker', () => {
  it('is a hidden comment that names the loop and the workflow run, not the attempt', () => {
    const marker = statusMarker(context(), PROMPT);
    expect(marker).toMatch(/^<!-- autonomous-loop-status:[0-9a-f]{16}:987654321 -->$/);
    expect(statusMarker(context(), PROMPT)).toBe(marker);
    expect(statusMarker(context({ runId: '987654322' }), PROMPT)).not.toBe(marker);
    expect(statusMarker(context({ job: 'other' }), PROMPT)).not.toBe(marker);
    expect(statusMarker(context(), 'Another task')).not.toBe(marker);
    // Nothing in the run id can close the comment early.
    expect(statusMarker(context({ runId: '1 --> @x' }), PROMPT)).toMatch(/:1x -->$/);
  });
});

describe('renderStatusComment: usage limits', () => {
  it('has one line for a usage limit 80% used, from the latest iteration that saw it', () => {
    const usageWarning = {
      rejected: false,
      resetsAt: Date.UTC(2026, 11, 7, 22),
      limitType: 'five_hour',
      utilization: 0.9,
    };
    const body = renderStatusComment(
      {
        records: [record(1, { usageWarning: { ...usageWarning, utilization: 0.8 } }), record(2, { usageWarning })],
        elapsedMs: 0,
      },
      settings,
      context(),
    );
    expect(body.match(/Usage limit:/g)).toHaveLength(1);
    expect(body).toContain('90% of the usage limit (five_hour) is used, until 2026-12-07T22:00:00.000Z');
    expect(renderStatusComment({ records: [record(1)], elapsedMs: 0 }, settings, context())).not.toContain(
      'Usage limit',
    );
  });

  it('says until when a usage limit paused the loop, and how it goes on', () => {
    const resetsAt = Date.UTC(2026, 11, 7, 22);
    const final = outcome({ status: 'usage_limited', resetsAt, stateSaved: true });
    const body = renderStatusComment({ records: final.records, elapsedMs: 0, outcome: final }, settings, context());
    expect(body).toContain('paused by the usage limit until 2026-12-07T22:00:00.000Z');
    expect(body).toContain('after that time continues the loop');
  });
});

describe('renderStatusComment', () => {
  it('says at the start that the loop is running, with a link to the run', () => {
    const body = renderStatusComment({ records: [], elapsedMs: 0 }, settings, context());
    expect(body.startsWith(`${statusMarker(context(), PROMPT)}\n`)).toBe(true);
    expect(body).toContain('Autonomous loop: running');
    expect(body).toContain('Iteration 1 of 10 is running.');
    expect(body).toContain('https://github.com/owner/repo/actions/runs/987654321');
    expect(body).not.toContain('| # |');
  });

  it('after an iteration: iterations done, elapsed time, cost so far, blockers, the last reason, the table', () => {
    const body = renderStatusComment(
      { records: [record(1), record(2, { costKnown: false })], elapsedMs: 185_000 },
      settings,
      context(),
    );
    expect(body).toContain('| Iterations | 2 of 10 done |');
    expect(body).toContain('| Elapsed | 3 min 05 s |');
    expect(body).toContain('| Cost so far | at least $0.2000 |');
    expect(body).toContain("**Claude's last assessment** (iteration 2): not ready: Reason 2");
    expect(body).toContain('**Blockers**\n\n- Blocker of 2\n');
    expect(body).not.toContain('Blocker of 1');
    expect(body).toContain('| # | Time | Cost | Changed | Gate | Check |');
    expect(body).toContain('| 1 | 12.3 s | $0.1000 | yes | not ready: Reason 1 | — |');
    expect(body).not.toContain('<details>');
    expect(body).not.toMatch(/^\| Check \|/m);
  });

  it('keeps the last gate when the latest iteration printed none, and says when there is none yet', () => {
    const later = renderStatusComment(
      { records: [record(1), record(2, { gate: undefined })], elapsedMs: 1 },
      settings,
      context(),
    );
    expect(later).toContain("**Claude's last assessment** (iteration 1): not ready: Reason 1");
    expect(later).toContain('| 2 | 12.3 s | $0.1000 | yes | no gate | — |');
    const none = renderStatusComment({ records: [record(1, { gate: undefined })], elapsedMs: 1 }, settings, context());
    expect(none).toContain('No COMPLETION_GATE yet.');
    expect(none).toContain('**Blockers**\n\nNone reported.');
  });

  it('shows the check result when a check command is set', () => {
    const withCheck = { ...settings, checkCommand: 'npm test' };
    expect(renderStatusComment({ records: [record(1)], elapsedMs: 1 }, withCheck, context())).toContain(
      '| Check | npm test: not run yet |',
    );
    const checked = [
      record(1, { check: { passed: false, end: 'exit code 1', durationMs: 900 } }),
      record(2, { check: undefined }),
    ];
    const body = renderStatusComment({ records: checked, elapsedMs: 1 }, withCheck, context());
    expect(body).toContain('| Check | npm test: failed after iteration 1 (exit code 1) |');
    expect(body).toContain('| 1 | 12.3 s | $0.1000 | yes | not ready: Reason 1 | failed: exit code 1 |');
  });

  it('collapses the table of iterations once it grows', () => {
    const records = [1, 2, 3, 4, 5, 6].map((n) => record(n));
    const five = renderStatusComment({ records: records.slice(0, 5), elapsedMs: 1 }, settings, context());
    expect(five).not.toContain('<details>');
    const six = renderStatusComment({ records, elapsedMs: 1 }, settings, context());
    expect(six).toContain('<details><summary>Iterations (6)</summary>\n\n| # | Time |');
    expect(six).toContain('| 6 | 12.3 s |');
    expect(six).toContain('</details>');
  });

  it('ends with the status, the reason, the blockers, and the failed check', () => {
    const final = outcome({
      lastCheck: {
        passed: false,
        end: 'exit code 1',
        durationMs: 900,
        command: 'npm test',
        iteration: 2,
        output: '2 failing',
        stale: false,
      },
    });
    const body = renderStatusComment(
      { records: final.records, elapsedMs: 60_000, outcome: final, issue: { number: 12, url: 'https://x/12' } },
      { ...settings, checkCommand: 'npm test' },
      context(),
    );
    expect(body).toContain('Autonomous loop: `iteration_limit_reached`');
    expect(body).not.toContain('running');
    expect(body).toContain('**Reason:** Reached the iteration limit of 2.');
    expect(body).toContain('| Iterations | 2 of 2 |');
    expect(body).toContain('| Cost | $0.2000 |');
    expect(body).toContain('| Issue | [#12](https://x/12) |');
    expect(body).toContain('- Blocker of 2');
    expect(body).toContain('### Last check');
    expect(body).toContain('2 failing');
    expect(body).toContain('no longer updated');
  });

  it('escapes everything Claude wrote: no HTML, no hidden rest of the page, no mention, no broken cell', () => {
    const hostile = record(1, {
      gate: {
        ready: false,
        reason: 'ok --> <!-- <img src=x> | cell @octocat',
        blockers: ['</details>\n# heading', '![x](https://evil/x.png)'],
        extra: {},
      },
      error: 'boom',
    });
    const body = renderStatusComment({ records: [hostile], elapsedMs: 1 }, settings, context());
    expect(body.split('-->')).toHaveLength(2); // only the marker's own
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<!-- <');
    expect(body).not.toContain('@octocat');
    expect(body).not.toMatch(/^# heading/m);
    expect(body).not.toContain('![x]');
    expect(body.split('</details>')).toHaveLength(1);
    expect(body).toContain('not ready: ok --&gt; &lt;!-- &lt;img src=x&gt; \\| cell @\u200Boctocat |');
  });

  it('stays under GitHub’s limit whatever Claude wrote', () => {
    const records = Array.from({ length: 500 }, (_, i) =>
      record(i + 1, {
        gate: { ready: false, reason: '<'.repeat(5_000), blockers: Array(500).fill('&'.repeat(1000)), extra: {} },
      }),
    );
    const final = outcome({
      records,
      lastGate: records[499].gate,
      reason: '&'.repeat(100_000),
      lastCheck: {
        passed: false,
        end: 'exit code 1',
        durationMs: 1,
        command: '&'.repeat(10_000),
        iteration: 500,
        output: 'x'.repeat(16 * 1024),
        stale: false,
      },
    });
    for (const view of [{ records }, { records, outcome: final }]) {
      const body = renderStatusComment({ ...view, elapsedMs: 1 }, { ...settings, checkCommand: 'c' }, context());
      expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
      expect(body).toContain('| … | 470 earlier iterations left out |');
      // Nothing was cut: the table's last row and the end are there.
      expect(body).toContain('| 500 |');
      expect(body).toMatch(/<\/sub>$/);
    }
  });
});

describe('StatusComment with the real Octokit', () => {
  let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
  let ctx: IssueContext;
  const warnings: string[] = [];
  const infos: string[] = [];
  const log = { text: (m: string) => infos.push(m), warning: (m: string) => warnings.push(m) };
  /** Retries and rate-limit waits in milliseconds instead of seconds, and no spacing of writes. */
  const fast = { retryAfterBaseMs: 1, spaceWrites: false };

  beforeEach(async () => {
    warnings.length = 0;
    infos.length = 0;
    api = await startFakeGitHubApi({ token: TOKEN });
    for (let n = 1; n <= 7; n++) api.addIssue({ title: `Issue ${n}` });
    ctx = issueContextFromEnv({
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_WORKFLOW: 'Issue bot',
      GITHUB_JOB: 'loop',
      GITHUB_RUN_ID: '42',
    });
  });
  afterEach(async () => {
    await api.close();
  });

  const writes = () => api.requests.filter((r) => r.method !== 'GET');

  it('is off without status-issue, and sends nothing', () => {
    expect(StatusComment.start({ ...settings, statusIssue: undefined }, ctx, SECRETS, log)).toBeUndefined();
    expect(api.requests).toEqual([]);
  });

  it('creates one comment at the start, updates it, and returns its address at the end', async () => {
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await status.settled();
    expect(api.comments).toHaveLength(1);
    const [comment] = api.comments;
    expect(comment.issue_number).toBe(7);
    expect(comment.body).toContain('Iteration 1 of 10 is running.');
    expect(comment.body.startsWith(statusMarker(ctx, PROMPT))).toBe(true);
    expect(infos).toEqual([`Status comment: ${comment.html_url}`]);

    status.iterationEnded(record(1));
    await status.settled();
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].body).toContain('| Iterations | 1 of 10 done |');

    const url = await status.finish(outcome());
    expect(url).toBe(comment.html_url);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].body).toContain('`iteration_limit_reached`');
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/owner/repo/issues/7/comments',
      `PATCH /repos/owner/repo/issues/comments/${comment.id}`,
      `PATCH /repos/owner/repo/issues/comments/${comment.id}`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('has at most one request in flight, and a newer update replaces one still waiting', async () => {
    api.setLatency(50);
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    for (let n = 1; n <= 6; n++) status.iterationEnded(record(n));
    await status.finish(outcome({ reason: 'THE END' }));
    // The start comment, then only the newest body: the six updates that came while it was written were replaced.
    expect(writes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(api.peakInFlight).toBe(1);
    expect(api.comments[0].body).toContain('THE END');
  });

  it('finds its comment again when the same workflow run is re-run, past the first page', async () => {
    for (let n = 0; n < 120; n++) api.addComment({ issue_number: 7, body: `chatter ${n}` });
    const first = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await first.finish(outcome({ status: 'failed', reason: 'first attempt' }));
    api.addComment({ issue_number: 7, body: 'a later comment' });

    const again = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await again.finish(outcome({ status: 'completed', reason: 'second attempt' }));
    const ours = api.comments.filter((c: { body: string }) => c.body.includes(statusMarker(ctx, PROMPT)));
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toContain('second attempt');
    expect(writes().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('does not take over a comment that carries the marker but someone else wrote', async () => {
    const marker = statusMarker(ctx, PROMPT);
    const planted = api.addComment({
      issue_number: 7,
      body: `${marker}\n### Autonomous loop: completed`,
      user: 'mallory',
    });
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    const url = await status.finish(outcome({ reason: 'the real end' }));

    expect(api.comments.find((c: { id: number }) => c.id === planted.id).body).toBe(planted.body);
    expect(api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/${planted.id}`))).toEqual([]);
    const ours = api.comments.filter((c: { id: number }) => c.id !== planted.id);
    expect(ours).toHaveLength(1);
    expect(ours[0].user.login).toBe('github-actions[bot]');
    expect(ours[0].body).toContain('the real end');
    expect(url).toBe(ours[0].html_url);
    expect(infos).toContain(`Not taking over ${planted.html_url} as the status comment: mallory wrote it.`);
    expect(warnings).toEqual([]);
  });

  it("takes over the token's own comment: github-actions[bot]'s for the GITHUB_TOKEN, the user's for another token", async () => {
    const marker = statusMarker(ctx, PROMPT);
    const bots = api.addComment({ issue_number: 7, body: `${marker}\nearlier`, user: 'github-actions[bot]' });
    await StatusComment.start(settings, ctx, SECRETS, log, fast)!.finish(outcome({ reason: 'by the bot' }));
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].id).toBe(bots.id);
    expect(api.comments[0].body).toContain('by the bot');

    // A personal access token: GET /user names its user, and only that user's comment is taken over.
    await api.close();
    api = await startFakeGitHubApi({ token: TOKEN, user: 'Loop-Maintainer' });
    for (let n = 1; n <= 7; n++) api.addIssue({ title: `Issue ${n}` });
    const ctxPat = { ...ctx, apiUrl: api.url };
    const markerPat = statusMarker(ctxPat, PROMPT);
    api.addComment({ issue_number: 7, body: `${markerPat}\nthe bot's`, user: 'github-actions[bot]' });
    const users = api.addComment({ issue_number: 7, body: `${markerPat}\nthe user's`, user: 'loop-maintainer' });
    await StatusComment.start(settings, ctxPat, SECRETS, log, fast)!.finish(outcome({ reason: 'by the user' }));
    expect(api.comments).toHaveLength(2);
    expect(api.comments.find((c: { id: number }) => c.id === users.id).body).toContain('by the user');
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(api.requests.filter((r) => r.path === '/user')).toHaveLength(1);
  });

  it('asks nobody who the token is when no comment carries the marker', async () => {
    await StatusComment.start(settings, ctx, SECRETS, log, fast)!.finish(outcome());
    expect(api.requests.filter((r) => r.path === '/user')).toEqual([]);
  });

  it('writes a new comment when its comment is deleted while the loop runs, and goes on updating that one', async () => {
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await status.settled();
    const [first] = api.comments;
    api.deleteComment(first.id);

    status.iterationEnded(record(1));
    await status.settled();
    expect(api.comments).toHaveLength(1);
    const [second] = api.comments;
    expect(second.id).not.toBe(first.id);
    expect(second.body).toContain('| Iterations | 1 of 10 done |');
    expect(infos).toContain(`The status comment ${first.html_url} was deleted: writing a new one.`);

    status.iterationEnded(record(2));
    expect(await status.finish(outcome())).toBe(second.html_url);
    expect(api.comments[0].body).toContain('`iteration_limit_reached`');
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/owner/repo/issues/7/comments',
      `PATCH /repos/owner/repo/issues/comments/${first.id}`,
      'POST /repos/owner/repo/issues/7/comments',
      `PATCH /repos/owner/repo/issues/comments/${second.id}`,
      `PATCH /repos/owner/repo/issues/comments/${second.id}`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('writes a new comment once per update only: when the issue is gone too, one warning and no more requests', async () => {
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await status.settled();
    api.deleteComment(api.comments[0].id);
    api.failWith(404, 'POST');
    status.iterationEnded(record(1));
    await status.settled();
    status.iterationEnded(record(2));
    expect(await status.finish(outcome())).toBe('');
    expect(writes().map((r) => r.method)).toEqual(['POST', 'PATCH', 'POST']);
    expect(warnings).toEqual([
      expect.stringMatching(/^Could not write the status comment on #7 .*GitHub answered 404/),
    ]);
  });

  it('adds a new comment for another workflow run', async () => {
    await StatusComment.start(settings, ctx, SECRETS, log, fast)!.finish(outcome());
    await StatusComment.start(settings, { ...ctx, runId: '43' }, SECRETS, log, fast)!.finish(outcome());
    expect(api.comments).toHaveLength(2);
  });

  it('gives one warning that names the permission when GitHub forbids the write, and stops trying', async () => {
    api.failWith(403, 'POST');
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    status.iterationEnded(record(1));
    await status.settled();
    status.iterationEnded(record(2));
    expect(await status.finish(outcome())).toBe('');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Could not write the status comment on #7 in owner\/repo: GitHub answered 403 .*`issues: write`.*`pull-requests: write`/,
    );
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('warns once on 404 (no such issue) too', async () => {
    const status = StatusComment.start({ ...settings, statusIssue: 99 }, ctx, SECRETS, log, fast)!;
    expect(await status.finish(outcome())).toBe('');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/#99 .*GitHub answered 404/);
  });

  it('retries a secondary rate limit and a transient server error', async () => {
    api.failWith(403, 'POST', {
      times: 1,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
    });
    api.failWith(502, 'PATCH', { times: 1 });
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await status.settled();
    expect(await status.finish(outcome())).toBe(api.comments[0].html_url);
    expect(warnings).toEqual([]);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0].body).toContain('`iteration_limit_reached`');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('gives up an update that a rate limit keeps refusing, with one warning, and tries the next one', async () => {
    api.failWith(403, 'POST', {
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '1' },
    });
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    await status.settled();
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(warnings).toEqual([
      expect.stringMatching(/#7 in owner\/repo: GitHub's rate limit refused the request \(403: /),
    ]);
    api.clearFailures();
    expect(await status.finish(outcome())).toBe(api.comments[0].html_url);
    expect(api.comments[0].body).toContain('`iteration_limit_reached`');
    expect(warnings).toHaveLength(1);
  });

  it('warns once when GitHub cannot be reached, and never throws', async () => {
    await api.close();
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    status.iterationEnded(record(1));
    await status.settled();
    status.iterationEnded(record(2));
    expect(await status.finish(outcome())).toBe('');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+/);
    api = await startFakeGitHubApi();
  });

  it('does not wait for a slow GitHub longer than its bound at the end', async () => {
    // Every write is refused by a secondary rate limit that asks for a long wait.
    api.failWith(403, 'POST', {
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '3' },
    });
    const status = StatusComment.start(settings, ctx, SECRETS, log, { retryAfterBaseMs: 1000, finalWaitMs: 300 })!;
    const started = Date.now();
    expect(await status.finish(outcome())).toBe('');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(warnings).toEqual([expect.stringMatching(/did not finish within 0\.3 s/)]);
  });

  it('gives up a request that GitHub never answers, and sends the next update', async () => {
    api.hang('POST');
    const status = StatusComment.start(settings, ctx, SECRETS, log, { ...fast, requestTimeoutMs: 1_500 })!;
    const started = Date.now();
    await status.settled();
    // Given up at its time-out, not at the end of the hang: a wide margin for a loaded machine.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(warnings).toEqual([expect.stringMatching(/GitHub did not answer within 1\.5 s/)]);
    api.clearFailures();
    status.iterationEnded(record(1));
    await status.settled();
    expect(api.comments).toHaveLength(1);
  });

  it('stops waiting for the last update when the signal given to finish aborts', async () => {
    api.hang();
    const status = StatusComment.start(settings, ctx, SECRETS, log, fast)!;
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('the runner sent SIGTERM')), 200);
    const started = Date.now();
    expect(await status.finish(outcome(), undefined, stop.signal)).toBe('');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(warnings).toEqual([expect.stringMatching(/did not finish \(the runner sent SIGTERM\)/)]);
  });

  it('warns without a token or a repository and sends nothing', () => {
    expect(StatusComment.start({ ...settings, githubToken: '' }, ctx, SECRETS, log)).toBeUndefined();
    expect(StatusComment.start(settings, { ...ctx, repository: '' }, SECRETS, log)).toBeUndefined();
    expect(warnings).toEqual([
      "Could not write the status comment on #7: the input 'github-token' is empty.",
      'Could not write the status comment on #7: GITHUB_REPOSITORY is "", expected owner/repo.',
    ]);
    expect(api.requests).toEqual([]);
  });

  it('never puts a secret into the comment, whatever Claude wrote', async () => {
    const leaky = record(1, {
      gate: { ready: false, reason: `the token is ${TOKEN}`, blockers: [`cut ${TOKEN.slice(0, 12)}`], extra: {} },
    });
    // A check command that quotes a secret is shown too.
    const quoting = { ...settings, checkCommand: `npm test --token=${TOKEN}` };
    const status = StatusComment.start(quoting, ctx, SECRETS, log, fast)!;
    status.iterationEnded(leaky);
    await status.settled();
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    await status.finish(outcome({ reason: `reason ${TOKEN}`, records: [leaky], lastGate: leaky.gate }));
    const bodies = api.requests.map((r) => JSON.stringify(r.body ?? ''));
    expect(bodies.join('\n')).not.toContain(TOKEN.slice(0, 12));
    expect(api.comments[0].body).toContain('the token is ***');
  });
});

describe('the final status comment of a loop kept in state-dir', () => {
  it('says how to continue when the state was saved and the loop did not complete', () => {
    const final = (extra: Partial<LoopOutcome>) =>
      renderStatusComment({ records: [record(1)], elapsedMs: 1, outcome: outcome(extra) }, settings, context());
    expect(final({ status: 'time_limit_reached', stateSaved: true })).toContain('**To continue:**');
    expect(final({ status: 'time_limit_reached', stateSaved: false })).not.toContain('**To continue:**');
    expect(final({ status: 'completed', stateSaved: true })).not.toContain('**To continue:**');
  });
});
