/**
 * What a run of the loop ends with (src/core/outcome.ts), through its public exports: the statuses, totals over the
 * runs of a continued loop, the outcome of a loop that never started, and two formats every report shares.
 */
import { describe, expect, it } from 'vitest';
import {
  describeDenials,
  endedBeforeStart,
  failedBeforeStart,
  formatCost,
  isStatus,
  type LoopOutcome,
  noTokens,
  STATUSES,
  stoppedBeforeStart,
  totalCost,
  totalIterations,
} from '../src/core/outcome.js';

describe('statuses', () => {
  it('are the names the action documents, and nothing else is one', () => {
    expect(STATUSES).toContain('completed');
    expect(STATUSES).toContain('failed');
    for (const status of STATUSES) expect(isStatus(status), status).toBe(true);
    for (const other of ['', 'Completed', 'complete', 'done', ' failed', 'toString'])
      expect(isStatus(other), other).toBe(false);
  });
});

describe('a loop that ended before its first iteration', () => {
  it('has its status and reason, the reason as its cause, and nothing done, spent or saved', () => {
    const outcome = endedBeforeStart('cancelled', 'the job was cancelled', 7);
    expect(outcome).toEqual({
      status: 'cancelled',
      reason: 'the job was cancelled',
      cause: { kind: 'worded', status: 'cancelled', message: 'the job was cancelled' },
      iterations: 0,
      maxIterations: 7,
      records: [],
      lastGate: undefined,
      sessionId: '',
      costUsd: 0,
      costKnown: true,
      turns: 0,
      filesChanged: 0,
      transcriptFile: '',
      lastCheck: undefined,
      earlier: undefined,
      stateSaved: false,
      savedSessionFailed: false,
      resultText: '',
      wallTimeMs: 0,
      resetsAt: undefined,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      subscription: false,
    });
    expect(endedBeforeStart('failed', 'x').maxIterations).toBe(0);
  });

  it("stopped for a cause: its status is the cause's, its reason the words the front end gave", () => {
    const outcome = stoppedBeforeStart({ kind: 'cancelled_setup', what: 'claude' }, 'Cancelled during set-up.', 4);
    expect(outcome).toMatchObject({
      status: 'cancelled',
      reason: 'Cancelled during set-up.',
      cause: { kind: 'cancelled_setup', what: 'claude' },
      iterations: 0,
      maxIterations: 4,
    });
    expect(stoppedBeforeStart({ kind: 'worded', status: 'failed', message: 'm' }, 'r').maxIterations).toBe(0);
  });

  it('failed, when an input was bad', () => {
    expect(failedBeforeStart('max-iterations must be a number', 3)).toEqual(
      endedBeforeStart('failed', 'max-iterations must be a number', 3),
    );
    expect(failedBeforeStart('bad').status).toBe('failed');
    expect(failedBeforeStart('bad').maxIterations).toBe(0);
  });

  it('gets token counts of its own, which a change to one outcome leaves alone in another', () => {
    expect(noTokens()).toEqual({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0 });
    const a = failedBeforeStart('a');
    a.tokens.input = 5;
    expect(failedBeforeStart('b').tokens.input).toBe(0);
  });
});

describe('totals over every run of a continued loop', () => {
  const outcome = (extra: Partial<LoopOutcome>): LoopOutcome => ({ ...failedBeforeStart('x'), ...extra });
  const earlier = { prompt: 'p', runs: 2, iterations: 5, costUsd: 1.25, costKnown: true };

  it('are this run alone when there were no earlier runs', () => {
    expect(totalIterations(outcome({ iterations: 3 }))).toBe(3);
    expect(totalCost(outcome({ costUsd: 0.5, costKnown: true }))).toEqual({ usd: 0.5, known: true });
    expect(totalCost(outcome({ costUsd: 0.5, costKnown: false }))).toEqual({ usd: 0.5, known: false });
  });

  it('add the earlier runs, and are a lower bound when any cost is unknown', () => {
    expect(totalIterations(outcome({ iterations: 3, earlier }))).toBe(8);
    expect(totalCost(outcome({ costUsd: 0.5, costKnown: true, earlier }))).toEqual({ usd: 1.75, known: true });
    expect(totalCost(outcome({ costUsd: 0.5, costKnown: false, earlier }))).toEqual({ usd: 1.75, known: false });
    expect(totalCost(outcome({ costUsd: 0.5, costKnown: true, earlier: { ...earlier, costKnown: false } }))).toEqual({
      usd: 1.75,
      known: false,
    });
  });
});

describe('describeDenials', () => {
  it('lists the denied tools with their counts, most denied first, then by name', () => {
    expect(describeDenials({})).toBe('');
    expect(describeDenials({ Write: 1 })).toBe('Write (1)');
    expect(describeDenials({ Bash: 1, Write: 2 })).toBe('Write (2), Bash (1)');
    expect(describeDenials({ Write: 2, Bash: 1 })).toBe('Write (2), Bash (1)');
    expect(describeDenials({ WebFetch: 3, Edit: 3, Bash: 1, Agent: 3 })).toBe(
      'Agent (3), Edit (3), WebFetch (3), Bash (1)',
    );
  });
});

describe('formatCost', () => {
  it('shows dollars with four decimals', () => {
    expect(formatCost(0)).toBe('0.0000');
    expect(formatCost(1.23456)).toBe('1.2346');
    expect(formatCost(12)).toBe('12.0000');
  });
});
