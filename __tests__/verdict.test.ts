import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/core/check.js';
import type { IterationFailure } from '../src/core/failure.js';
import type { Gate } from '../src/core/gate.js';
import type { LoopState } from '../src/core/loop-state.js';
import type { IterationRecord } from '../src/core/outcome.js';
import { newRunState, type IterationRun, type RunState } from '../src/core/run-state.js';
import {
  next,
  stopBefore,
  wantsCheck,
  type CheckStage,
  type IterationResult,
  type Verdict,
  type VerdictSettings,
} from '../src/core/verdict.js';

const SETTINGS: VerdictSettings = {
  maxIterations: 10,
  noChangeThreshold: 3,
  sameErrorThreshold: 2,
  maxBudgetUsd: undefined,
  iterationTimeoutMs: 90_000,
  permissionMode: 'default',
  checkCommand: '',
  checkOn: 'ready',
  checkTimeoutMs: 600_000,
  timeLimitMs: 120_000,
};

const START = { head: 'h', tree: 't0' };
const AFTER = { head: 'h', tree: 't1' };
const CHECKED = { head: 'h', tree: 't2' };

const gate = (ready: boolean, reason?: string, blockers?: string[]): Gate => ({ ready, reason, blockers, extra: {} });

const record = (extra: Partial<IterationRecord> = {}): IterationRecord => ({
  number: 1,
  durationMs: 1000,
  turns: 2,
  toolCalls: 3,
  costUsd: 0.25,
  costKnown: true,
  changed: true,
  gate: undefined,
  retryNotes: [],
  subtype: 'success',
  error: undefined,
  deniedTools: {},
  check: undefined,
  ...extra,
});

const run = (extra: Partial<IterationRun> = {}, recordExtra: Partial<IterationRecord> = {}): IterationRun => ({
  record: record(recordExtra),
  sessionId: 'sess-1',
  resultText: 'done',
  tokens: { input: 1, output: 2, cacheRead: 3, cacheCreation: 4 },
  warnedOfUsage: false,
  warnedOfDroppedLines: false,
  failure: undefined,
  timedOut: false,
  outOfTime: undefined,
  ...extra,
});

const clean = { tree: AFTER, secrets: { found: [] } } as const;

const result = (extra: Partial<IterationResult> = {}): IterationResult => ({
  run: run(),
  cancelled: false,
  resumeRefused: false,
  look: clean,
  check: undefined,
  ...extra,
});

const checkResult = (passed: boolean, output = 'FAIL src/a.test.ts'): CheckResult => ({
  command: 'npm test',
  passed,
  exitCode: passed ? 0 : 1,
  timedOut: false,
  cancelled: false,
  spawnError: undefined,
  durationMs: 500,
  output,
});

const checkStage = (
  passed: boolean,
  extra: Partial<Extract<CheckStage, { result: CheckResult }>> = {},
): CheckStage => ({
  result: checkResult(passed),
  outOfTime: false,
  cancelled: false,
  look: { tree: CHECKED, secrets: undefined },
  ...extra,
});

const failure = (kind: IterationFailure['kind'], message: string, extra: Partial<IterationFailure> = {}) => ({
  kind,
  message,
  resetAt: undefined,
  ...extra,
});

const SAVED: LoopState = {
  version: 1,
  repository: 'o/r',
  workingDirectory: '.',
  prompt: 'Do it',
  sessionId: 'sess-0',
  status: 'running',
  reason: '',
  runs: 1,
  iterations: 4,
  costUsd: 1,
  costKnown: true,
  turns: 8,
  breaker: { runsWithoutChanges: 1, sameErrorCount: 0, lastError: undefined },
  lastGate: undefined,
  checkReport: undefined,
  savedAt: '2026-01-01T00:00:00.000Z',
};

/** A run that has looked at the work tree before iteration 1 (and done `before` iterations already). */
function state(extra: Partial<RunState> = {}, before = 0): RunState {
  const base = newRunState({ repository: 'o/r', workingDirectory: '.' }, extra.saved, 0);
  const records = Array.from({ length: before }, (_, i) => record({ number: i + 1 }));
  return { ...base, start: START, current: START, records, ...extra };
}

type Row = [
  name: string,
  state: RunState,
  result: IterationResult,
  settings: Partial<VerdictSettings>,
  verdict: Verdict,
];

const stop = (cause: Verdict['stop'], save = true): Verdict => ({ stop: cause!, save }) as Verdict;

const ROWS: Row[] = [
  // Going on.
  ['no gate', state(), result(), {}, { stop: undefined, note: 'no COMPLETION_GATE, continuing' }],
  [
    'a gate that is not ready',
    state(),
    result({ run: run({}, { gate: gate(false, 'two tests fail') }) }),
    {},
    { stop: undefined, note: 'not ready: two tests fail' },
  ],
  [
    'a gate that is not ready and says nothing',
    state(),
    result({ run: run({}, { gate: gate(false) }) }),
    {},
    { stop: undefined, note: 'not ready: no reason given' },
  ],
  [
    'ready, but the check failed',
    state(),
    result({
      run: run({}, { gate: gate(true, 'done'), check: { passed: false, end: 'exit code 1', durationMs: 500 } }),
      check: checkStage(false),
    }),
    { checkCommand: 'npm test' },
    { stop: undefined, note: 'Claude reported ready, but the check failed (exit code 1): continuing' },
  ],
  // Completed.
  [
    'ready',
    state(),
    result({ run: run({}, { gate: gate(true, 'All green') }) }),
    {},
    stop({ kind: 'completed', gateReason: 'All green' }),
  ],
  [
    'ready without a reason',
    state(),
    result({ run: run({}, { gate: gate(true) }) }),
    {},
    stop({ kind: 'completed', gateReason: '' }),
  ],
  [
    'ready, and the check passed',
    state(),
    result({
      run: run({}, { gate: gate(true, 'ok'), check: { passed: true, end: 'exit code 0', durationMs: 5 } }),
      check: checkStage(true),
    }),
    { checkCommand: 'npm test' },
    stop({ kind: 'completed', gateReason: 'ok' }),
  ],
  [
    'ready, also at the budget',
    state(),
    result({
      run: run({ failure: failure('budget', 'The CLI stopped at its own budget: $1') }, { gate: gate(true, 'ok') }),
    }),
    {},
    {
      stop: { kind: 'completed', gateReason: 'ok' },
      save: true,
      warning: 'Iteration 1 completed the task and also reached the budget.',
    },
  ],
  // Cancelled.
  ['cancelled', state(), result({ cancelled: true, look: undefined }), {}, stop({ kind: 'cancelled', iteration: 1 })],
  [
    'cancelled during the check',
    state({}, 1),
    result({
      run: run({}, { number: 2, gate: gate(true) }),
      check: checkStage(true, { cancelled: true, look: undefined }),
    }),
    { checkCommand: 'npm test' },
    stop({ kind: 'cancelled', iteration: 2 }),
  ],
  // The work tree.
  [
    'the work tree could not be looked at',
    state(),
    result({ look: { error: 'fatal: bad object' } }),
    {},
    stop({ kind: 'work_tree', error: 'fatal: bad object', when: { stage: 'after', iteration: 1 } }),
  ],
  [
    'the work tree could not be looked at after the check',
    state(),
    result({ run: run({}, { gate: gate(true) }), check: checkStage(true, { look: { error: 'gone' } }) }),
    { checkCommand: 'npm test' },
    stop({ kind: 'work_tree', error: 'gone', when: { stage: 'after_check', iteration: 1 } }),
  ],
  // Secrets: nothing of such a run is saved.
  [
    'a secret in the work',
    state(),
    result({ run: run({}, { gate: gate(true) }), look: { tree: AFTER, secrets: { found: ['notes.txt'] } } }),
    {},
    stop({ kind: 'secret_leak', places: ['notes.txt'], when: { stage: 'after', iteration: 1 } }, false),
  ],
  [
    'a search for secrets that failed',
    state(),
    result({ look: { tree: AFTER, secrets: { error: 'git died' } } }),
    {},
    stop({ kind: 'secret_search_failed', error: 'git died', when: { stage: 'after', iteration: 1 } }, false),
  ],
  [
    'a secret written by the check',
    state(),
    result({
      run: run({}, { gate: gate(true) }),
      check: checkStage(true, { look: { tree: CHECKED, secrets: { found: ['cov.json'] } } }),
    }),
    { checkCommand: 'npm test' },
    stop({ kind: 'secret_leak', places: ['cov.json'], when: { stage: 'after_check', iteration: 1 } }, false),
  ],
  // Time.
  [
    'the time limit during the iteration',
    state(),
    result({ run: run({ timedOut: true, outOfTime: { at: 'during_iteration', iteration: 1 } }, { gate: gate(true) }) }),
    {},
    stop({ kind: 'time_limit', minutes: 2, when: { at: 'during_iteration', iteration: 1 } }),
  ],
  [
    'the time limit before a retry',
    state(),
    result({
      run: run({
        failure: failure('transient', 'API Error: 529'),
        outOfTime: { at: 'before_retry', iteration: 1, error: 'API Error: 529' },
      }),
    }),
    { timeLimitMs: undefined },
    stop({ kind: 'time_limit', minutes: 0, when: { at: 'before_retry', iteration: 1, error: 'API Error: 529' } }),
  ],
  [
    'the time limit during the check',
    state(),
    result({ run: run({}, { gate: gate(true) }), check: checkStage(false, { outOfTime: true, look: undefined }) }),
    { checkCommand: 'npm test' },
    stop({ kind: 'time_limit', minutes: 2, when: { at: 'during_check', iteration: 1 } }),
  ],
  [
    'the iteration timeout',
    state(),
    result({ run: run({ timedOut: true }, { gate: gate(true) }) }),
    {},
    stop({ kind: 'iteration_timeout', iteration: 1, minutes: 1.5 }),
  ],
  // The budget.
  [
    'the CLI stopped at what was left of the budget',
    state(),
    result({ run: run({ failure: failure('budget', 'The CLI stopped at its own budget: $0.3') }) }),
    { maxBudgetUsd: 0.3 },
    stop({
      kind: 'budget',
      spentUsd: 0.25,
      costKnown: true,
      limitUsd: 0.3,
      cliStop: 'The CLI stopped at its own budget: $0.3',
      denials: undefined,
    }),
  ],
  [
    'the CLI stopped at a budget of its own',
    state(),
    result({ run: run({ failure: failure('budget', 'The CLI stopped at its own budget: $1') }) }),
    {},
    stop({ kind: 'cli_budget', message: 'The CLI stopped at its own budget: $1' }),
  ],
  [
    'a failure once the budget is spent',
    state(),
    result({
      run: run({ failure: failure('transient', 'API Error: 529') }, { costKnown: false, deniedTools: { Bash: 1 } }),
    }),
    { maxBudgetUsd: 0.25 },
    stop({
      kind: 'budget',
      spentUsd: 0.25,
      costKnown: false,
      limitUsd: 0.25,
      cliStop: undefined,
      denials: { permissionMode: 'default', deniedTools: { Bash: 1 } },
    }),
  ],
  [
    'the budget reached by an iteration that goes on',
    state(),
    result({ run: run({}, { gate: gate(false, 'more') }) }),
    { maxBudgetUsd: 0.2 },
    stop({ kind: 'budget', spentUsd: 0.25, costKnown: true, limitUsd: 0.2, cliStop: undefined, denials: undefined }),
  ],
  // Failures.
  [
    'a usage limit',
    state(),
    result({ run: run({ failure: failure('usage_limit', 'limit reached', { resetAt: 5_000 }) }) }),
    {},
    stop({ kind: 'usage_limit', message: 'limit reached', resetsAt: 5_000 }),
  ],
  [
    'a rejected credential',
    state(),
    result({
      run: run({
        failure: failure('auth', 'Invalid API key', {
          auth: { credential: 'api-key', provider: undefined, status: 401 },
        }),
      }),
    }),
    {},
    stop({ kind: 'auth', credential: 'api-key', provider: undefined, status: 401, cliSaid: 'Invalid API key' }),
  ],
  [
    'an iteration that failed',
    state(),
    result({ run: run({ failure: failure('other', 'claude exited with code 1') }) }),
    {},
    stop({ kind: 'iteration_failed', iteration: 1, message: 'claude exited with code 1' }),
  ],
  [
    'a check that could not run',
    state(),
    result({ run: run({}, { gate: gate(true) }), check: { error: 'spawn bash ENOENT' } }),
    { checkCommand: 'npm test' },
    stop({ kind: 'check_error', iteration: 1, error: 'spawn bash ENOENT' }),
  ],
  // The breaker.
  [
    'the iteration limit',
    state({}, 1),
    result({ run: run({}, { number: 2 }) }),
    { maxIterations: 2 },
    stop({
      kind: 'breaker',
      trip: 'max_iterations',
      tripReason: 'Maximum iterations (2) reached',
      denials: undefined,
      checkEnd: undefined,
    }),
  ],
  [
    'the iteration limit, after Claude said ready and the check failed',
    state({}, 1),
    result({
      run: run({}, { number: 2, gate: gate(true), check: { passed: false, end: 'exit code 1', durationMs: 5 } }),
      check: checkStage(false),
    }),
    { maxIterations: 2, checkCommand: 'npm test' },
    stop({
      kind: 'breaker',
      trip: 'max_iterations',
      tripReason: 'Maximum iterations (2) reached',
      denials: undefined,
      checkEnd: 'exit code 1',
    }),
  ],
  [
    'no changes, with denied tool calls',
    state({ breaker: { runsWithoutChanges: 2, sameErrorCount: 0, lastError: undefined } }),
    result({ run: run({}, { changed: false, deniedTools: { Write: 1 } }) }),
    {},
    stop({
      kind: 'breaker',
      trip: 'no_changes',
      tripReason: 'No file changes for 3 consecutive runs',
      denials: { permissionMode: 'default', deniedTools: { Write: 1 } },
      checkEnd: undefined,
    }),
  ],
  [
    'the same blocker again',
    state({ breaker: { runsWithoutChanges: 0, sameErrorCount: 1, lastError: 'CI red' } }),
    result({ run: run({}, { gate: gate(false, 'x', ['CI red']) }) }),
    {},
    stop({
      kind: 'breaker',
      trip: 'same_error',
      tripReason: 'Same error repeated 2 times: CI red',
      denials: undefined,
      checkEnd: undefined,
    }),
  ],
  [
    'the same failed check again, whatever the blockers',
    state({
      breaker: {
        runsWithoutChanges: 0,
        sameErrorCount: 1,
        lastError: 'The check failed (exit code 1): FAIL src/a.test.ts',
      },
    }),
    result({
      run: run({}, { gate: gate(false, 'x', ['other']) }),
      check: checkStage(false),
    }),
    { checkCommand: 'npm test', checkOn: 'every-iteration' },
    stop({
      kind: 'breaker',
      trip: 'same_error',
      tripReason: 'Same error repeated 2 times: The check failed (exit code 1): FAIL src/a.test.ts',
      denials: undefined,
      checkEnd: undefined,
    }),
  ],
];

describe('next: the verdict on an iteration', () => {
  it.each(ROWS)('%s', (_name, before, iteration, settings, verdict) => {
    expect(next(before, iteration, { ...SETTINGS, ...settings }).verdict).toEqual(verdict);
  });

  it('leaves the state it was given as it was', () => {
    const before = state();
    const copy = structuredClone(before);
    next(before, result({ run: run({}, { gate: gate(true) }), check: checkStage(false) }), SETTINGS);
    expect(before).toEqual(copy);
  });
});

describe('next: the state an iteration leaves', () => {
  it('adds the iteration to the records and the totals', () => {
    const before = {
      ...state(),
      deniedTools: { Write: 1 },
      tokens: { input: 10, output: 10, cacheRead: 10, cacheCreation: 10 },
    };
    const { state: after } = next(
      before,
      result({
        run: run({}, { gate: gate(false, 'x', ['CI red']), deniedTools: { Write: 2, Bash: 1 }, costKnown: false }),
      }),
      SETTINGS,
    );
    expect(after.records).toHaveLength(1);
    expect(after.totals).toEqual({ iterations: 1, costUsd: 0.25, costKnown: false, turns: 2 });
    expect(after.deniedTools).toEqual({ Write: 3, Bash: 1 });
    expect(after.tokens).toEqual({ input: 11, output: 12, cacheRead: 13, cacheCreation: 14 });
    expect(after).toMatchObject({ sessionId: 'sess-1', resultText: 'done', lastGate: gate(false, 'x', ['CI red']) });
    expect(after).toMatchObject({ current: AFTER, searched: AFTER, treeUnlooked: false });
    expect(after.breaker).toEqual({ runsWithoutChanges: 0, sameErrorCount: 1, lastError: 'CI red' });
  });

  it('keeps the last gate when the iteration printed none', () => {
    const before = { ...state(), lastGate: gate(false, 'earlier') };
    expect(next(before, result(), SETTINGS).state.lastGate).toEqual(gate(false, 'earlier'));
  });

  it('does not call a tree searched when nothing was searched', () => {
    const { state: after } = next(state(), result({ look: { tree: AFTER, secrets: undefined } }), SETTINGS);
    expect(after.searched).toBeUndefined();
    expect(after.current).toEqual(AFTER);
  });

  it('leaves the tree unlooked after a cancellation', () => {
    const { state: after } = next(state(), result({ cancelled: true, look: undefined }), SETTINGS);
    expect(after).toMatchObject({ current: START, treeUnlooked: true });
  });

  it('keeps a failed check for the next prompt and the reports, and the tree it left', () => {
    const settings = { ...SETTINGS, checkCommand: 'npm test' };
    const checked = { passed: false, end: 'exit code 1', durationMs: 500 };
    const { state: after } = next(
      state(),
      result({ run: run({}, { gate: gate(true), check: checked }), check: checkStage(false) }),
      settings,
    );
    expect(after.lastCheck).toEqual({ ...checked, command: 'npm test', iteration: 1, output: 'FAIL src/a.test.ts' });
    expect(after.checkReport).toContain('Command: npm test');
    expect(after).toMatchObject({ current: CHECKED, checkedTree: CHECKED });
    const passed = next(
      { ...after, records: [] },
      result({ run: run({}, { gate: gate(true), check: { ...checked, passed: true } }), check: checkStage(true) }),
      settings,
    ).state;
    expect(passed.checkReport).toBeUndefined();
  });

  it('keeps no check that a cancellation or the time limit stopped', () => {
    const stopped = checkStage(false, { outOfTime: true, look: undefined });
    const { state: after } = next(state(), result({ run: run({}, { gate: gate(true) }), check: stopped }), SETTINGS);
    expect(after.lastCheck).toBeUndefined();
    expect(after.checkedTree).toBeUndefined();
  });

  it('keeps the check, not the tree, when the tree could not be looked at after it', () => {
    const broken = checkStage(false, { look: { error: 'gone' } });
    const { state: after } = next(state(), result({ run: run({}, { gate: gate(true) }), check: broken }), SETTINGS);
    expect(after.lastCheck).toBeDefined();
    expect(after).toMatchObject({ current: AFTER, checkedTree: undefined });
  });

  it('keeps the reset of a usage limit', () => {
    const limited = run({ failure: failure('usage_limit', 'limit', { resetAt: 9_000 }) });
    expect(next(state(), result({ run: limited }), SETTINGS).state.resetsAt).toBe(9_000);
  });

  it('marks a saved session that failed in the first iteration for a reason every resume would meet', () => {
    const failed = run({ failure: failure('other', 'No conversation found') });
    const resumed = state({ saved: SAVED });
    expect(next(resumed, result({ run: failed, resumeRefused: true }), SETTINGS).state.savedSessionFailed).toBe(true);
    expect(next(resumed, result({ run: failed }), SETTINGS).state.savedSessionFailed).toBe(false);
    expect(next(state(), result({ run: failed, resumeRefused: true }), SETTINGS).state.savedSessionFailed).toBe(false);
    const second = run({ failure: failure('other', 'No conversation found') }, { number: 2 });
    const later = state({ saved: SAVED }, 1);
    expect(next(later, result({ run: second, resumeRefused: true }), SETTINGS).state.savedSessionFailed).toBe(false);
  });

  it('counts the breaker from the counts a saved loop carried over', () => {
    const resumed = state({ saved: SAVED, breaker: SAVED.breaker });
    const { state: after } = next(resumed, result({ run: run({}, { changed: false }) }), SETTINGS);
    expect(after.breaker).toEqual({ runsWithoutChanges: 2, sameErrorCount: 0, lastError: undefined });
  });
});

describe('stopBefore', () => {
  it.each([
    ['goes on', false, 1, undefined],
    ['a cancellation', true, 1, { kind: 'cancelled', iteration: 1 }],
    ['a cancellation takes the time limit’s place', true, 0, { kind: 'cancelled', iteration: 1 }],
    ['the time limit', false, 0, { kind: 'time_limit', minutes: 2, when: { at: 'before_iteration', iteration: 3 } }],
    [
      'past the time limit',
      false,
      -5,
      { kind: 'time_limit', minutes: 2, when: { at: 'before_iteration', iteration: 3 } },
    ],
  ])('%s', (_name, cancelled, timeLeft, cause) => {
    expect(stopBefore(state(), 3, cancelled, timeLeft, SETTINGS)).toEqual(cause);
  });

  it('names the last iteration that ran when the job is cancelled between iterations', () => {
    expect(stopBefore(state({}, 2), 3, true, 1, SETTINGS)).toEqual({ kind: 'cancelled', iteration: 2 });
  });

  it('says 0 minutes without a time limit', () => {
    expect(stopBefore(state(), 1, false, 0, { timeLimitMs: undefined })).toMatchObject({ minutes: 0 });
  });
});

describe('wantsCheck', () => {
  const check = { checkCommand: 'npm test', checkOn: 'ready' } as const;
  it.each([
    ['ready', run({}, { gate: gate(true) }), check, true],
    ['not ready', run({}, { gate: gate(false) }), check, false],
    ['no gate', run(), check, false],
    ['not ready, but every iteration', run({}, { gate: gate(false) }), { ...check, checkOn: 'every-iteration' }, true],
    ['no check command', run({}, { gate: gate(true) }), { ...check, checkCommand: '' }, false],
    ['ready at the budget', run({ failure: failure('budget', 'b') }, { gate: gate(true) }), check, true],
    ['ready, but failed', run({ failure: failure('other', 'x') }, { gate: gate(true) }), check, false],
    ['timed out', run({ timedOut: true }, { gate: gate(true) }), check, false],
    [
      'out of time before a retry',
      run({ outOfTime: { at: 'before_retry', iteration: 1, error: 'e' } }, { gate: gate(true) }),
      check,
      false,
    ],
  ] as const)('%s', (_name, iteration, settings, wanted) => {
    expect(wantsCheck(iteration, settings)).toBe(wanted);
  });
});
