import { describe, expect, it } from 'vitest';
import type { LoopState } from '../src/core/loop-state.js';
import type { IterationRecord } from '../src/core/outcome.js';
import { newRunState, outcomeOf, stateToSave, withIteration, type RunState } from '../src/core/run-state.js';
import type { StopCause } from '../src/core/stop-cause.js';

const IDENTITY = { repository: 'o/r', workingDirectory: 'app' };
const SAVED: LoopState = {
  version: 1,
  repository: 'o/r',
  workingDirectory: 'app',
  prompt: 'The first task',
  sessionId: 'sess-0',
  status: 'usage_limited',
  reason: 'limit',
  runs: 2,
  iterations: 4,
  costUsd: 1.5,
  costKnown: false,
  turns: 8,
  breaker: { runsWithoutChanges: 1, sameErrorCount: 2, lastError: 'CI red' },
  lastGate: { ready: false, reason: 'more', extra: {} },
  checkReport: 'The check failed',
  savedAt: '2026-01-01T00:00:00.000Z',
  resetsAt: '2026-01-01T05:00:00.000Z',
};

const record: IterationRecord = {
  number: 1,
  durationMs: 1000,
  turns: 3,
  toolCalls: 1,
  costUsd: 0.5,
  costKnown: true,
  changed: true,
  gate: undefined,
  retryNotes: [],
  subtype: 'success',
  error: undefined,
  deniedTools: {},
  check: undefined,
};

const withOne = (state: RunState): RunState =>
  withIteration(state, {
    record,
    sessionId: 'sess-1',
    resultText: 'text',
    tokens: { input: 1, output: 1, cacheRead: 1, cacheCreation: 1 },
    warnedOfUsage: true,
    warnedOfDroppedLines: true,
    failure: undefined,
    timedOut: false,
    outOfTime: undefined,
  });

const stopped: StopCause = { kind: 'iteration_failed', iteration: 1, message: 'x' };
const limited: StopCause = { kind: 'usage_limit', message: 'limit', resetsAt: 5_000 };
const facts = { transcriptFile: '/tmp/t', filesChanged: 2, now: 7_000 };

describe('newRunState', () => {
  it('starts a new loop with nothing done', () => {
    expect(newRunState(IDENTITY, undefined, 1_000)).toEqual({
      identity: IDENTITY,
      saved: undefined,
      records: [],
      totals: { iterations: 0, costUsd: 0, costKnown: true, turns: 0 },
      deniedTools: {},
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      breaker: { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
      sessionId: undefined,
      lastGate: undefined,
      resultText: '',
      checkReport: undefined,
      lastCheck: undefined,
      start: undefined,
      current: undefined,
      searched: undefined,
      checkedTree: undefined,
      treeUnlooked: false,
      savedSessionFailed: false,
      resetsAt: undefined,
      startedAt: 1_000,
      warnedOfUsage: false,
      warnedOfDroppedLines: false,
    });
  });

  it('continues a saved loop: its session, breaker counts, last gate and check report, not its totals', () => {
    expect(newRunState(IDENTITY, SAVED, 0)).toMatchObject({
      saved: SAVED,
      totals: { iterations: 0, costUsd: 0, costKnown: true, turns: 0 },
      sessionId: 'sess-0',
      breaker: SAVED.breaker,
      lastGate: SAVED.lastGate,
      checkReport: 'The check failed',
      resetsAt: undefined,
    });
  });
});

describe('stateToSave', () => {
  it('saves nothing before there is a session', () => {
    expect(stateToSave(newRunState(IDENTITY, undefined, 0), 'Do it', 'running', '', 0)).toBeUndefined();
  });

  it('adds this run to the saved loop, and keeps the task the loop started with', () => {
    const state = withOne(newRunState(IDENTITY, SAVED, 0));
    expect(stateToSave(state, 'A new prompt', 'no_progress', 'why', Date.UTC(2026, 1, 2))).toEqual({
      version: 1,
      repository: 'o/r',
      workingDirectory: 'app',
      prompt: 'The first task',
      sessionId: 'sess-1',
      status: 'no_progress',
      reason: 'why',
      runs: 3,
      iterations: 5,
      costUsd: 2,
      costKnown: false,
      turns: 11,
      breaker: SAVED.breaker,
      lastGate: SAVED.lastGate,
      checkReport: 'The check failed',
      savedAt: '2026-02-02T00:00:00.000Z',
    });
  });

  it('saves the reset of a usage limit with that status only', () => {
    const state = { ...withOne(newRunState(IDENTITY, undefined, 0)), resetsAt: Date.UTC(2026, 0, 1, 5) };
    expect(stateToSave(state, 'Do it', 'usage_limited', 'limit', 0)).toMatchObject({
      prompt: 'Do it',
      runs: 1,
      resetsAt: '2026-01-01T05:00:00.000Z',
    });
    expect(stateToSave(state, 'Do it', 'failed', 'x', 0)).not.toHaveProperty('resetsAt');
    const unknown = { ...state, resetsAt: undefined };
    expect(stateToSave(unknown, 'Do it', 'usage_limited', 'limit', 0)).not.toHaveProperty('resetsAt');
  });
});

describe('outcomeOf', () => {
  it('reports this run, with what the host knows', () => {
    const state = withOne(newRunState(IDENTITY, SAVED, 1_000));
    expect(outcomeOf(state, { maxIterations: 10 }, stopped, 'x', facts)).toMatchObject({
      status: 'failed',
      reason: 'x',
      cause: stopped,
      iterations: 1,
      costUsd: 0.5,
      costKnown: true,
      turns: 3,
      maxIterations: 10,
      records: [record],
      sessionId: 'sess-1',
      filesChanged: 2,
      transcriptFile: '/tmp/t',
      earlier: { prompt: 'The first task', runs: 2, iterations: 4, costUsd: 1.5, costKnown: false },
      stateSaved: false,
      savedSessionFailed: false,
      resultText: 'text',
      wallTimeMs: 6_000,
      resetsAt: undefined,
      subscription: false,
    });
  });

  it('gives the reset of a usage limit with that status only', () => {
    const state = { ...newRunState(IDENTITY, undefined, 0), resetsAt: 5_000 };
    expect(outcomeOf(state, { maxIterations: 1 }, limited, 'l', facts)).toMatchObject({
      status: 'usage_limited',
      resetsAt: 5_000,
      sessionId: '',
      earlier: undefined,
    });
    expect(outcomeOf(state, { maxIterations: 1 }, stopped, 'x', facts).resetsAt).toBeUndefined();
  });

  it('calls the last check stale when the tree changed after it, or was not looked at since', () => {
    const tree = { head: 'h', tree: 't1' };
    const lastCheck = { passed: true, end: 'exit code 0', durationMs: 1, command: 'c', iteration: 1, output: '' };
    const checked = { ...newRunState(IDENTITY, undefined, 0), lastCheck, checkedTree: tree, current: tree };
    const stale = (state: RunState) => outcomeOf(state, { maxIterations: 1 }, stopped, 'x', facts).lastCheck?.stale;
    expect(stale(checked)).toBe(false);
    expect(stale({ ...checked, current: { head: 'h', tree: 't2' } })).toBe(true);
    expect(stale({ ...checked, treeUnlooked: true })).toBe(true);
    expect(stale({ ...checked, checkedTree: undefined })).toBe(true);
  });
});
