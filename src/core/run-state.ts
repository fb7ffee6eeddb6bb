/**
 * Where a run of the loop is, as one value: what the reports need (records, totals, the last gate and check) and what
 * the next iteration starts from. `verdict.ts` moves it on; here it starts, takes in an iteration, and ends as the
 * state to save and the outcome to report.
 */
import type { BreakerCounters } from './breaker.js';
import { isoTime, type IterationFailure } from './failure.js';
import { sameFingerprint, type WorkTreeFingerprint } from './fingerprint.js';
import type { Gate } from './gate.js';
import type { TokenUsage } from './iteration-run.js';
import { boundedForSaving, earlierRuns, LOOP_STATE_VERSION, type LoopIdentity, type LoopState } from './loop-state.js';
import {
  addTotals,
  NO_TOTALS,
  noTokens,
  type IterationRecord,
  type LastCheck,
  type LoopOutcome,
  type Totals,
} from './outcome.js';
import type { LoopSettings } from './loop.js';
import { statusOf, type StopCause, type TimeLimitWhen } from './stop-cause.js';

export interface RunState {
  /** This repository and working directory, recorded in the saved state. */
  readonly identity: LoopIdentity;
  /** The saved loop this run continues; undefined: a new loop. */
  readonly saved: LoopState | undefined;
  /** This run's iterations; `totals` sums them. */
  readonly records: readonly IterationRecord[];
  readonly totals: Totals;
  readonly deniedTools: Readonly<Record<string, number>>;
  readonly tokens: Readonly<TokenUsage>;
  /** The breaker's counts carried over; it counts this run's iterations from `records`. */
  readonly breaker: BreakerCounters;
  readonly sessionId: string | undefined;
  readonly lastGate: Gate | undefined;
  /** Claude's final text so far: the last result line's. */
  readonly resultText: string;
  /** What the last failed check said, for the next iteration's prompt. */
  readonly checkReport: string | undefined;
  readonly lastCheck: Omit<LastCheck, 'stale'> | undefined;
  readonly start: WorkTreeFingerprint | undefined;
  readonly current: WorkTreeFingerprint | undefined;
  /** The latest fingerprint whose changes were searched for secrets and held none; undefined: the start. */
  readonly searched: WorkTreeFingerprint | undefined;
  /** The work tree as the last check left it: a later change makes that check stale. */
  readonly checkedTree: WorkTreeFingerprint | undefined;
  /** An iteration ran and the work tree has not been looked at since: it may have changed. */
  readonly treeUnlooked: boolean;
  /** See `LoopOutcome.savedSessionFailed`. */
  readonly savedSessionFailed: boolean;
  /** When the usage limit that stopped the loop resets (epoch ms). */
  readonly resetsAt: number | undefined;
  readonly startedAt: number;
  /** A usage limit 80% used is said once per run. */
  readonly warnedOfUsage: boolean;
  /** Output lines over the line limit are said once per run. */
  readonly warnedOfDroppedLines: boolean;
}

export function newRunState(identity: LoopIdentity, saved: LoopState | undefined, startedAt: number): RunState {
  return {
    identity,
    saved,
    records: [],
    totals: NO_TOTALS,
    deniedTools: {},
    tokens: noTokens(),
    breaker: saved?.breaker ?? { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
    sessionId: saved?.sessionId,
    lastGate: saved?.lastGate,
    resultText: '',
    checkReport: saved?.checkReport,
    lastCheck: undefined,
    start: undefined,
    current: undefined,
    searched: undefined,
    checkedTree: undefined,
    treeUnlooked: false,
    savedSessionFailed: false,
    resetsAt: undefined,
    startedAt,
    warnedOfUsage: false,
    warnedOfDroppedLines: false,
  };
}

/** What the runs of the CLI in one iteration left: its record, and what they said of the session and the limits. */
export interface IterationRun {
  record: IterationRecord;
  sessionId: string | undefined;
  resultText: string;
  /** This iteration's tokens. */
  tokens: TokenUsage;
  warnedOfUsage: boolean;
  warnedOfDroppedLines: boolean;
  failure: IterationFailure | undefined;
  /** The run was stopped at the iteration timeout. */
  timedOut: boolean;
  /** When this run's time limit stopped the iteration; undefined: it did not. */
  outOfTime: TimeLimitWhen | undefined;
}

/**
 * An iteration joins the run: its cost, turns, denials, tokens and gate count from now on, and the work tree may have
 * changed until it is looked at.
 */
export function withIteration(state: RunState, run: IterationRun): RunState {
  const { record } = run;
  const deniedTools = { ...state.deniedTools };
  for (const [tool, count] of Object.entries(record.deniedTools)) deniedTools[tool] = (deniedTools[tool] ?? 0) + count;
  return {
    ...state,
    records: [...state.records, record],
    totals: addTotals(state.totals, { iterations: 1, ...record }),
    deniedTools,
    tokens: addTokens(state.tokens, run.tokens),
    lastGate: record.gate ?? state.lastGate,
    sessionId: run.sessionId,
    resultText: run.resultText,
    warnedOfUsage: run.warnedOfUsage,
    warnedOfDroppedLines: run.warnedOfDroppedLines,
    treeUnlooked: true,
  };
}

export function addTokens(a: Readonly<TokenUsage>, b: Readonly<TokenUsage>): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheCreation: a.cacheCreation + b.cacheCreation,
  };
}

/** The state a later run continues from; undefined before there is a session to resume. */
export function stateToSave(
  state: RunState,
  prompt: string,
  status: LoopState['status'],
  reason: string,
  now: number,
): LoopState | undefined {
  if (state.sessionId === undefined) return undefined;
  const { saved } = state;
  return boundedForSaving({
    version: LOOP_STATE_VERSION,
    repository: state.identity.repository,
    workingDirectory: state.identity.workingDirectory,
    prompt: saved?.prompt ?? prompt,
    sessionId: state.sessionId,
    status,
    reason,
    runs: (saved?.runs ?? 0) + 1,
    ...addTotals(saved ?? NO_TOTALS, state.totals),
    breaker: state.breaker,
    lastGate: state.lastGate,
    checkReport: state.checkReport,
    savedAt: isoTime(now),
    ...(status === 'usage_limited' && state.resetsAt !== undefined ? { resetsAt: isoTime(state.resetsAt) } : {}),
  });
}

/**
 * The last check no longer describes the work tree: an iteration after it changed files, or ended before the tree was
 * looked at again (a cancellation, a broken look), so that a change cannot be ruled out.
 */
function lastCheckIsStale(state: RunState): boolean {
  const { checkedTree, current } = state;
  return state.treeUnlooked || checkedTree === undefined || !sameFingerprint(checkedTree, current!);
}

/** What the host fills in: the transcript, the files changed, how long it took. */
export interface OutcomeFacts {
  transcriptFile: string;
  filesChanged: number | undefined;
  now: number;
}

export function outcomeOf(
  state: RunState,
  settings: Pick<LoopSettings, 'maxIterations'>,
  cause: StopCause,
  reason: string,
  facts: OutcomeFacts,
): LoopOutcome {
  const status = statusOf(cause);
  return {
    status,
    reason,
    cause,
    ...state.totals,
    maxIterations: settings.maxIterations,
    records: [...state.records],
    lastGate: state.lastGate,
    sessionId: state.sessionId ?? '',
    filesChanged: facts.filesChanged,
    transcriptFile: facts.transcriptFile,
    lastCheck: state.lastCheck && { ...state.lastCheck, stale: lastCheckIsStale(state) },
    earlier: state.saved ? earlierRuns(state.saved) : undefined,
    // The host knows whether the saves succeeded.
    stateSaved: false,
    savedSessionFailed: state.savedSessionFailed,
    resultText: state.resultText,
    wallTimeMs: facts.now - state.startedAt,
    resetsAt: status === 'usage_limited' ? state.resetsAt : undefined,
    tokens: { ...state.tokens },
    // The host knows which credential the CLI ran with.
    subscription: false,
  };
}
