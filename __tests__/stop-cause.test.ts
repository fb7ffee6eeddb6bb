import { describe, expect, it } from 'vitest';
import { describeMoment, minutesOf, statusOf, type StopCause } from '../src/core/stop-cause.js';

const when = { stage: 'after', iteration: 1 } as const;

describe('statusOf', () => {
  it.each([
    [{ kind: 'completed', gateReason: '' }, 'completed'],
    [{ kind: 'cancelled', iteration: 1 }, 'cancelled'],
    [{ kind: 'cancelled_setup', what: 'claude' }, 'cancelled'],
    [{ kind: 'time_limit', minutes: 1, when: { at: 'before_iteration', iteration: 1 } }, 'time_limit_reached'],
    [{ kind: 'iteration_timeout', iteration: 1, minutes: 1 }, 'timed_out'],
    [
      { kind: 'budget', spentUsd: 1, costKnown: true, limitUsd: 1, cliStop: undefined, denials: undefined },
      'budget_exceeded',
    ],
    [{ kind: 'cli_budget', message: '' }, 'budget_exceeded'],
    [{ kind: 'usage_limit', message: '', resetsAt: undefined }, 'usage_limited'],
    [{ kind: 'usage_paused', resetsAt: 0, runs: 1, earlierReason: '' }, 'usage_limited'],
    [{ kind: 'auth', credential: 'none', provider: undefined, status: undefined, cliSaid: '' }, 'failed'],
    [
      { kind: 'breaker', trip: 'max_iterations', tripReason: '', denials: undefined, checkEnd: undefined },
      'iteration_limit_reached',
    ],
    [{ kind: 'breaker', trip: 'no_changes', tripReason: '', denials: undefined, checkEnd: undefined }, 'no_progress'],
    [
      { kind: 'breaker', trip: 'same_error', tripReason: '', denials: undefined, checkEnd: undefined },
      'repeated_error',
    ],
    [{ kind: 'iteration_failed', iteration: 1, message: '' }, 'failed'],
    [{ kind: 'check_error', iteration: 1, error: '' }, 'failed'],
    [{ kind: 'secret_leak', places: [], when }, 'failed'],
    [{ kind: 'secret_search_failed', error: '', when }, 'failed'],
    [{ kind: 'work_tree', error: '', when }, 'failed'],
    [{ kind: 'crashed', error: '', when }, 'failed'],
    [{ kind: 'worded', status: 'cancelled', message: '' }, 'cancelled'],
  ] as Array<[StopCause, string]>)('%j is %s', (cause, status) => {
    expect(statusOf(cause)).toBe(status);
  });
});

describe('describeMoment and minutesOf', () => {
  it.each([
    [{ stage: 'before', iteration: 1 }, 'before iteration 1'],
    [{ stage: 'in', iteration: 2 }, 'in iteration 2'],
    [{ stage: 'after', iteration: 3 }, 'after iteration 3'],
    [{ stage: 'after_check', iteration: 4 }, 'after the check of iteration 4'],
  ] as const)('%j is "%s"', (moment, words) => {
    expect(describeMoment(moment)).toBe(words);
  });

  it('gives minutes with at most three decimals', () => {
    expect(minutesOf(90_000)).toBe(1.5);
    expect(minutesOf(1_000)).toBe(0.017);
    expect(minutesOf(0)).toBe(0);
  });
});
