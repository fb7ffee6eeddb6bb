/**
 * The loop's rules and nothing else. Everything with side effects (running the CLI, looking at the work tree,
 * waiting, logging) comes in as `LoopDeps`, so tests drive the rules with scripted fakes.
 */
import { CircuitBreaker, type TripCause } from './breaker.js';
import type { ProcessOutcome, TokenUsage } from '../core/iteration-run.js';
import { checkFailureReport, checkFailureSignature, describeCheckEnd, type CheckResult } from './check.js';
import { failsEveryResume, isoTime, iterationFailure, retryDelayMs, type IterationFailure } from './failure.js';
import type { Gate } from './gate.js';
import type { LoopConfig } from '../core/settings.js';
import {
  boundedForSaving,
  earlierRuns,
  LOOP_STATE_VERSION,
  resumePrompt,
  type LoopIdentity,
  type LoopState,
} from './loop-state.js';
import {
  describeDenials,
  noTokens,
  type IterationRecord,
  type LastCheck,
  type LoopOutcome,
  type LoopStatus,
} from './outcome.js';
import { sameFingerprint, type WorkTreeFingerprint } from './fingerprint.js';
import { shorten } from '../text/text.js';

export interface IterationRequest {
  /** 1-based iteration number. */
  number: number;
  /** 1 for the first run of the iteration, 2.. for retries after transient API errors. */
  attempt: number;
  prompt: string;
  resumeSessionId: string | undefined;
  continueLastSession: boolean;
  /** What is left of the iteration timeout: retries and their waits count against it too. */
  timeoutMs: number;
  /** What is left of `max-budget-usd` for this run of the CLI (its own `--max-budget-usd`), if there is a budget. */
  maxBudgetUsd: number | undefined;
}

export interface LoopLog {
  startIteration(number: number, maxIterations: number): void;
  endIteration(record: IterationRecord, verdict: string): void;
  warning(message: string): void;
}

export interface LoopDeps {
  runIteration(request: IterationRequest): Promise<ProcessOutcome>;
  fingerprint(): Promise<WorkTreeFingerprint>;
  countChangedFiles(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<number>;
  /**
   * Where the action's secrets are in what changed from `from` to `to` (files of the work tree, commits added): paths
   * and commit ids, never a secret. Empty when there is none.
   */
  findSecrets(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<string[]>;
  /** Resolves early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  log: LoopLog;
  /** Read when the loop ends: '' if the transcript could not be written. */
  transcriptFile(): string;
  /** Runs the check command after iteration `number` (only called when `checkCommand` is set). */
  runCheck(number: number, timeoutMs: number): Promise<CheckResult>;
  /** Milliseconds since the epoch: the time limit is a point in time. */
  now(): number;
  /**
   * Keeps the loop's state so that a later run can continue it: after every iteration and at the end. Only called
   * once there is a session to continue. Must not throw: a state that could not be kept is the caller's to report.
   */
  saveState(state: LoopState): Promise<void>;
}

/** Where a run of the loop starts from, and when it must stop. */
export interface LoopStart {
  /** This repository and working directory, recorded in the state. */
  identity: LoopIdentity;
  /** A saved loop to continue (its session, breaker counts and totals); undefined: a new loop. */
  saved?: LoopState;
  /** Milliseconds since the epoch at which this run stops (`time-limit-minutes`); undefined: no time limit. */
  deadline?: number;
}

export type LoopSettings = Pick<
  LoopConfig,
  | 'prompt'
  | 'continuationPrompt'
  | 'maxIterations'
  | 'noChangeThreshold'
  | 'sameErrorThreshold'
  | 'maxBudgetUsd'
  | 'iterationTimeoutMs'
  | 'apiRetries'
  | 'anthropicApiKey'
  | 'claudeCodeOauthToken'
  | 'permissionMode'
  | 'checkCommand'
  | 'checkOn'
  | 'checkTimeoutMs'
  | 'timeLimitMs'
> &
  Partial<Pick<LoopConfig, 'provider'>>;

const STATUS_OF_TRIP: Record<TripCause, LoopStatus> = {
  max_iterations: 'iteration_limit_reached',
  no_changes: 'no_progress',
  same_error: 'repeated_error',
};

/** The work tree could not be looked at: its message says so, and becomes the reason as it is. */
class WorkTreeError extends Error {}

/** Waited past a usage limit's reset: the CLI's reset time is in whole seconds. */
export const USAGE_LIMIT_MARGIN_MS = 1_000;
/** Waits for a usage limit within one iteration: a limit that refuses again after its reset ends the run. */
const MAX_USAGE_LIMIT_WAITS = 3;

/** The smallest budget handed to the CLI: it takes dollars with cents and fractions of them. */
const MIN_CLI_BUDGET_USD = 0.0001;

/**
 * Iteration 1 gets the task, or in a continued loop the continuation prompt (after this run's prompt when it is new)
 * with this run's facts; later ones the continuation prompt, and what the failed check said.
 */
function iterationPrompt(settings: LoopSettings, start: LoopStart, progress: LoopProgress, number: number): string {
  if (number === 1) {
    return start.saved
      ? resumePrompt(start.saved, settings.prompt, settings.continuationPrompt, settings.checkCommand)
      : settings.prompt;
  }
  return progress.checkReport
    ? `${settings.continuationPrompt}\n\n${progress.checkReport}`
    : settings.continuationPrompt;
}

/** What the loop has done so far: everything the reports need, also when it ends early. */
interface LoopProgress {
  records: IterationRecord[];
  start: WorkTreeFingerprint | undefined;
  current: WorkTreeFingerprint | undefined;
  /** The latest fingerprint whose changes were searched for secrets and held none; undefined: the start. */
  searched: WorkTreeFingerprint | undefined;
  sessionId: string | undefined;
  lastGate: Gate | undefined;
  costUsd: number;
  costKnown: boolean;
  turns: number;
  deniedTools: Record<string, number>;
  warnedOfDroppedLines: boolean;
  lastCheck: Omit<LastCheck, 'stale'> | undefined;
  /** The work tree as the last check left it: a later change makes that check stale. */
  checkedTree: WorkTreeFingerprint | undefined;
  /** An iteration ran and the work tree has not been looked at since: it may have changed. */
  treeUnlooked: boolean;
  /** See `LoopOutcome.savedSessionFailed`. */
  savedSessionFailed: boolean;
  /** What the last failed check said, for the next iteration's prompt. */
  checkReport: string | undefined;
  /** The iteration under way, until its verdict is logged. */
  running: IterationRecord | undefined;
  /** Counts the iterations of this run, and carries the other counts over from a saved loop. */
  breaker: CircuitBreaker;
  /** Claude's final text so far: the last result line's. */
  resultText: string;
  startedAt: number;
  tokens: TokenUsage;
  /** When the usage limit that stopped the loop resets (epoch ms). */
  resetsAt: number | undefined;
  /** A usage limit 80% used is said once per run. */
  warnedOfUsage: boolean;
}

export async function runLoop(
  settings: LoopSettings,
  deps: LoopDeps,
  signal: AbortSignal,
  start: LoopStart,
): Promise<LoopOutcome> {
  const progress: LoopProgress = {
    records: [],
    start: undefined,
    current: undefined,
    searched: undefined,
    sessionId: start.saved?.sessionId,
    lastGate: start.saved?.lastGate,
    costUsd: 0,
    costKnown: true,
    turns: 0,
    deniedTools: {},
    warnedOfDroppedLines: false,
    lastCheck: undefined,
    checkedTree: undefined,
    treeUnlooked: false,
    savedSessionFailed: false,
    checkReport: start.saved?.checkReport,
    running: undefined,
    breaker: new CircuitBreaker(
      {
        maxIterations: settings.maxIterations,
        noChangeThreshold: settings.noChangeThreshold,
        sameErrorThreshold: settings.sameErrorThreshold,
      },
      start.saved?.breaker,
    ),
    resultText: '',
    startedAt: deps.now(),
    tokens: noTokens(),
    resetsAt: undefined,
    warnedOfUsage: false,
  };
  try {
    return await iterate(settings, deps, signal, start, progress);
  } catch (error) {
    // Whatever broke, the iterations that ran (their cost, session, transcript, last gate) are still reported,
    // also the one that was running: what its runs spent is known, what the one that broke spent is not.
    const running = progress.running;
    if (running && !progress.records.includes(running)) {
      running.costKnown = false;
      addToTotals(progress, running);
    }
    const done = progress.records.length;
    const when = running ? `in iteration ${running.number}` : done ? `after iteration ${done}` : 'before iteration 1';
    const reason =
      error instanceof WorkTreeError ? error.message : `The loop stopped ${when}: ${(error as Error).message}`;
    if (running) deps.log.endIteration(running, `failed: ${reason}`);
    return finish(settings, deps, start, progress, 'failed', reason);
  }
}

async function iterate(
  settings: LoopSettings,
  deps: LoopDeps,
  signal: AbortSignal,
  start: LoopStart,
  progress: LoopProgress,
): Promise<LoopOutcome> {
  const { breaker } = progress;
  progress.start = await lookAtWorkTree(deps, 'before iteration 1');
  progress.current = progress.start;
  const cancelledReason = (): string => `The job was cancelled during iteration ${progress.records.length || 1}.`;

  for (let number = 1; ; number++) {
    if (signal.aborted) return finish(settings, deps, start, progress, 'cancelled', cancelledReason());
    if (timeLeft(deps, start) <= 0) {
      return finish(
        settings,
        deps,
        start,
        progress,
        'time_limit_reached',
        timeLimitReason(settings, `before iteration ${number}`),
      );
    }
    deps.log.startIteration(number, settings.maxIterations);
    const record = newRecord(number);
    progress.running = record;
    progress.treeUnlooked = true;
    const { run, failure, outOfTime } = await runIteration(settings, deps, signal, start, progress, record);
    addToTotals(progress, record);
    const stop = async (status: LoopStatus, reason: string, save = true): Promise<LoopOutcome> => {
      progress.running = undefined;
      deps.log.endIteration(record, `${status}: ${reason}`);
      return finish(settings, deps, start, progress, status, reason, save);
    };

    if (run.cancelled || signal.aborted) return stop('cancelled', cancelledReason());
    // On cancellation the runner kills everything seconds later: only now is there time for a git scan.
    let after: WorkTreeFingerprint;
    try {
      after = await lookAtWorkTree(deps, `after iteration ${number}`);
    } catch (error) {
      return stop('failed', (error as Error).message);
    }
    record.changed = !sameFingerprint(progress.current!, after);
    progress.current = after;
    progress.treeUnlooked = false;
    // Before any verdict: a secret in Claude's work stops the loop whatever else this iteration did.
    const leak = await secretGuardStop(deps, progress, `after iteration ${number}`);
    if (leak !== undefined) return stop('failed', leak, false);

    if (outOfTime) return stop('time_limit_reached', timeLimitReason(settings, outOfTime));
    if (run.timedOut) {
      const minutes = +(settings.iterationTimeoutMs / 60_000).toFixed(3);
      return stop(
        'timed_out',
        `Iteration ${number} ran longer than 'iteration-timeout-minutes' (${minutes}) and was stopped.`,
      );
    }
    const gate = record.gate;
    // Claude's finished work is not thrown away because the same iteration also reached a budget: the money is
    // spent either way, and `budget_exceeded` would send a bot after a task that is done.
    const claudeFinished = failure === undefined || failure.kind === 'budget';
    let check: CheckResult | undefined;
    if (settings.checkCommand && claudeFinished && (gate?.ready || settings.checkOn === 'every-iteration')) {
      let checkOutOfTime: boolean;
      try {
        ({ check, outOfTime: checkOutOfTime } = await runCheckAfter(settings, deps, start, progress, record));
      } catch (error) {
        return stop('failed', (error as Error).message);
      }
      if (check.cancelled || signal.aborted) return stop('cancelled', cancelledReason());
      const leak = await secretGuardStop(deps, progress, `after the check of iteration ${number}`);
      if (leak !== undefined) return stop('failed', leak, false);
      if (checkOutOfTime) {
        return stop('time_limit_reached', timeLimitReason(settings, `while the check after iteration ${number} ran`));
      }
    }
    if (gate?.ready && claudeFinished && (check === undefined || check.passed)) {
      if (failure) deps.log.warning(`Iteration ${number} completed the task and also reached the budget.`);
      return stop('completed', gate.reason || 'Claude reported the task complete.');
    }
    if (failure?.kind === 'budget') return stop('budget_exceeded', budgetReason(settings, progress, failure));
    // The reset lies beyond what this run may wait: a later run continues (the state keeps the reset time).
    if (failure?.kind === 'usage_limit') {
      progress.resetsAt = failure.resetAt;
      return stop('usage_limited', failure.message);
    }
    // A run that failed once the budget was spent (its retries were not made) ends for the budget.
    if (failure && budgetSpent(settings, progress.costUsd)) {
      return stop('budget_exceeded', budgetReason(settings, progress, undefined));
    }
    if (failure) {
      progress.savedSessionFailed = start.saved !== undefined && number === 1 && failsEveryResume(failure, run);
      return stop('failed', failure.message);
    }
    // A check that fails the same way again and again is the same error, whatever blockers Claude lists.
    const error = check && !check.passed ? checkFailureSignature(check, settings.checkTimeoutMs) : gate?.blockers?.[0];
    if (!breaker.recordIteration(record.changed, error)) {
      const trip = breaker.trip!;
      let reason = withDenials(trip.reason, settings, progress);
      if (trip.cause === 'max_iterations' && gate?.ready && check && !check.passed) {
        reason = `${reason}: Claude reported the task complete, but the check command failed (${record.check!.end}).`;
      }
      return stop(STATUS_OF_TRIP[trip.cause], reason);
    }
    if (budgetSpent(settings, progress.costUsd)) {
      return stop('budget_exceeded', budgetReason(settings, progress, undefined));
    }
    progress.running = undefined;
    await saveState(settings, deps, start, progress, 'running', '');
    deps.log.endIteration(
      record,
      gate?.ready && check && !check.passed
        ? `Claude reported ready, but the check failed (${record.check!.end}): continuing`
        : gate
          ? `not ready: ${gate.reason || 'no reason given'}`
          : 'no COMPLETION_GATE, continuing',
    );
  }
}

/**
 * One iteration: a run of the CLI, and re-runs after transient API errors while the timeout, the time limit and the
 * budget allow. `outOfTime` says when this run's time limit stopped it.
 */
async function runIteration(
  settings: LoopSettings,
  deps: LoopDeps,
  signal: AbortSignal,
  start: LoopStart,
  progress: LoopProgress,
  record: IterationRecord,
): Promise<{ run: ProcessOutcome; failure: IterationFailure | undefined; outOfTime: string | undefined }> {
  const { number } = record;
  let run: ProcessOutcome;
  let failure: IterationFailure | undefined;
  let outOfTime: string | undefined;
  let usageLimitWaits = 0;
  for (let attempt = 1; ; attempt++) {
    const remainingBudget =
      settings.maxBudgetUsd === undefined ? undefined : settings.maxBudgetUsd - progress.costUsd - record.costUsd;
    // CLI runs and the waits between retries: all of it counts against the iteration timeout.
    const iterationLeft = settings.iterationTimeoutMs - record.durationMs;
    const deadlineLeft = timeLeft(deps, start);
    run = await deps.runIteration({
      number,
      attempt,
      prompt: iterationPrompt(settings, start, progress, number),
      resumeSessionId: progress.sessionId,
      continueLastSession: number > 1 && progress.sessionId === undefined,
      timeoutMs: Math.max(1, Math.min(iterationLeft, deadlineLeft)),
      maxBudgetUsd:
        remainingBudget === undefined
          ? undefined
          : Math.ceil(Math.max(remainingBudget, MIN_CLI_BUDGET_USD) * 1e4) / 1e4,
    });
    progress.sessionId = run.stream.sessionId ?? progress.sessionId;
    progress.resultText = run.stream.result?.text ?? progress.resultText;
    addRun(record, run);
    reportOddities(deps, progress, number, run);
    addTokens(progress.tokens, run.stream.tokens);
    warnOfUsage(deps, progress, record, run);
    if (run.timedOut && deadlineLeft < iterationLeft) outOfTime = `during iteration ${number}, which was stopped`;
    failure = run.cancelled || run.timedOut ? undefined : iterationFailure(run, settings);
    if (failure?.kind === 'usage_limit') {
      // Not a transient error: no retry, but a wait for the reset when this run can afford it.
      if (usageLimitWaits >= MAX_USAGE_LIMIT_WAITS) break;
      if (!(await waitForUsageReset(settings, deps, signal, start, record, failure))) break;
      usageLimitWaits++;
      continue;
    }
    if (failure?.kind !== 'transient' || attempt > settings.apiRetries || signal.aborted) break;
    // A retry would spend what is no longer there.
    if (budgetSpent(settings, progress.costUsd + record.costUsd)) break;
    const iterationRemaining = settings.iterationTimeoutMs - record.durationMs;
    const remainingMs = Math.min(iterationRemaining, timeLeft(deps, start));
    const delay = retryDelayMs(failure, attempt, remainingMs);
    if (delay === undefined || delay >= remainingMs) {
      if (remainingMs < iterationRemaining) {
        // The time limit, not the API, ends this run: a later run can retry.
        outOfTime = `in iteration ${number}, before it could retry a transient API error (${failure.message})`;
        break;
      }
      failure = { ...failure, message: `${failure.message} (no retry: it would not end within the iteration timeout)` };
      break;
    }
    const note = `attempt ${attempt} failed: ${failure.message}; retried after ${Math.round(delay / 1000)} s`;
    record.retryNotes.push(note);
    deps.log.warning(`Iteration ${number}: transient API error, retry ${attempt} of ${settings.apiRetries}: ${note}`);
    await deps.sleep(delay, signal);
    record.durationMs += delay;
    if (signal.aborted) break;
  }
  record.gate = run.stream.lastGate;
  record.subtype = run.stream.result?.subtype;
  record.error = failure?.message;
  return { run, failure, outOfTime };
}

/**
 * Waits until a usage limit resets, when that comes within the iteration timeout and before this run's time limit.
 * False when it does not (or the reset time is unknown), or a cancellation stopped the wait: the iteration ends.
 */
async function waitForUsageReset(
  settings: LoopSettings,
  deps: LoopDeps,
  signal: AbortSignal,
  start: LoopStart,
  record: IterationRecord,
  failure: IterationFailure,
): Promise<boolean> {
  if (signal.aborted || failure.resetAt === undefined) return false;
  const remainingMs = Math.min(settings.iterationTimeoutMs - record.durationMs, timeLeft(deps, start));
  const wait = Math.max(0, failure.resetAt - deps.now()) + USAGE_LIMIT_MARGIN_MS;
  if (wait >= remainingMs) return false;
  const until = isoTime(failure.resetAt);
  record.retryNotes.push(`paused by the usage limit until ${until}; went on after the reset`);
  deps.log.warning(
    `Iteration ${record.number}: paused by the usage limit until ${until}: waiting ${Math.ceil(wait / 1000)} s, ` +
      'then the iteration goes on (a cancellation stops the wait).',
  );
  await deps.sleep(wait, signal);
  record.durationMs += wait;
  return !signal.aborted;
}

function addTokens(total: TokenUsage, run: Readonly<TokenUsage>): void {
  total.input += run.input;
  total.output += run.output;
  total.cacheRead += run.cacheRead;
  total.cacheCreation += run.cacheCreation;
}

/** A usage limit that is 80% used or more is recorded with its iteration, and said once per run in the log. */
function warnOfUsage(deps: LoopDeps, progress: LoopProgress, record: IterationRecord, run: ProcessOutcome): void {
  const warning = run.stream.usageWarning;
  if (warning === undefined) return;
  if ((warning.utilization ?? 0) >= (record.usageWarning?.utilization ?? 0)) record.usageWarning = warning;
  if (progress.warnedOfUsage) return;
  progress.warnedOfUsage = true;
  const which = warning.limitType ? ` (${warning.limitType})` : '';
  const until = warning.resetsAt === undefined ? '' : `; it resets at ${isoTime(warning.resetsAt)}`;
  deps.log.warning(
    `Iteration ${record.number}: ${Math.round((warning.utilization ?? 0) * 100)}% of the usage limit${which} is used${until}. ` +
      'At the limit the loop pauses until the reset. Said once per run.',
  );
}

/** Milliseconds left before this run's time limit; Infinity without one. */
function timeLeft(deps: LoopDeps, start: LoopStart): number {
  return start.deadline === undefined ? Infinity : start.deadline - deps.now();
}

export function timeLimitReason(settings: Pick<LoopSettings, 'timeLimitMs'>, when: string): string {
  const minutes = +((settings.timeLimitMs ?? 0) / 60_000).toFixed(3);
  return `This run reached its time limit ('time-limit-minutes': ${minutes}) ${when}.`;
}

function newRecord(number: number): IterationRecord {
  return {
    number,
    durationMs: 0,
    turns: 0,
    toolCalls: 0,
    costUsd: 0,
    costKnown: true,
    changed: false,
    gate: undefined,
    retryNotes: [],
    subtype: undefined,
    error: undefined,
    deniedTools: {},
    check: undefined,
  };
}

/** An iteration's record joins the loop's: its cost, turns, denials and gate count from now on. */
function addToTotals(progress: LoopProgress, record: IterationRecord): void {
  progress.records.push(record);
  if (record.gate) progress.lastGate = record.gate;
  progress.costUsd += record.costUsd;
  progress.costKnown &&= record.costKnown;
  progress.turns += record.turns;
  for (const [tool, count] of Object.entries(record.deniedTools)) {
    progress.deniedTools[tool] = (progress.deniedTools[tool] ?? 0) + count;
  }
}

function budgetSpent(settings: LoopSettings, costUsd: number): boolean {
  return costUsd >= (settings.maxBudgetUsd ?? Infinity);
}

/**
 * Runs the check command after an iteration and records it. What the check writes (build output, coverage) is not
 * Claude's progress: the work tree is looked at again afterwards, and the next iteration is compared with that.
 */
async function runCheckAfter(
  settings: LoopSettings,
  deps: LoopDeps,
  start: LoopStart,
  progress: LoopProgress,
  record: IterationRecord,
): Promise<{ check: CheckResult; outOfTime: boolean }> {
  const deadlineLeft = timeLeft(deps, start);
  const timeoutMs = Math.max(1, Math.min(settings.checkTimeoutMs, deadlineLeft));
  const check = await deps.runCheck(record.number, timeoutMs);
  const outOfTime = check.timedOut && deadlineLeft < settings.checkTimeoutMs;
  const end = outOfTime ? "stopped at this run's time limit" : describeCheckEnd(check, settings.checkTimeoutMs);
  record.check = { passed: check.passed, end, durationMs: check.durationMs };
  // A check stopped by a cancellation or by the time limit neither passed nor failed.
  if (check.cancelled || outOfTime) return { check, outOfTime };
  progress.lastCheck = {
    ...record.check,
    command: settings.checkCommand,
    iteration: record.number,
    output: check.output,
  };
  progress.checkReport = check.passed ? undefined : checkFailureReport(check, settings.checkTimeoutMs);
  progress.current = await lookAtWorkTree(deps, `after the check of iteration ${record.number}`);
  progress.checkedTree = progress.current;
  return { check, outOfTime };
}

/** Adds one run of the CLI (an attempt) to its iteration's record. */
function addRun(record: IterationRecord, run: ProcessOutcome): void {
  record.durationMs += run.durationMs;
  record.costUsd += run.stream.costUsd;
  // A CLI that was stopped, or died, before its result line spent money nobody reported.
  if (run.stream.resultLines === 0 && run.spawnError === undefined) record.costKnown = false;
  record.turns += run.stream.turns;
  record.toolCalls += run.stream.toolCalls;
  for (const [tool, count] of Object.entries(run.stream.deniedTools)) {
    record.deniedTools[tool] = (record.deniedTools[tool] ?? 0) + count;
  }
}

/** What the CLI printed that the loop had to skip or ignore is said, never silently dropped. */
function reportOddities(deps: LoopDeps, progress: LoopProgress, number: number, run: ProcessOutcome): void {
  const { stream } = run;
  if (stream.malformedLines > 0) {
    deps.log.warning(
      `Iteration ${number}: skipped ${stream.malformedLines} of ${stream.lines} lines of the CLI's output that were not JSON.`,
    );
  }
  if (stream.invalidCosts.length > 0) {
    deps.log.warning(
      `Iteration ${number}: ignored cost values that are not a non-negative number: ${stream.invalidCosts.join(', ')}.`,
    );
  }
  if (run.droppedLines > 0 && !progress.warnedOfDroppedLines) {
    progress.warnedOfDroppedLines = true;
    deps.log.warning(
      `Iteration ${number}: skipped ${run.droppedLines} line(s) of the CLI's output longer than the line limit ` +
        `(64 MiB) without reading them; they are in the transcript. Said once per loop.`,
    );
  }
}

/**
 * The last check no longer describes the work tree: an iteration after it changed files, or ended before the tree was
 * looked at again (a cancellation, a broken look), so that a change cannot be ruled out.
 */
function lastCheckIsStale(progress: LoopProgress): boolean {
  const { checkedTree, current } = progress;
  return progress.treeUnlooked || checkedTree === undefined || !sameFingerprint(checkedTree, current!);
}

/** At most this many places where a secret was found are named in the reason. */
const MAX_LEAK_PLACES = 10;
const MAX_LEAK_PLACE = 200;

/**
 * The secret guard: what changed since the loop started is searched for the action's secrets whenever the work tree
 * differs from what was last searched. The reason to stop the loop when a secret is there, or when the search could
 * not be made (nothing could then say the work holds none); undefined when there is none.
 */
async function secretGuardStop(deps: LoopDeps, progress: LoopProgress, when: string): Promise<string | undefined> {
  const { start, current } = progress;
  if (!start || !current || sameFingerprint(progress.searched ?? start, current)) return undefined;
  let places: string[];
  try {
    places = await deps.findSecrets(start, current);
  } catch (error) {
    return (
      `Could not search what the loop changed for secrets ${when}: ${(error as Error).message}. The loop stops, ` +
      'as nothing can tell that its work holds none.'
    );
  }
  if (places.length === 0) {
    progress.searched = current;
    return undefined;
  }
  return secretLeakReason(places, when);
}

/** Names where (never what), says what to do, and that nothing left through the action. */
function secretLeakReason(places: string[], when: string): string {
  const named = places.slice(0, MAX_LEAK_PLACES).map((place) => shorten(place, MAX_LEAK_PLACE));
  const more = places.length > MAX_LEAK_PLACES ? ` and ${places.length - MAX_LEAK_PLACES} more` : '';
  return (
    `A secret the action holds (a credential, as it is or in base64) was found ${when} in what the loop changed: ` +
    `${named.join(', ')}${more}. Revoke that credential and make a new one: whatever wrote it there had it. Nothing ` +
    'was published by the action: the loop stopped before it could complete, and saved no state to continue from.'
  );
}

async function lookAtWorkTree(deps: LoopDeps, when: string): Promise<WorkTreeFingerprint> {
  try {
    return await deps.fingerprint();
  } catch (error) {
    throw new WorkTreeError(`Could not look at the work tree ${when}: ${(error as Error).message}`);
  }
}

function budgetReason(settings: LoopSettings, progress: LoopProgress, cliStop: IterationFailure | undefined): string {
  const spent = `${progress.costKnown ? '' : 'at least '}$${progress.costUsd.toFixed(4)}`;
  if (settings.maxBudgetUsd === undefined) return cliStop!.message;
  const how = cliStop ? `; the CLI stopped at what was left of it (${cliStop.message})` : '';
  return withDenials(
    `The loop has cost ${spent}, reaching 'max-budget-usd' ($${settings.maxBudgetUsd})${how}.`,
    settings,
    progress,
  );
}

/** A loop that stopped short while the permission mode denied Claude's tool calls says so: that is likely why. */
function withDenials(reason: string, settings: LoopSettings, progress: LoopProgress): string {
  const denied = describeDenials(progress.deniedTools);
  if (denied === '') return reason;
  return (
    `${reason.replace(/\.$/, '')}. Under permission-mode '${settings.permissionMode}' the CLI denied Claude's tool calls: ${denied}; ` +
    `allow them with 'allowed-tools' or choose another 'permission-mode'.`
  );
}

/** The state a later run continues from; nothing to save before there is a session to resume. */
async function saveState(
  settings: LoopSettings,
  deps: LoopDeps,
  start: LoopStart,
  progress: LoopProgress,
  status: LoopState['status'],
  reason: string,
): Promise<void> {
  if (progress.sessionId === undefined) return;
  const saved = start.saved;
  await deps.saveState(
    boundedForSaving({
      version: LOOP_STATE_VERSION,
      repository: start.identity.repository,
      workingDirectory: start.identity.workingDirectory,
      prompt: saved?.prompt ?? settings.prompt,
      sessionId: progress.sessionId,
      status,
      reason,
      runs: (saved?.runs ?? 0) + 1,
      iterations: (saved?.iterations ?? 0) + progress.records.length,
      costUsd: (saved?.costUsd ?? 0) + progress.costUsd,
      costKnown: (saved?.costKnown ?? true) && progress.costKnown,
      turns: (saved?.turns ?? 0) + progress.turns,
      breaker: progress.breaker.counters,
      lastGate: progress.lastGate,
      checkReport: progress.checkReport,
      savedAt: new Date(deps.now()).toISOString(),
      ...(status === 'usage_limited' && progress.resetsAt !== undefined
        ? { resetsAt: isoTime(progress.resetsAt) }
        : {}),
    }),
  );
}

/**
 * @param save false when the loop's work must not be continued from: a later run then starts from the state saved
 * before (or a new loop, if the host discards that).
 */
async function finish(
  settings: LoopSettings,
  deps: LoopDeps,
  start: LoopStart,
  progress: LoopProgress,
  status: LoopStatus,
  reason: string,
  save = true,
): Promise<LoopOutcome> {
  let filesChanged: number | undefined = 0;
  // Stryker disable next-line LogicalOperator: start and current are set together (current = start), so || is &&
  if (progress.start && progress.current) {
    try {
      filesChanged = await deps.countChangedFiles(progress.start, progress.current);
    } catch (error) {
      filesChanged = undefined;
      deps.log.warning(`Could not count the files changed since the loop started: ${(error as Error).message}`);
    }
  }
  if (save) await saveState(settings, deps, start, progress, status, reason);
  return {
    status,
    reason,
    iterations: progress.records.length,
    maxIterations: settings.maxIterations,
    records: progress.records,
    lastGate: progress.lastGate,
    sessionId: progress.sessionId ?? '',
    costUsd: progress.costUsd,
    costKnown: progress.costKnown,
    turns: progress.turns,
    filesChanged,
    transcriptFile: deps.transcriptFile(),
    lastCheck: progress.lastCheck && { ...progress.lastCheck, stale: lastCheckIsStale(progress) },
    earlier: start.saved ? earlierRuns(start.saved) : undefined,
    // The host knows whether the saves succeeded.
    stateSaved: false,
    savedSessionFailed: progress.savedSessionFailed,
    resultText: progress.resultText,
    wallTimeMs: deps.now() - progress.startedAt,
    resetsAt: status === 'usage_limited' ? progress.resetsAt : undefined,
    tokens: progress.tokens,
    // The host knows which credential the CLI ran with.
    subscription: false,
  };
}
