/**
 * `allowed-actors` through the built action: on events that carry outside text, the actor who triggered the run is
 * checked against a fake GitHub REST API before the stand-in CLI is ever started (not even `--version`).
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction, runnerCommands } from '../helpers/action-runner.js';

const TOKEN = 'ghs_actor_check_token_0123456789';
let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: TOKEN });
  api.addIssue({ repository: 'octo/widgets', title: 'Make the widget' });
});
afterEach(async () => {
  await api.close();
});

async function loop(env: Record<string, string>, inputs: Record<string, string> = {}) {
  const repo = makeRepo();
  const claude = fakeClaude([[{ append: 'w' }, { text: gate(true, 'Done') }, { result: { total_cost_usd: 0.1 } }]]);
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Do what the issue says', 'claude-path': FAKE_CLAUDE, 'github-token': TOKEN, ...inputs },
    env: { ...claude.env, GITHUB_API_URL: api.url, ...env },
  });
  /** The stand-in writes its state directory on every call, `--version` included. */
  const claudeRan = existsSync(claude.env.FAKE_CLAUDE_STATE);
  return { run, claude, claudeRan };
}

const lookups = () => api.requests.filter((r) => /\/collaborators\//.test(r.path));
const comment = { GITHUB_EVENT_NAME: 'issue_comment' };

describe('who may start the loop', () => {
  it('refuses an issue_comment by an actor with read permission before Claude runs, and writes nothing to GitHub', async () => {
    api.setPermission('mallory', 'read');
    const { run, claudeRan } = await loop({ ...comment, GITHUB_ACTOR: 'mallory' }, { 'status-issue': '1' });
    expect(claudeRan).toBe(false);
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe(
      'The actor mallory who triggered this issue_comment run has permission "read" on octo/widgets: on this ' +
        "event the loop runs only for actors with write, maintain or admin permission, or those listed in 'allowed-actors'.",
    );
    expect(run.outputs['cost-usd']).toBe('0.0000');
    expect(run.outputs.iterations).toBe('0');
    expect(run.summary).toContain('mallory');
    expect(runnerCommands(run.stdout).filter((c) => c.name === 'error')[0].data).toContain('mallory');
    expect(lookups().map((r) => r.path)).toEqual(['/repos/octo/widgets/collaborators/mallory/permission']);
    // No status comment (and no issue) for a refused actor.
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('refuses a triager (role "triage" reads as permission "read") and someone GitHub knows no access of', async () => {
    api.setPermission('trina', 'triage');
    const triager = await loop({ GITHUB_EVENT_NAME: 'issues', GITHUB_ACTOR: 'trina' });
    expect(triager.claudeRan).toBe(false);
    expect(triager.run.outputs.reason).toContain(
      'trina who triggered this issues run has permission "read" (role "triage")',
    );
    const stranger = await loop({ GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_ACTOR: 'stranger' });
    expect(stranger.claudeRan).toBe(false);
    expect(stranger.run.outputs.status).toBe('failed');
    expect(stranger.run.outputs.reason).toContain(
      'stranger who triggered this pull_request_target run has no permission',
    );
  });

  it('runs the loop for an actor with write or maintain permission', async () => {
    api.setPermission('wendy', 'write');
    const writer = await loop({ ...comment, GITHUB_ACTOR: 'wendy' });
    expect(writer.run.outputs.status).toBe('completed');
    expect(writer.claude.calls()).toHaveLength(1);
    expect(writer.run.stdout).toContain('The actor wendy has permission "write" on octo/widgets: the loop may run.');

    api.setPermission('max', 'maintain');
    const maintainer = await loop({ GITHUB_EVENT_NAME: 'discussion_comment', GITHUB_ACTOR: 'max' });
    expect(maintainer.run.outputs.status).toBe('completed');
  });

  it('checks the actor who re-ran the run, not the one who started it', async () => {
    api.setPermission('wendy', 'admin');
    api.setPermission('mallory', 'read');
    const { run, claudeRan } = await loop({ ...comment, GITHUB_ACTOR: 'wendy', GITHUB_TRIGGERING_ACTOR: 'mallory' });
    expect(claudeRan).toBe(false);
    expect(run.outputs.reason).toMatch(/^The actor mallory /);
  });

  it('runs the loop for an actor listed in allowed-actors without asking GitHub, whatever the case', async () => {
    api.setPermission('Helper-Bot[bot]', 'read');
    const { run, claude } = await loop(
      { GITHUB_EVENT_NAME: 'pull_request', GITHUB_ACTOR: 'helper-bot[bot]' },
      { 'allowed-actors': 'someone,\n  Helper-Bot[bot] other' },
    );
    expect(run.outputs.status).toBe('completed');
    expect(claude.calls()).toHaveLength(1);
    expect(run.stdout).toContain("The actor helper-bot[bot] is listed in 'allowed-actors': the loop may run.");
    expect(lookups()).toEqual([]);
    // Unlisted, the same actor is refused for the permission GitHub gives it.
    const unlisted = await loop({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_ACTOR: 'helper-bot[bot]' });
    expect(unlisted.claudeRan).toBe(false);
    expect(unlisted.run.outputs.status).toBe('failed');
  });

  it('fails closed when GitHub refuses the lookup, saying which permission the token needs', async () => {
    api.failWith(403, /\/collaborators\//);
    api.setPermission('wendy', 'admin');
    const { run, claudeRan } = await loop({ ...comment, GITHUB_ACTOR: 'wendy' });
    expect(claudeRan).toBe(false);
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toMatch(
      /^Could not check whether the actor wendy who triggered this issue_comment run may start the loop .*GitHub answered 403 .*`Metadata: read`/,
    );
  });

  it('fails closed when GitHub keeps answering 500, after two retries', async () => {
    api.failWith(500, /\/collaborators\//);
    api.setPermission('wendy', 'admin');
    const { run, claudeRan } = await loop({ ...comment, GITHUB_ACTOR: 'wendy' });
    expect(claudeRan).toBe(false);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toMatch(/GitHub answered 500 .*`Metadata: read`/);
    expect(lookups()).toHaveLength(3);
  }, 30_000);

  it('does not check workflow_dispatch, schedule or push runs', async () => {
    for (const event of ['workflow_dispatch', 'schedule', 'push']) {
      const { run, claude } = await loop({ GITHUB_EVENT_NAME: event, GITHUB_ACTOR: 'mallory' });
      expect(run.outputs.status, event).toBe('completed');
      expect(claude.calls(), event).toHaveLength(1);
    }
    expect(api.requests).toEqual([]);
  });

  it('rejects a wildcard in allowed-actors, naming the input', async () => {
    const { run, claudeRan } = await loop({ GITHUB_EVENT_NAME: 'workflow_dispatch' }, { 'allowed-actors': 'alice *' });
    expect(claudeRan).toBe(false);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe(
      'Input \'allowed-actors\' is "alice *": "*" is a wildcard; list each login instead.',
    );
  });
});
