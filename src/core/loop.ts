/**
 * The loop driver: runs Claude, looks at the work tree, searches it for secrets, runs the check, asks `next` what
 * that means, and saves. The rules are in verdict.ts; everything with side effects comes in as `LoopDeps`, so tests
 * drive the loop with scripted fakes.
 */
import type { ProcessOutcome } from './iteration-run.js';
import { describeCheckEnd, type CheckResult } from './check.js';
import { failsEveryResume, isoTime, iterationFailure, retryDelayMs, type IterationFailure } from './failure.js';
import type { LoopConfig } from './settings.js';
import { resumePrompt, type LoopIdentity, type LoopState } from './loop-state.js';
import { noTokens, type IterationRecord, type LoopOutcome } from './outcome.js';
import { sameFingerprint, type WorkTreeFingerprint } from './fingerprint.js';
import {
  addTokens,
  newRunState,
  outcomeOf,
  stateToSave,
  withIteration,
  type IterationRun,
  type RunState,
} from './run-state.js';
import { statusOf, type Describe, type LoopMoment, type StopCause } from './stop-cause.js';
import {
  budgetSpent,
  failureCause,
  next,
  stopBefore,
  wantsCheck,
  type CheckStage,
  type IterationResult,
  type SecretSearch,
  type TreeLook,
} from './verdict.js';

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
  /** What is left of the loop's budget for this run of the CLI (its own budget), if there is a budget. */
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
   * Where the secrets the loop holds are in what changed from `from` to `to` (files of the work tree, commits added):
   * paths and commit ids, never a secret. Empty when there is none.
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
  /** Says a stop cause in the words of the front end (its inputs or flags). */
  describe: Describe;
}

/** Where a run of the loop starts from, and when it must stop. */
export interface LoopStart {
  /** This repository and working directory, recorded in the state. */
  identity: LoopIdentity;
  /** A saved loop to continue (its session, breaker counts and totals); undefined: a new loop. */
  saved?: LoopState;
  /** Milliseconds since the epoch at which this run stops (its time limit); undefined: no time limit. */
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

/** The work tree could not be looked at: the loop stops with this cause. */
class WorkTreeError extends Error {
  constructor(readonly stop: Extract<StopCause, { kind: 'work_tree' }>) {
    super(stop.error);
  }
}

/** Waited past a usage limit's reset: the CLI's reset time is in whole seconds. */
export const USAGE_LIMIT_MARGIN_MS = 1_000;
/** Waits for a usage limit within one iteration: a limit that refuses again after its reset ends the run. */
const MAX_USAGE_LIMIT_WAITS = 3;

/** The smallest budget handed to the CLI: it takes dollars with cents and fractions of them. */
const MIN_CLI_BUDGET_USD = 0.0001;

/** What every step of the driver reads. */
interface Driver {
  settings: LoopSettings;
  deps: LoopDeps;
  signal: AbortSignal;
  start: LoopStart;
}

/** The iteration under way, until its verdict is logged. */
interface Running {
  run: IterationRun;
  usageLimitWaits: number;
}

export async function runLoop(
  settings: LoopSettings,
  deps: LoopDeps,
  signal: AbortSignal,
  start: LoopStart,
): Promise<LoopOutcome> {
  const driver: Driver = { settings, deps, signal, start };
  const loop = {
    state: newRunState(start.identity, start.saved, deps.now()),
    running: undefined as Running | undefined,
  };
  try {
    return await iterate(driver, loop);
  } catch (error) {
    // Whatever broke, the iterations that ran (their cost, session, transcript, last gate) are still reported,
    // also the one that was running: what its runs spent is known, what the one that broke spent is not.
    // Only running Claude can break: the looks, the search and the check after it are caught.
    const { running } = loop;
    if (running) {
      running.run.record.costKnown = false;
      loop.state = withIteration(loop.state, running.run);
    }
    const done = loop.state.records.length;
    const when: LoopMoment = running
      ? { stage: 'in', iteration: running.run.record.number }
      : done
        ? { stage: 'after', iteration: done }
        : { stage: 'before', iteration: 1 };
    const cause: StopCause =
      error instanceof WorkTreeError ? error.stop : { kind: 'crashed', error: (error as Error).message, when };
    const reason = deps.describe(cause);
    if (running) deps.log.endIteration(running.run.record, `failed: ${reason}`);
    return finish(driver, loop.state, cause, true);
  }
}

async function iterate(driver: Driver, loop: { state: RunState; running: Running | undefined }): Promise<LoopOutcome> {
  const { settings, deps, signal } = driver;
  const startTree = await lookAtWorkTree(deps, { stage: 'before', iteration: 1 });
  loop.state = { ...loop.state, start: startTree, current: startTree };

  for (let number = 1; ; number++) {
    const before = stopBefore(loop.state, number, signal.aborted, timeLeft(driver), settings);
    if (before) return finish(driver, loop.state, before, true);
    deps.log.startIteration(number, settings.maxIterations);
    const running: Running = { run: newIterationRun(loop.state, number), usageLimitWaits: 0 };
    loop.running = running;
    const { run, process } = await runAttempts(driver, loop.state, running);
    const result = await lookAndCheck(driver, loop.state, run, process);
    const { state, verdict } = next(loop.state, result, settings);
    loop.state = state;
    loop.running = undefined;
    if (verdict.stop) {
      if (verdict.warning) deps.log.warning(verdict.warning);
      const reason = deps.describe(verdict.stop);
      deps.log.endIteration(run.record, `${statusOf(verdict.stop)}: ${reason}`);
      return finish(driver, state, verdict.stop, verdict.save, reason);
    }
    await save(driver, state, 'running', '');
    deps.log.endIteration(run.record, verdict.note);
  }
}

/**
 * Iteration 1 gets the task, or in a continued loop the continuation prompt (after this run's prompt when it is new)
 * with this run's facts; later ones the continuation prompt, and what the failed check said.
 */
function iterationPrompt(driver: Driver, state: RunState, number: number): string {
  const { settings, start } = driver;
  if (number === 1) {
    return start.saved
      ? resumePrompt(start.saved, settings.prompt, settings.continuationPrompt, settings.checkCommand)
      : settings.prompt;
  }
  return state.checkReport ? `${settings.continuationPrompt}\n\n${state.checkReport}` : settings.continuationPrompt;
}

function newIterationRun(state: RunState, number: number): IterationRun {
  return {
    record: {
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
    },
    sessionId: state.sessionId,
    resultText: state.resultText,
    tokens: noTokens(),
    warnedOfUsage: state.warnedOfUsage,
    warnedOfDroppedLines: state.warnedOfDroppedLines,
    failure: undefined,
    timedOut: false,
    outOfTime: undefined,
  };
}

/**
 * One iteration: a run of the CLI, and re-runs after transient API errors while the timeout, the time limit and the
 * budget allow, or after a usage limit's reset when it comes soon enough.
 */
async function runAttempts(
  driver: Driver,
  state: RunState,
  running: Running,
): Promise<{ run: IterationRun; process: ProcessOutcome }> {
  const { settings, deps } = driver;
  const { run } = running;
  const { record } = run;
  let process: ProcessOutcome;
  for (let attempt = 1; ; attempt++) {
    // CLI runs and the waits between retries: all of it counts against the iteration timeout.
    const iterationLeft = settings.iterationTimeoutMs - record.durationMs;
    const deadlineLeft = timeLeft(driver);
    process = await deps.runIteration({
      number: record.number,
      attempt,
      prompt: iterationPrompt(driver, state, record.number),
      resumeSessionId: run.sessionId,
      continueLastSession: record.number > 1 && run.sessionId === undefined,
      timeoutMs: Math.max(1, Math.min(iterationLeft, deadlineLeft)),
      maxBudgetUsd: cliBudget(settings, state.totals.costUsd, record.costUsd),
    });
    addRun(deps, run, process);
    run.timedOut = process.timedOut;
    if (process.timedOut && deadlineLeft < iterationLeft) {
      run.outOfTime = { at: 'during_iteration', iteration: record.number };
    }
    run.failure = process.cancelled || process.timedOut ? undefined : iterationFailure(process, settings);
    if (!(await again(driver, state, running, attempt))) break;
  }
  record.gate = process.stream.lastGate;
  record.subtype = process.stream.result?.subtype;
  record.error = run.failure && deps.describe(failureCause(run.failure, record.number));
  return { run, process };
}

/** What is left of the budget for a run of the CLI; undefined without a budget. */
function cliBudget(settings: LoopSettings, runsUsd: number, iterationUsd: number): number | undefined {
  if (settings.maxBudgetUsd === undefined) return undefined;
  return Math.ceil(Math.max(settings.maxBudgetUsd - runsUsd - iterationUsd, MIN_CLI_BUDGET_USD) * 1e4) / 1e4;
}

/** Whether the iteration runs the CLI again: after a usage limit's reset, or to retry a transient API error. */
async function again(driver: Driver, state: RunState, running: Running, attempt: number): Promise<boolean> {
  const { failure } = running.run;
  if (failure?.kind === 'usage_limit') {
    // Not a transient error: no retry, but a wait for the reset when this run can afford it.
    if (running.usageLimitWaits >= MAX_USAGE_LIMIT_WAITS) return false;
    if (!(await waitForUsageReset(driver, running.run.record, failure))) return false;
    running.usageLimitWaits++;
    return true;
  }
  if (failure?.kind !== 'transient' || attempt > driver.settings.apiRetries || driver.signal.aborted) return false;
  return retry(driver, state, running.run, failure, attempt);
}

/** Waits before a retry of a transient API error, when the budget, the iteration timeout and the time limit allow. */
async function retry(
  driver: Driver,
  state: RunState,
  run: IterationRun,
  failure: IterationFailure,
  attempt: number,
): Promise<boolean> {
  const { settings, deps, signal } = driver;
  const { record } = run;
  // A retry would spend what is no longer there.
  if (budgetSpent(state.totals.costUsd + record.costUsd, settings)) return false;
  const iterationRemaining = settings.iterationTimeoutMs - record.durationMs;
  const remainingMs = Math.min(iterationRemaining, timeLeft(driver));
  const delay = retryDelayMs(failure, attempt, remainingMs);
  if (delay === undefined || delay >= remainingMs) {
    if (remainingMs < iterationRemaining) {
      // The time limit, not the API, ends this run: a later run can retry.
      run.outOfTime = { at: 'before_retry', iteration: record.number, error: failure.message };
      return false;
    }
    run.failure = {
      ...failure,
      message: `${failure.message} (no retry: it would not end within the iteration timeout)`,
    };
    return false;
  }
  const note = `attempt ${attempt} failed: ${failure.message}; retried after ${Math.round(delay / 1000)} s`;
  record.retryNotes.push(note);
  deps.log.warning(
    `Iteration ${record.number}: transient API error, retry ${attempt} of ${settings.apiRetries}: ${note}`,
  );
  await deps.sleep(delay, signal);
  record.durationMs += delay;
  return !signal.aborted;
}

/**
 * Waits until a usage limit resets, when that comes within the iteration timeout and before this run's time limit.
 * False when it does not (or the reset time is unknown), or a cancellation stopped the wait: the iteration ends.
 */
async function waitForUsageReset(driver: Driver, record: IterationRecord, failure: IterationFailure): Promise<boolean> {
  const { settings, deps, signal } = driver;
  if (signal.aborted || failure.resetAt === undefined) return false;
  const remainingMs = Math.min(settings.iterationTimeoutMs - record.durationMs, timeLeft(driver));
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

/** Adds one run of the CLI (an attempt) to its iteration, and says what of its output was odd. */
function addRun(deps: LoopDeps, run: IterationRun, process: ProcessOutcome): void {
  const { record } = run;
  const { stream } = process;
  run.sessionId = stream.sessionId ?? run.sessionId;
  run.resultText = stream.result?.text ?? run.resultText;
  record.durationMs += process.durationMs;
  record.costUsd += stream.costUsd;
  // A CLI that was stopped, or died, before its result line spent money nobody reported.
  if (stream.resultLines === 0 && process.spawnError === undefined) record.costKnown = false;
  record.turns += stream.turns;
  record.toolCalls += stream.toolCalls;
  for (const [tool, count] of Object.entries(stream.deniedTools)) {
    record.deniedTools[tool] = (record.deniedTools[tool] ?? 0) + count;
  }
  reportOddities(deps, run, process);
  run.tokens = addTokens(run.tokens, stream.tokens);
  warnOfUsage(deps, run, process);
}

/** A usage limit that is 80% used or more is recorded with its iteration, and said once per run in the log. */
function warnOfUsage(deps: LoopDeps, run: IterationRun, process: ProcessOutcome): void {
  const warning = process.stream.usageWarning;
  if (warning === undefined) return;
  const { record } = run;
  if ((warning.utilization ?? 0) >= (record.usageWarning?.utilization ?? 0)) record.usageWarning = warning;
  if (run.warnedOfUsage) return;
  run.warnedOfUsage = true;
  const which = warning.limitType ? ` (${warning.limitType})` : '';
  const until = warning.resetsAt === undefined ? '' : `; it resets at ${isoTime(warning.resetsAt)}`;
  deps.log.warning(
    `Iteration ${record.number}: ${Math.round((warning.utilization ?? 0) * 100)}% of the usage limit${which} is used${until}. ` +
      'At the limit the loop pauses until the reset. Said once per run.',
  );
}

/** What the CLI printed that the loop had to skip or ignore is said, never silently dropped. */
function reportOddities(deps: LoopDeps, run: IterationRun, process: ProcessOutcome): void {
  const { stream } = process;
  const number = run.record.number;
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
  if (process.droppedLines > 0 && !run.warnedOfDroppedLines) {
    run.warnedOfDroppedLines = true;
    deps.log.warning(
      `Iteration ${number}: skipped ${process.droppedLines} line(s) of the CLI's output longer than the line limit ` +
        `(64 MiB) without reading them; they are in the transcript. Said once per loop.`,
    );
  }
}

/** Milliseconds left before this run's time limit; Infinity without one. */
function timeLeft(driver: Driver): number {
  const { deadline } = driver.start;
  return deadline === undefined ? Infinity : deadline - driver.deps.now();
}

/**
 * After the runs of the CLI: the work tree is looked at and searched for secrets, and the check runs when `wantsCheck`
 * says so. Each step only when the one before leaves the loop going.
 */
async function lookAndCheck(
  driver: Driver,
  state: RunState,
  run: IterationRun,
  process: ProcessOutcome,
): Promise<IterationResult> {
  const { deps, signal, settings } = driver;
  const result: IterationResult = {
    run,
    cancelled: process.cancelled || signal.aborted,
    resumeRefused: run.failure !== undefined && failsEveryResume(run.failure, process),
    look: undefined,
    check: undefined,
  };
  // On cancellation the runner kills everything seconds later: only now is there time for a git scan.
  if (result.cancelled) return result;
  const look = await lookAgain(deps, state.start!, state.searched, true);
  result.look = look;
  if ('tree' in look) run.record.changed = !sameFingerprint(state.current!, look.tree);
  if (!('tree' in look) || stopsAt(look.secrets) || !wantsCheck(run, settings)) return result;
  // Searched now, or the same as the tree searched last.
  result.check = await runCheckAfter(driver, state.start!, look.tree, run.record);
  return result;
}

function stopsAt(secrets: SecretSearch | undefined): boolean {
  return secrets !== undefined && ('error' in secrets || secrets.found.length > 0);
}

/**
 * The work tree now; and what changed in it since the loop started, searched for the secrets the loop holds when the
 * tree differs from what was last searched (nothing could otherwise say the work holds none).
 */
async function lookAgain(
  deps: LoopDeps,
  start: WorkTreeFingerprint,
  searched: WorkTreeFingerprint | undefined,
  search: boolean,
): Promise<TreeLook> {
  let tree: WorkTreeFingerprint;
  try {
    tree = await deps.fingerprint();
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (!search || sameFingerprint(searched ?? start, tree)) return { tree, secrets: undefined };
  try {
    return { tree, secrets: { found: await deps.findSecrets(start, tree) } };
  } catch (error) {
    return { tree, secrets: { error: (error as Error).message } };
  }
}

/** Runs the check command after an iteration, and looks at the work tree again unless it was stopped. */
async function runCheckAfter(
  driver: Driver,
  start: WorkTreeFingerprint,
  searched: WorkTreeFingerprint,
  record: IterationRecord,
): Promise<CheckStage> {
  const { settings, deps, signal } = driver;
  const deadlineLeft = timeLeft(driver);
  const timeoutMs = Math.max(1, Math.min(settings.checkTimeoutMs, deadlineLeft));
  let check: CheckResult;
  try {
    check = await deps.runCheck(record.number, timeoutMs);
  } catch (error) {
    return { error: (error as Error).message };
  }
  const outOfTime = check.timedOut && deadlineLeft < settings.checkTimeoutMs;
  const end = outOfTime ? "stopped at this run's time limit" : describeCheckEnd(check, settings.checkTimeoutMs);
  record.check = { passed: check.passed, end, durationMs: check.durationMs };
  const cancelled = check.cancelled || signal.aborted;
  // A check stopped by a cancellation or by the time limit neither passed nor failed: the tree is not looked at.
  if (check.cancelled || outOfTime) return { result: check, outOfTime, cancelled, look: undefined };
  // After a cancellation there is no time for a search: the loop ends as cancelled, and a later run searches.
  const look = await lookAgain(deps, start, searched, !cancelled);
  return { result: check, outOfTime, cancelled, look };
}

async function lookAtWorkTree(deps: LoopDeps, when: LoopMoment): Promise<WorkTreeFingerprint> {
  try {
    return await deps.fingerprint();
  } catch (error) {
    throw new WorkTreeError({ kind: 'work_tree', error: (error as Error).message, when });
  }
}

async function save(driver: Driver, state: RunState, status: LoopState['status'], reason: string): Promise<void> {
  const saved = stateToSave(state, driver.settings.prompt, status, reason, driver.deps.now());
  if (saved !== undefined) await driver.deps.saveState(saved);
}

/**
 * @param save false when the loop's work must not be continued from: a later run then starts from the state saved
 * before (or a new loop, if the host discards that).
 */
async function finish(
  driver: Driver,
  state: RunState,
  cause: StopCause,
  saveState: boolean,
  reason = driver.deps.describe(cause),
): Promise<LoopOutcome> {
  const { deps } = driver;
  let filesChanged: number | undefined = 0;
  if (state.start) {
    try {
      filesChanged = await deps.countChangedFiles(state.start, state.current!);
    } catch (error) {
      filesChanged = undefined;
      deps.log.warning(`Could not count the files changed since the loop started: ${(error as Error).message}`);
    }
  }
  if (saveState) await save(driver, state, statusOf(cause), reason);
  return outcomeOf(state, driver.settings, cause, reason, {
    transcriptFile: deps.transcriptFile(),
    filesChanged,
    now: deps.now(),
  });
}
