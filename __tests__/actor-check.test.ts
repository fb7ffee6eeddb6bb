import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decideBeforeLookup,
  decideOnPermission,
  LOOKUP_PERMISSION,
  refuseUntrustedActor,
  triggeringActor,
} from '../src/actions/actor-check.js';
import { readInputs } from '../src/actions/inputs.js';
import { startFakeGitHubApi } from './fixtures/fake-github-api.mjs';

describe('decideBeforeLookup', () => {
  it('checks every event but those only a writer or the repository schedule starts', () => {
    // Those whose payload anyone can write (an issue, a comment, a pull request, a discussion), and others.
    const outsideText = ['issues', 'issue_comment', 'pull_request', 'pull_request_target', 'pull_request_review'];
    const more = ['pull_request_review_comment', 'discussion', 'discussion_comment', 'workflow_run', 'check_suite'];
    for (const event of [...outsideText, ...more, 'watch', 'fork', 'label']) {
      expect(decideBeforeLookup(event, 'mallory', []), event).toEqual({ kind: 'lookup', actor: 'mallory' });
    }
    for (const event of ['workflow_dispatch', 'schedule', 'push', 'workflow_call', 'repository_dispatch', '']) {
      expect(decideBeforeLookup(event, 'mallory', []), event).toEqual({ kind: 'allowed', note: undefined });
    }
  });

  it('lets in a listed actor without a lookup, comparing without case; an unlisted one needs the lookup', () => {
    expect(decideBeforeLookup('issues', 'Renovate[bot]', ['renovate[bot]'])).toMatchObject({ kind: 'allowed' });
    expect(decideBeforeLookup('issues', 'renovate', ['renovate[bot]'])).toEqual({ kind: 'lookup', actor: 'renovate' });
  });

  it('refuses a run that names no actor', () => {
    expect(decideBeforeLookup('issue_comment', '', [])).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/^This issue_comment run names no actor/),
    });
  });
});

describe('triggeringActor', () => {
  it('is who re-ran the run, else who started it', () => {
    expect(triggeringActor({ GITHUB_ACTOR: 'a', GITHUB_TRIGGERING_ACTOR: 'b' })).toBe('b');
    expect(triggeringActor({ GITHUB_ACTOR: 'a', GITHUB_TRIGGERING_ACTOR: ' ' })).toBe('a');
    expect(triggeringActor({})).toBe('');
  });
});

describe('decideOnPermission', () => {
  const decide = (permission: string, roleName: string) =>
    decideOnPermission('issues', 'pat', 'o/r', { permission, roleName }).kind;

  it('allows write, maintain and admin, by permission or by role', () => {
    expect(decide('admin', 'admin')).toBe('allowed');
    expect(decide('write', 'write')).toBe('allowed');
    expect(decide('write', 'maintain')).toBe('allowed');
    expect(decide('write', 'custom-writer')).toBe('allowed');
    expect(decide('', 'maintain')).toBe('allowed');
    expect(decide('ADMIN', '')).toBe('allowed');
  });

  it('refuses read, triage, none and no answer, naming the actor and what was found', () => {
    expect(decide('read', 'read')).toBe('refused');
    expect(decide('read', 'triage')).toBe('refused');
    expect(decide('none', '')).toBe('refused');
    expect(decide('', '')).toBe('refused');
    expect(decideOnPermission('issues', 'pat', 'o/r', { permission: 'read', roleName: 'triage' })).toEqual({
      kind: 'refused',
      reason:
        'The actor pat who triggered this issues run has permission "read" (role "triage") on o/r: on this event ' +
        "the loop runs only for actors with write, maintain or admin permission, or those listed in 'allowed-actors'.",
    });
    expect(decideOnPermission('issues', 'pat', 'o/r', undefined)).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('has no permission (GitHub knows no access of theirs) on o/r'),
    });
  });
});

describe("the input 'allowed-actors'", () => {
  const read = (value: string) =>
    readInputs({ getInput: (name) => ({ prompt: 'p', 'allowed-actors': value })[name] ?? '', setSecret: () => {} }, '.')
      .allowedActors;

  it('takes logins and bots separated by commas, spaces or newlines, lower-cased, once each', () => {
    expect(read('')).toEqual([]);
    expect(read('Alice, bob\n  dependabot[bot]\tALICE enterprise_user')).toEqual([
      'alice',
      'bob',
      'dependabot[bot]',
      'enterprise_user',
    ]);
  });

  it('rejects a wildcard and anything that is not a login, naming the input and the value', () => {
    expect(() => read('alice, *')).toThrow('Input \'allowed-actors\' is "alice, *": "*" is a wildcard');
    expect(() => read('bot*')).toThrow('"bot*" is a wildcard');
    expect(() => read('@alice')).toThrow('Input \'allowed-actors\' is "@alice": "@alice" is not a GitHub login');
    expect(() => read('a[bot]x')).toThrow('is not a GitHub login');
  });
});

describe('refuseUntrustedActor with the real Octokit', () => {
  const TOKEN = 'ghs_actor_unit_token_0123456789';
  let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
  const infos: string[] = [];
  const log = { text: (m: string) => infos.push(m), warning: (m: string) => infos.push(`warning: ${m}`) };
  const config = { githubToken: TOKEN, allowedActors: [] as string[], maxIterations: 5 };
  const fast = { retryAfterBaseMs: 1 };
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    infos.length = 0;
    api = await startFakeGitHubApi({ token: TOKEN });
    env = {
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: 'issue_comment',
      GITHUB_ACTOR: 'wendy',
    };
  });
  afterEach(async () => {
    await api.close();
  });

  const check = (over: Partial<typeof config> = {}, signal = new AbortController().signal) =>
    refuseUntrustedActor({ ...config, ...over }, env, signal, log, fast);

  it('lets a writer through and says so', async () => {
    api.setPermission('wendy', 'write');
    expect(await check()).toBeUndefined();
    expect(infos).toEqual(['The actor wendy has permission "write" on o/r: the loop may run.']);
    expect(api.requests[0].headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('refuses a reader with status failed, no iterations and no cost', async () => {
    api.setPermission('wendy', 'read');
    const outcome = await check();
    expect(outcome).toMatchObject({ status: 'failed', iterations: 0, maxIterations: 5, costUsd: 0, costKnown: true });
    expect(outcome?.reason).toMatch(/^The actor wendy who triggered this issue_comment run has permission "read"/);
  });

  it('fails closed on a server error after two retries, on a lost connection, and without a token', async () => {
    api.failWith(502, /permission/);
    expect((await check())?.reason).toMatch(/GitHub answered 502/);
    expect(api.requests).toHaveLength(3);
    expect((await check())?.reason).toContain(LOOKUP_PERMISSION);

    const empty = await check({ githubToken: '' });
    expect(empty?.reason).toMatch(/: the input 'github-token' is empty\. The token in 'github-token' needs/);

    await api.close();
    const lost = await check();
    expect(lost?.status).toBe('failed');
    expect(lost?.reason).toMatch(/could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+/);
    api = await startFakeGitHubApi();
  });

  it('fails closed on a rate limit without waiting for it', async () => {
    api.failWith(403, /permission/, {
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '30' },
    });
    const started = Date.now();
    expect((await check())?.reason).toMatch(/GitHub's rate limit refused the request \(403/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a cancellation during the lookup as cancelled', async () => {
    api.setLatency(5_000);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 50);
    const outcome = await check({}, cancel.signal);
    expect(outcome?.status).toBe('cancelled');
  });

  it('refuses a run whose repository it cannot name', async () => {
    env.GITHUB_REPOSITORY = '';
    expect((await check())?.reason).toMatch(/GITHUB_REPOSITORY is "", expected owner\/repo/);
    expect(api.requests).toEqual([]);
  });
});
