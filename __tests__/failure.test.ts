import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../src/core/iteration-run.js';
import { iterationFailure, resetTime, retryDelayMs, type IterationFailure } from '../src/core/failure.js';
import { StreamState } from '../src/claude/stream-json.js';
import { processOutcome } from './helpers/builders.js';

const withKey = { anthropicApiKey: 'k', claudeCodeOauthToken: '' };
const withToken = { anthropicApiKey: '', claudeCodeOauthToken: 't' };
const none = { anthropicApiKey: '', claudeCodeOauthToken: '' };

function outcome(result: object | undefined, extra: Partial<ProcessOutcome> = {}): ProcessOutcome {
  const stream = new StreamState();
  if (result) stream.consume(JSON.stringify({ type: 'result', subtype: 'success', ...result }));
  return processOutcome(stream, extra);
}
const apiError = (status: number | null, text: string) =>
  outcome({ is_error: true, api_error_status: status, result: text });

describe('iterationFailure: the CLI’s real error texts', () => {
  it.each([
    [429, 'API Error: Request rejected (429) · Rate limited, please retry'],
    [529, 'API Error: Repeated 529 Overloaded errors · check status.anthropic.com'],
    [500, 'API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"}}'],
    [
      529,
      'API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (127.0.0.1:4000).',
    ],
    [null, 'API Error: Unable to connect to API (ECONNRESET)'],
    [null, 'API Error: Connection dropped (ECONNRESET). Check the gateway set in ANTHROPIC_BASE_URL, then try again.'],
    [null, 'API Error: Connection to the API was lost (ECONNRESET). This is usually temporary — try again.'],
    [
      null,
      'Request timed out. If the API is slow to answer, or a proxy or gateway holds responses, set API_TIMEOUT_MS above 2000.',
    ],
  ])('%s %s is transient', (status, text) => {
    expect(iterationFailure(apiError(status, text), withKey)).toMatchObject({ kind: 'transient', message: text });
  });

  it('401 is an authentication failure of the credential in use', () => {
    const failure = iterationFailure(apiError(401, 'Invalid API key · Fix external API key'), withKey);
    expect(failure).toEqual({
      kind: 'auth',
      message: 'Invalid API key · Fix external API key',
      resetAt: undefined,
      auth: { credential: 'api-key', provider: undefined, status: 401 },
    });
    expect(iterationFailure(apiError(401, 'OAuth token has expired'), withToken)?.auth?.credential).toBe('oauth-token');
    expect(iterationFailure(apiError(403, 'Forbidden'), withKey)?.auth).toEqual({
      credential: 'api-key',
      provider: undefined,
      status: 403,
    });
  });

  it('"Not logged in" without credentials is an authentication failure without a credential', () => {
    const failure = iterationFailure(apiError(null, 'Not logged in · Please run /login'), none);
    expect(failure).toMatchObject({
      kind: 'auth',
      message: 'Not logged in · Please run /login',
      auth: { credential: 'none', provider: undefined, status: undefined },
    });
  });

  it('a turn cap and a clean run are not failures; a lingering CLI stopped after its result is fine', () => {
    // 2.1.330's turn cap: no `result` field, an `errors` array instead, exit 1.
    const capped = outcome({
      subtype: 'error_max_turns',
      is_error: true,
      errors: ['Reached maximum number of turns (1)'],
    });
    expect(iterationFailure(capped, withKey)).toBeUndefined();
    expect(capped.stream.result?.text).toBe('Reached maximum number of turns (1)');
    expect(iterationFailure(outcome({ subtype: 'error_max_turns', is_error: true }), withKey)).toBeUndefined();
    expect(iterationFailure(outcome({ is_error: false }, { exitCode: 0 }), withKey)).toBeUndefined();
    expect(
      iterationFailure(outcome({ is_error: false }, { exitCode: null, stoppedAfterResult: true }), withKey),
    ).toBeUndefined();
  });

  it('the CLI’s own budget stop is a budget failure', () => {
    expect(iterationFailure(outcome({ subtype: 'error_max_budget_usd', is_error: true }), withKey)?.kind).toBe(
      'budget',
    );
  });

  it('no result line: the exit and the end of stderr', () => {
    const failure = iterationFailure(
      outcome(undefined, { exitCode: 1, stderrTail: 'line 1\nError: --verbose is required' }),
      withKey,
    );
    expect(failure).toMatchObject({
      kind: 'other',
      message: 'claude exited with code 1 without a result line: line 1 | Error: --verbose is required',
    });
    expect(iterationFailure(outcome(undefined, { exitCode: 0 }), withKey)?.message).toContain(
      'exited with code 0 without a result line',
    );
    expect(iterationFailure(outcome(undefined, { spawnError: 'spawn EACCES' }), withKey)?.message).toBe(
      'Could not start claude: spawn EACCES',
    );
  });

  it('an error during execution is not retried', () => {
    const failure = iterationFailure(
      outcome({
        subtype: 'error_during_execution',
        is_error: true,
        result: 'No conversation found with session ID: x',
      }),
      withKey,
    );
    expect(failure?.kind).toBe('other');
  });
});

describe('retry timing', () => {
  const transient: IterationFailure = { kind: 'transient', message: 'x', resetAt: undefined };

  it('starts at 5 s, doubles, and stops growing at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(transient, n, 30 * 60_000))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
  });

  it('waits until a reset time within the iteration timeout, and not for one beyond it', () => {
    const now = 1_700_000_000_000;
    expect(retryDelayMs({ ...transient, resetAt: now + 90_000 }, 1, 30 * 60_000, now)).toBe(90_000);
    expect(retryDelayMs({ ...transient, resetAt: now + 3_600_000 }, 1, 30 * 60_000, now)).toBeUndefined();
    expect(retryDelayMs({ ...transient, resetAt: now - 1 }, 1, 30 * 60_000, now)).toBe(5_000);
  });

  it('finds reset times in error texts', () => {
    expect(resetTime('Claude AI usage limit reached|1700000100', 0)).toBe(1_700_000_100_000);
    expect(resetTime('Rate limited. Please retry after 30 seconds', 1000)).toBe(31_000);
    expect(resetTime('API Error: Repeated 529 Overloaded errors')).toBeUndefined();
  });
});

describe('iterationFailure: what the message says', () => {
  it('a CLI that could not start is an "other" failure', () => {
    expect(iterationFailure(outcome(undefined, { spawnError: 'spawn ENOENT' }), withKey)).toEqual({
      kind: 'other',
      message: 'Could not start claude: spawn ENOENT',
      resetAt: undefined,
    });
  });

  it('names the signal that killed a CLI without a result line, and says when stderr was empty', () => {
    expect(iterationFailure(outcome(undefined, { exitCode: null, exitSignal: 'SIGKILL' }), withKey)?.message).toBe(
      'claude was killed by SIGKILL without a result line: no output on stderr',
    );
  });

  it('keeps only the last five lines of stderr, without the blank ends', () => {
    const stderrTail = '\n1\n2\n3\n4\n5\n6\n7\n\n';
    expect(iterationFailure(outcome(undefined, { stderrTail }), withKey)?.message).toBe(
      'claude exited with code 1 without a result line: 3 | 4 | 5 | 6 | 7',
    );
  });

  it('quotes the CLI’s budget text, or the subtype when there is none', () => {
    const stopped = outcome({ subtype: 'error_max_budget_usd', is_error: true, result: 'Budget of $1 reached' });
    expect(iterationFailure(stopped, withKey)?.message).toBe('The CLI stopped at its own budget: Budget of $1 reached');
    expect(iterationFailure(outcome({ subtype: 'error_max_budget_usd', is_error: true }), withKey)).toEqual({
      kind: 'budget',
      message: 'The CLI stopped at its own budget: error_max_budget_usd',
      resetAt: undefined,
    });
  });

  it('a result that is not an error but a non-zero exit is a failure', () => {
    const failure = iterationFailure(
      outcome({ is_error: false, result: 'Done.' }, { stderrTail: 'panic: x\n' }),
      withKey,
    );
    expect(failure).toMatchObject({ kind: 'other', message: 'Done.' });
  });

  it('an error result without text falls back to stderr, then to the subtype and exit code', () => {
    const bare = { subtype: 'error_during_execution', is_error: true };
    expect(iterationFailure(outcome(bare, { stderrTail: 'boom' }), withKey)?.message).toBe('boom');
    expect(iterationFailure(outcome(bare, { exitCode: 2 }), withKey)?.message).toBe(
      'error_during_execution (exit code 2)',
    );
  });
});

describe('iterationFailure: the API status decides before the words', () => {
  it.each([429, 408, 529, 500, 503, 599])('status %s is transient whatever the text says', (status) => {
    expect(iterationFailure(apiError(status, 'Something went wrong'), withKey)?.kind).toBe('transient');
  });

  it.each([400, 404, 413, 499])('status %s is not transient when the text says nothing of it', (status) => {
    expect(iterationFailure(apiError(status, 'Something went wrong'), withKey)).toMatchObject({
      kind: 'other',
      resetAt: undefined,
    });
  });

  it('a server error is transient even when its text mentions authentication', () => {
    expect(iterationFailure(apiError(500, 'Internal error in the authentication service'), withKey)?.kind).toBe(
      'transient',
    );
  });

  it('without a status, the text alone says it is an authentication failure', () => {
    expect(iterationFailure(apiError(null, 'Authentication failed'), withKey)).toEqual({
      kind: 'auth',
      message: 'Authentication failed',
      resetAt: undefined,
      auth: { credential: 'api-key', provider: undefined, status: undefined },
    });
  });

  it('a rejected key without any credential input concerns either credential, not missing credentials', () => {
    expect(iterationFailure(apiError(401, 'Invalid API key'), none)?.auth).toEqual({
      credential: 'api-key-or-oauth-token',
      provider: undefined,
      status: 401,
    });
  });

  it('"Not logged in" while a credential is set is a rejected credential', () => {
    expect(iterationFailure(apiError(null, 'Not logged in · Please run /login'), withKey)?.auth?.credential).toBe(
      'api-key',
    );
    expect(iterationFailure(apiError(null, 'Not logged in · Please run /login'), withToken)?.auth?.credential).toBe(
      'oauth-token',
    );
  });
});

describe('iterationFailure: transient texts without a status', () => {
  it.each([
    'RateLimitError: slow down',
    'Rate-limit exceeded',
    'Request time out',
    'Request timedout',
    'Request timed out',
    'API Error: 520 unknown',
    'Request failed (520)',
    'API Error: 429',
    'Request failed (429)',
  ])('%s is transient', (text) => {
    expect(iterationFailure(apiError(null, text), withKey)?.kind).toBe('transient');
  });

  it.each(['API Error: 5x0', 'API Error: 50x', 'Request failed (5x0)', 'Request failed (50x)', 'API Error: 40'])(
    '%s is not transient',
    (text) => {
      expect(iterationFailure(apiError(null, text), withKey)?.kind).toBe('other');
    },
  );

  it('a transient failure carries the reset time its text gives', () => {
    expect(iterationFailure(apiError(429, 'Claude AI usage limit reached|1700000100'), withKey)?.resetAt).toBe(
      1_700_000_100_000,
    );
  });
});

describe('resetTime: the forms of "N seconds"', () => {
  it.each([
    'Please retry after 30 seconds',
    'retry after 30 second',
    'try again in 30 secs',
    'try again in 30 sec',
    'resets in 30s',
    'resets in 30 s',
  ])('reads %s', (text) => {
    expect(resetTime(text, 1000)).toBe(31_000);
  });

  it('does not read a number followed by another word', () => {
    expect(resetTime('retry after 30 sessions', 1000)).toBeUndefined();
  });
});

describe('retryDelayMs: the edges of a reset time', () => {
  const now = 1_700_000_000_000;
  const limited = (resetAt: number): IterationFailure => ({ kind: 'transient', message: 'x', resetAt });

  it('waits for a reset exactly at the end of the time left', () => {
    expect(retryDelayMs(limited(now + 60_000), 1, 60_000, now)).toBe(60_000);
  });

  it('backs off as usual when the reset time is now', () => {
    expect(retryDelayMs(limited(now), 2, 60_000, now)).toBe(10_000);
  });
});
