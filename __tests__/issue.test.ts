import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  issueContextFromEnv,
  loopMarker,
  MAX_BODY_LENGTH,
  openOrUpdateIssue,
  renderIssue,
  renderIssueComment,
  shouldOpenIssue,
  type IssueContext,
} from '../src/actions/issue.js';
import type { LoopOutcome } from '../src/core/outcome.js';
import { Secrets } from '../src/text/untrusted-text.js';
import { startFakeGitHubApi } from './fixtures/fake-github-api.mjs';
import { context, outcome as loopOutcome } from './helpers/builders.js';

const TOKEN = 'ghs_FAKEtoken1234567890abcdefSECRET';
const SECRETS = new Secrets([TOKEN]);
const PROMPT = 'Make the test suite pass.\nDo not touch the public API.';

const outcome = (overrides: Partial<LoopOutcome> = {}): LoopOutcome =>
  loopOutcome({
    reason: 'Reached the iteration limit of 10.',
    cause: { kind: 'worded', status: 'iteration_limit_reached', message: 'Reached the iteration limit of 10.' },
    iterations: 10,
    maxIterations: 10,
    lastGate: {
      ready: false,
      reason: 'Two tests still fail.',
      progress: 'Fixed the parser; 48 of 50 tests pass.',
      blockers: ['flaky network test', 'missing fixture for dates'],
      extra: {},
    },
    sessionId: '0b9c2f5e-1111-2222-3333-444455556666',
    costUsd: 1.23456,
    turns: 42,
    ...overrides,
  });

function recordingLog() {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, text: (m: string) => infos.push(m), warning: (m: string) => warnings.push(m) };
}

describe('shouldOpenIssue', () => {
  it('opens only for the listed statuses', () => {
    const list = ['iteration_limit_reached', 'no_progress', 'repeated_error'] as const;
    expect(shouldOpenIssue('no_progress', list)).toBe(true);
    expect(shouldOpenIssue('completed', list)).toBe(false);
    expect(shouldOpenIssue('failed', list)).toBe(false);
    expect(shouldOpenIssue('no_progress', [])).toBe(false);
  });
});

describe('issueContextFromEnv', () => {
  it('reads the GITHUB_* variables with github.com defaults', () => {
    expect(issueContextFromEnv({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' })).toEqual({
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      repository: 'o/r',
      workflow: '',
      job: '',
      runId: '7',
    });
    const ghes = issueContextFromEnv({
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_WORKFLOW: 'wf',
      GITHUB_JOB: 'j',
      GITHUB_RUN_ID: '1',
    });
    expect(ghes.serverUrl).toBe('https://ghe.example.com');
    expect(ghes.apiUrl).toBe('https://ghe.example.com/api/v3');
  });
});

describe('loopMarker', () => {
  it('is a hidden comment that differs by repository, workflow, job and task', () => {
    const marker = loopMarker(context(), PROMPT);
    expect(marker).toMatch(/^<!-- autonomous-loop:[0-9a-f]{16} -->$/);
    expect(loopMarker(context(), PROMPT)).toBe(marker);
    expect(loopMarker(context({ runId: 'other run' }), PROMPT)).toBe(marker);
    expect(loopMarker(context(), `${PROMPT}!`)).not.toBe(marker);
    expect(loopMarker(context({ job: 'other' }), PROMPT)).not.toBe(marker);
    expect(loopMarker(context({ workflow: 'other' }), PROMPT)).not.toBe(marker);
    expect(loopMarker(context({ repository: 'owner/other' }), PROMPT)).not.toBe(marker);
  });
});

describe('renderIssue: a usage limit', () => {
  it('says until when the loop is paused, and how it continues', () => {
    const paused = outcome({ status: 'usage_limited', resetsAt: Date.UTC(2026, 11, 7, 22), stateSaved: true });
    const issue = renderIssue(paused, PROMPT, context());
    expect(issue.title).toContain('usage limited');
    expect(issue.body).toContain('paused by the usage limit until 2026-12-07T22:00:00.000Z');
    expect(issue.body).toContain('a run before it ends `usage_limited` at once');
  });
});

describe('renderIssue', () => {
  it('says what stopped in the title', () => {
    expect(renderIssue(outcome(), PROMPT, context()).title).toBe(
      'Autonomous loop stopped: iteration limit reached (10 iterations)',
    );
    expect(renderIssue(outcome({ status: 'no_progress', iterations: 3 }), PROMPT, context()).title).toBe(
      'Autonomous loop stopped: no progress (3 iterations)',
    );
    expect(
      renderIssue(outcome({ status: 'failed', reason: 'claude exited\nwith code 1', iterations: 1 }), PROMPT, context())
        .title,
    ).toBe('Autonomous loop failed: claude exited with code 1 (1 iteration)');
    const long = renderIssue(outcome({ status: 'failed', reason: 'x'.repeat(5000) }), PROMPT, context()).title;
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('(10 iterations)')).toBe(true);
  });

  it('has every field of the outcome in the body', () => {
    const { body } = renderIssue(outcome(), PROMPT, context());
    expect(body.startsWith(loopMarker(context(), PROMPT))).toBe(true);
    expect(body).toContain('`iteration_limit_reached`');
    expect(body).toContain('Reached the iteration limit of 10.');
    expect(body).toContain('Two tests still fail.');
    expect(body).toContain('Fixed the parser; 48 of 50 tests pass.');
    expect(body).toContain('- [ ] flaky network test\n- [ ] missing fixture for dates');
    expect(body).toContain('10 of 10');
    expect(body).toContain('$1.2346 USD');
    expect(body).toContain('**Files changed:** 3');
    expect(body).toContain('`0b9c2f5e-1111-2222-3333-444455556666`');
    expect(body).toContain('https://github.com/owner/repo/actions/runs/987654321');
    expect(body).toMatch(/<details>\n<summary>Task \(\d+ characters\)<\/summary>\n\n```\nMake the test suite pass\./);
  });

  it('says "None reported." without blockers or a gate', () => {
    expect(renderIssue(outcome({ lastGate: undefined }), PROMPT, context()).body).toContain(
      '### Blockers\n\nNone reported.',
    );
    const empty = outcome({ lastGate: { ready: false, blockers: [' ', ''], extra: {} } });
    expect(renderIssue(empty, PROMPT, context()).body).toContain('### Blockers\n\nNone reported.');
    expect(renderIssueComment(empty, context())).toContain('None reported.');
  });

  it('trims a huge task and keeps the body under the limit', () => {
    const prompt = 'a'.repeat(100_000) + 'THE END';
    const huge = outcome({
      reason: '<'.repeat(50_000),
      lastGate: {
        ready: false,
        progress: '&'.repeat(50_000),
        blockers: Array(5_000).fill('>'.repeat(1_000)),
        extra: {},
      },
    });
    const { body } = renderIssue(huge, prompt, context());
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('100,007 characters, trimmed to 4,000');
    expect(body).not.toContain('THE END');
    expect(body).toContain('more');
    expect(body.trimEnd().endsWith('while this issue is open.')).toBe(true);
  });

  it('neutralises text that could close the marker or break the markdown', () => {
    const hostile = outcome({
      reason: 'done --> <!-- <script>alert(1)</script>\n# heading',
      lastGate: {
        ready: false,
        progress: '</details> @octocat',
        blockers: ['first\n- [x] fake item', '-->'],
        extra: {},
      },
    });
    const prompt = 'Task with ``` fences ```` and </details> and --> inside';
    const { body } = renderIssue(hostile, prompt, context());
    const outsideTask = body.slice(0, body.indexOf('<details>'));
    expect(outsideTask.split('-->')).toHaveLength(2); // only the marker's own
    expect(outsideTask).not.toContain('<!-- <');
    expect(outsideTask).not.toContain('<script>');
    expect(outsideTask).not.toContain('</details>');
    expect(outsideTask).not.toMatch(/^# heading/m);
    expect(outsideTask).not.toMatch(/^- \[x\]/m);
    expect(outsideTask).toContain('- [ ] first - [x] fake item');
    expect(outsideTask).toContain('done --&gt; &lt;!--');
    expect(outsideTask).not.toContain('@octocat');
    // The task sits in a fence longer than its longest run of backticks.
    expect(body).toContain(`\`\`\`\`\`\n${prompt}\n\`\`\`\`\`\n\n</details>`);
  });

  it('takes nothing but the GITHUB_* context from the environment', () => {
    const env = {
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_WORKFLOW: 'wf',
      GITHUB_JOB: 'job',
      GITHUB_RUN_ID: '1',
      GITHUB_TOKEN: 'ghs_envTokenShouldNeverAppear',
      ANTHROPIC_API_KEY: 'sk-ant-envKeyShouldNeverAppear',
      ACTIONS_RUNTIME_TOKEN: 'runtimeTokenShouldNeverAppear',
      INPUT_GITHUB_TOKEN: 'inputTokenShouldNeverAppear',
    };
    const ctx = issueContextFromEnv(env);
    const { title, body } = renderIssue(outcome(), PROMPT, ctx);
    const comment = renderIssueComment(outcome(), ctx);
    for (const text of [title, body, comment]) expect(text).not.toMatch(/ShouldNeverAppear/);
  });
});

describe('openOrUpdateIssue with the real Octokit', () => {
  let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
  let ctx: IssueContext;
  const labels = ['autonomous-loop', 'needs-attention'];

  beforeEach(async () => {
    api = await startFakeGitHubApi({ token: TOKEN });
    ctx = issueContextFromEnv({
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_WORKFLOW: 'Nightly loop',
      GITHUB_JOB: 'loop',
      GITHUB_RUN_ID: '42',
    });
  });
  afterEach(async () => {
    await api.close();
  });

  it('opens an issue on the first stop', async () => {
    const log = recordingLog();
    const result = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      log,
    );

    expect(result).toEqual({ number: 1, url: 'https://github.com/owner/repo/issues/1' });
    expect(log.warnings).toEqual([]);
    expect(log.infos.join('\n')).toContain('https://github.com/owner/repo/issues/1');
    const [list, create] = api.requests;
    expect(list.method).toBe('GET');
    expect(list.path).toBe('/repos/owner/repo/issues');
    expect(list.query).toMatchObject({ state: 'open', labels: 'autonomous-loop' });
    expect(list.headers.authorization).toBe(`token ${TOKEN}`);
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/repos/owner/repo/issues');
    expect(api.requests).toHaveLength(2);

    expect(api.issues).toHaveLength(1);
    const issue = api.issues[0];
    expect(issue.title).toBe('Autonomous loop stopped: iteration limit reached (10 iterations)');
    expect(issue.labels.map((label: { name: string }) => label.name)).toEqual(labels);
    expect(issue.body).toContain(loopMarker(ctx, PROMPT));
    expect(issue.body).toContain('- [ ] flaky network test');
    expect(issue.body).toContain('https://github.com/owner/repo/actions/runs/42');
    expect(JSON.stringify(create.body)).not.toContain(TOKEN);
  });

  it('comments on the open issue of the same loop instead of opening another', async () => {
    const first = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      recordingLog(),
    );
    const log = recordingLog();
    const second = await openOrUpdateIssue(
      outcome({ status: 'no_progress', reason: 'No file changed in 3 iterations.', iterations: 3 }),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      { ...ctx, runId: '43' },
      log,
    );

    expect(second).toEqual(first);
    expect(log.warnings).toEqual([]);
    expect(api.issues).toHaveLength(1);
    expect(api.comments).toHaveLength(1);
    const comment = api.comments[0];
    expect(comment.issue_number).toBe(1);
    expect(comment.body).toContain('`no_progress`');
    expect(comment.body).toContain('No file changed in 3 iterations.');
    expect(comment.body).toContain('/actions/runs/43');
    expect(comment.body).not.toContain(TOKEN);
    expect(api.requests.at(-1)?.path).toBe('/repos/owner/repo/issues/1/comments');
  });

  it('opens a new issue for a different task, job or workflow', async () => {
    const options = { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS };
    await openOrUpdateIssue(outcome(), options, ctx, recordingLog());
    await openOrUpdateIssue(outcome(), { ...options, prompt: 'Another task.' }, ctx, recordingLog());
    await openOrUpdateIssue(outcome(), options, { ...ctx, job: 'other-job' }, recordingLog());
    await openOrUpdateIssue(outcome(), options, { ...ctx, workflow: 'Other workflow' }, recordingLog());

    expect(api.issues.map((issue: { number: number }) => issue.number)).toEqual([1, 2, 3, 4]);
    expect(api.comments).toHaveLength(0);
  });

  it('ignores closed issues and issues without the label, and finds its own past the first page', async () => {
    const marker = loopMarker(ctx, PROMPT);
    await api.close();
    api = await startFakeGitHubApi({
      token: TOKEN,
      issues: [
        { title: 'closed', body: marker, labels, state: 'closed' },
        { title: 'unlabelled', body: marker, labels: [] },
        { title: 'ours', body: `${marker}\nold report`, labels: ['autonomous-loop'] },
        ...Array.from({ length: 150 }, (_, i) => ({ title: `other ${i}`, body: `<!-- x${i} -->`, labels })),
      ],
    });
    ctx = { ...ctx, apiUrl: api.url };

    const result = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      recordingLog(),
    );

    expect(result?.number).toBe(3);
    expect(api.comments.map((comment: { issue_number: number }) => comment.issue_number)).toEqual([3]);
    expect(api.requests.filter((request: { method: string }) => request.method === 'GET')).toHaveLength(2);
    expect(api.issues).toHaveLength(153);
  });

  it('warns that `issues: write` is missing on 403 and returns undefined', async () => {
    api.failWith(403, 'POST /repos/owner/repo/issues');
    const log = recordingLog();

    const result = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      log,
    );

    expect(result).toBeUndefined();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('issues: write');
    expect(log.warnings[0]).toContain('403');
    expect(log.warnings[0]).toContain('Resource not accessible by integration');
    expect(log.warnings[0]).not.toContain(TOKEN);
    expect(api.issues).toHaveLength(0);
  });

  it('warns on 403 while commenting too', async () => {
    await openOrUpdateIssue(outcome(), { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS }, ctx, recordingLog());
    api.failWith(403, /^POST .*\/comments$/);
    const log = recordingLog();

    const result = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      log,
    );

    expect(result).toBeUndefined();
    expect(log.warnings[0]).toMatch(/comment on issue #1.*issues: write/);
  });

  it('warns and does not throw when GitHub cannot be reached', async () => {
    await api.close();
    const log = recordingLog();

    const result = await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
      ctx,
      log,
    );

    expect(result).toBeUndefined();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(
      /^Could not look for an open issue of this loop in owner\/repo: could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ /,
    );
    api = await startFakeGitHubApi();
  });

  it('warns without a token or a repository and sends nothing', async () => {
    const log = recordingLog();
    expect(
      await openOrUpdateIssue(outcome(), { token: '', labels, prompt: PROMPT, secrets: SECRETS }, ctx, log),
    ).toBeUndefined();
    expect(
      await openOrUpdateIssue(
        outcome(),
        { token: TOKEN, labels, prompt: PROMPT, secrets: SECRETS },
        { ...ctx, repository: '' },
        log,
      ),
    ).toBeUndefined();
    expect(log.warnings).toHaveLength(2);
    expect(api.requests).toHaveLength(0);
  });

  it('never puts the token into the issue, even when the task quotes it', async () => {
    const prompt = `Use the token ${TOKEN} to publish.`;
    await openOrUpdateIssue(
      outcome({ status: 'failed', reason: `bad credentials ${TOKEN}` }),
      { token: TOKEN, labels, prompt, secrets: SECRETS },
      ctx,
      recordingLog(),
    );
    expect(api.issues).toHaveLength(1);
    expect(api.issues[0].title + api.issues[0].body).not.toContain(TOKEN);
    expect(api.issues[0].body).toContain('Use the token *** to publish.');
  });

  it('lists all open issues when no label is configured', async () => {
    await openOrUpdateIssue(
      outcome(),
      { token: TOKEN, labels: [], prompt: PROMPT, secrets: SECRETS },
      ctx,
      recordingLog(),
    );
    expect(api.requests[0].query.labels).toBeUndefined();
    expect(api.issues[0].labels).toEqual([]);
  });
});

describe('the issue of a loop kept in state-dir', () => {
  it('says how to continue when the state was saved, and what the whole loop did', () => {
    const { body } = renderIssue(
      outcome({
        stateSaved: true,
        costKnown: true,
        earlier: { prompt: PROMPT, runs: 1, iterations: 4, costUsd: 1, costKnown: true },
      }),
      PROMPT,
      context(),
    );
    expect(body).toContain("**To continue:** this loop's state and Claude's session are saved in `state-dir`.");
    expect(body).toMatch(/- \*\*Whole loop:\*\* run 2, 14 iterations, \$2\.2346 USD/);
    const plain = renderIssue(outcome(), PROMPT, context()).body;
    expect(plain).not.toContain('To continue');
    expect(plain).not.toContain('Whole loop');
  });
});
