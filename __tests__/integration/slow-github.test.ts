/**
 * A GitHub API that accepts requests and never answers, at the end of the action (the issue of `open-issue-on`, the
 * status comment's last update): the outputs and the job summary must be there all the same, and the step must end
 * within its time limit, or at once when the runner cancels it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction } from '../helpers/action-runner.js';

const TOKEN = 'ghs_slow_github_token_0123456789';
let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: TOKEN });
  api.addIssue({ repository: 'octo/widgets', title: 'Issue 1' });
});
afterEach(async () => {
  await api.close();
});

const limitReached = [
  [{ append: 'w' }, { text: gate(false, 'Half done', ['Fix the parser']) }, { result: { total_cost_usd: 0.1 } }],
];

function stop(inputs: Record<string, string>, onStart?: (child: ChildProcess) => void, summaryFileStart?: string) {
  const repo = makeRepo();
  return runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Refactor the parser',
      'claude-path': FAKE_CLAUDE,
      'max-iterations': '1',
      'open-issue-on': 'iteration_limit_reached',
      'github-token': TOKEN,
      ...inputs,
    },
    env: { ...fakeClaude(limitReached).env, GITHUB_API_URL: api.url },
    onStart,
    summaryFileStart,
  });
}

const until = async (test: () => boolean, timeoutMs: number): Promise<void> => {
  for (const end = Date.now() + timeoutMs; !test();) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('a GitHub API that never answers at the end of the action', () => {
  it('keeps the outputs and the summary through a cancellation on the runner schedule (SIGINT, SIGTERM, SIGKILL)', async () => {
    api.hang('GET /repos/octo/widgets/issues');
    const timers: NodeJS.Timeout[] = [];
    let cancelledAt = 0;
    const run = await stop({}, (child) => {
      // The runner's cancellation: SIGINT, SIGTERM 7.5 s later, then the process tree killed 2.5 s after that.
      void until(() => api.requests.some((r) => r.path === '/repos/octo/widgets/issues'), 20_000).then(() => {
        cancelledAt = Date.now();
        child.kill('SIGINT');
        timers.push(setTimeout(() => child.kill('SIGTERM'), 7_500));
        timers.push(setTimeout(() => child.kill('SIGKILL'), 10_000));
      });
      child.on('exit', () => timers.forEach(clearTimeout));
    });
    expect(cancelledAt).toBeGreaterThan(0);
    expect(run.signal).toBeNull();
    // The issue request is given up at the cancellation: the step ends on its own, long before SIGTERM.
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs.iterations).toBe('1');
    expect(run.outputs['issue-url']).toBe('');
    expect(run.summary).toContain('iteration_limit_reached');
    expect(run.stdout).toMatch(/Could not look for an open issue of this loop in octo\/widgets: the job was cancelled/);
  }, 30_000);

  it('ends before SIGTERM when cancelled mid-iteration while the status comment hangs', async () => {
    api.hang('PATCH');
    const repo = makeRepo();
    const claude = fakeClaude([[{ sleep: 60_000 }]]);
    const timers: NodeJS.Timeout[] = [];
    let cancelledAt = 0;
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Refactor the parser', 'claude-path': FAKE_CLAUDE, 'status-issue': '1', 'github-token': TOKEN },
      env: { ...claude.env, GITHUB_API_URL: api.url },
      onStart: (child) => {
        // Once the comment exists and Claude runs: every later update of the comment hangs.
        void until(() => api.comments.length === 1 && claude.calls().length === 1, 20_000).then(() => {
          cancelledAt = Date.now();
          child.kill('SIGINT');
          timers.push(setTimeout(() => child.kill('SIGTERM'), 7_500));
          timers.push(setTimeout(() => child.kill('SIGKILL'), 10_000));
        });
        child.on('exit', () => timers.forEach(clearTimeout));
      },
    });
    expect(cancelledAt).toBeGreaterThan(0);
    expect(run.signal).toBeNull();
    expect(Date.now() - cancelledAt).toBeLessThan(7_500);
    expect(run.outputs.status).toBe('cancelled');
    expect(run.outputs['status-comment-url']).toBe(api.comments[0].html_url);
    expect(run.summary).toContain('Autonomous loop: `cancelled`');
  }, 30_000);

  it('still has its outputs when it is killed at once (SIGKILL while the issue request hangs)', async () => {
    api.hang('GET /repos/octo/widgets/issues');
    const run = await stop({}, (child) => {
      void until(() => api.requests.some((r) => r.path === '/repos/octo/widgets/issues'), 20_000).then(() =>
        child.kill('SIGKILL'),
      );
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs.blockers).toBe('["Fix the parser"]');
    expect(run.summary).toContain('Fix the parser');
  }, 30_000);

  it('ends within time-limit-minutes without a cancellation, with its outputs (issue and status comment hang)', async () => {
    api.hang();
    const started = Date.now();
    let killed = false;
    const run = await stop({ 'time-limit-minutes': '0.1', 'status-issue': '1' }, (child) => {
      // The old bundle hangs until the job's time-out: stop it here, so that the test fails on what it checks.
      const guard = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, 25_000);
      child.on('exit', () => clearTimeout(guard));
    });
    const tookMs = Date.now() - started;
    expect(killed).toBe(false);
    expect(run.code).toBe(0);
    // 6 s of time limit; the final calls get what is left of it (at least 5 s).
    expect(tookMs).toBeLessThan(13_000);
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs['issue-url']).toBe('');
    expect(run.outputs['status-comment-url']).toBe('');
    expect(run.summary).toContain('iteration_limit_reached');
    expect(run.stdout).toMatch(/no answer from GitHub within the [\d.]+ s left for reporting/);
  }, 40_000);

  it('updates the outputs and the summary once a slow GitHub has answered', async () => {
    api.setLatency(1_500);
    const run = await stop({ 'status-issue': '1' }, undefined, 'Earlier step: 12 tests passed');
    expect(run.code).toBe(0);
    const [opened] = api.issues.filter((issue) => issue.title.startsWith('Autonomous loop'));
    expect(run.outputs['issue-url']).toBe(opened.html_url);
    expect(run.outputs['status-comment-url']).toBe(api.comments[0].html_url);
    expect(run.summary).toContain(`| Issue | [#${opened.number}](${opened.html_url}) |`);
    // One summary, rewritten in place, not two.
    expect(run.summary.match(/## .* Autonomous loop: /g)).toHaveLength(1);
    // What was in the file before the action's summary stays.
    expect(run.summary.startsWith('Earlier step: 12 tests passed\n## ')).toBe(true);
  }, 40_000);
});
