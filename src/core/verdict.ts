/**
 * The loop's rules as pure functions: what an iteration's result does to the run's state, and whether the loop goes
 * on or stops, and why (`next`). The loop driver gathers the result (it runs Claude, looks at the work tree, searches
 * for secrets, runs the check) and saves; times come in with the result, never from a clock.
 */
import { CircuitBreaker } from './breaker.js';
import { checkFailureReport, checkFailureSignature, type CheckResult } from './check.js';
import type { IterationFailure } from './failure.js';
import type { IterationRecord } from './outcome.js';
import type { WorkTreeFingerprint } from './fingerprint.js';
import type { LoopSettings } from './loop.js';
import { withIteration, type IterationRun, type RunState } from './run-state.js';
import { minutesOf, type Denials, type LoopMoment, type StopCause } from './stop-cause.js';

/** What the search for secrets found in what changed since the loop started. */
export type SecretSearch = { found: readonly string[] } | { error: string };

/** A look at the work tree: the tree, and what the search for secrets found in it if it searched; or why it failed. */
export type TreeLook = { tree: WorkTreeFingerprint; secrets: SecretSearch | undefined } | { error: string };

/** The check after an iteration, or the error that kept it from running. */
export type CheckStage =
  | {
      result: CheckResult;
      /** The check was stopped at this run's time limit. */
      outOfTime: boolean;
      /** The run was cancelled, or the check was stopped by it. */
      cancelled: boolean;
      /** Undefined when it was stopped (cancelled, out of time): the tree is not looked at then. */
      look: TreeLook | undefined;
    }
  | { error: string };

export interface IterationResult {
  run: IterationRun;
  /** The CLI's run was cancelled, or the whole run was. */
  cancelled: boolean;
  /** The failure would meet every resume of the same session (see `failsEveryResume`). */
  resumeRefused: boolean;
  /** The work tree after the iteration; undefined when the iteration was cancelled (it is not looked at). */
  look: TreeLook | undefined;
  /** Undefined when no check ran. */
  check: CheckStage | undefined;
}

export type Verdict =
  | {
      stop: StopCause;
      /** False: this run's work must not be continued from (a later run starts from the state saved before). */
      save: boolean;
      /** Said before the iteration ends. */
      warning?: string;
    }
  | { stop: undefined; note: string };

export type VerdictSettings = Pick<
  LoopSettings,
  | 'maxIterations'
  | 'noChangeThreshold'
  | 'sameErrorThreshold'
  | 'maxBudgetUsd'
  | 'iterationTimeoutMs'
  | 'permissionMode'
  | 'checkCommand'
  | 'checkOn'
  | 'checkTimeoutMs'
  | 'timeLimitMs'
>;

/** What `next` gives. */
export interface Next {
  state: RunState;
  verdict: Verdict;
}

/** A stage of the verdict: the state so far, and a verdict once one stops the loop. */
type Step = Next | { state: RunState; verdict?: undefined };

/** Whether the loop may start iteration `number`: a cancellation or the time limit stops it before. */
export function stopBefore(
  state: RunState,
  number: number,
  cancelled: boolean,
  timeLeftMs: number,
  settings: Pick<LoopSettings, 'timeLimitMs'>,
): StopCause | undefined {
  if (cancelled) return { kind: 'cancelled', iteration: Math.max(state.records.length, 1) };
  if (timeLeftMs > 0) return undefined;
  return {
    kind: 'time_limit',
    minutes: minutesOf(settings.timeLimitMs ?? 0),
    when: { at: 'before_iteration', iteration: number },
  };
}

/**
 * Whether the check runs after this iteration: Claude finished (a budget reached on the way still counts), and said
 * ready, or the check runs after every iteration.
 */
export function wantsCheck(run: IterationRun, settings: Pick<LoopSettings, 'checkCommand' | 'checkOn'>): boolean {
  if (!settings.checkCommand || run.timedOut || run.outOfTime !== undefined || !claudeFinished(run.failure))
    return false;
  return run.record.gate?.ready === true || settings.checkOn === 'every-iteration';
}

/** Claude's finished work is not thrown away because the iteration also reached a budget: the money is spent anyway. */
function claudeFinished(failure: IterationFailure | undefined): boolean {
  return failure === undefined || failure.kind === 'budget';
}

/** The loop's rules for one iteration's result: the state it leaves, and whether the loop stops (and why). */
export function next(state: RunState, result: IterationResult, settings: VerdictSettings): Next {
  const number = result.run.record.number;
  let step: Step = { state: withIteration(state, result.run) };
  if (result.cancelled) return stopped(step.state, { kind: 'cancelled', iteration: step.state.records.length });
  step = afterLook(step.state, result.look!, { stage: 'after', iteration: number });
  if (step.verdict) return step;
  const timeUp = ranOutOfTime(result.run, settings);
  if (timeUp) return stopped(step.state, timeUp);
  if (result.check) {
    step = afterCheck(step.state, result.check, result.run.record, settings);
    if (step.verdict) return step;
  }
  return judge(step.state, result, settings);
}

function stopped(state: RunState, stop: StopCause, save = true): Next {
  return { state, verdict: { stop, save } };
}

/** The work tree was looked at: what changed, and whether a secret is in it, which stops the loop whatever else. */
function afterLook(state: RunState, look: TreeLook, when: LoopMoment): Step {
  if ('error' in look) return stopped(state, { kind: 'work_tree', error: look.error, when });
  const looked: RunState = { ...state, current: look.tree, treeUnlooked: false };
  const secrets = look.secrets;
  if (secrets === undefined) return { state: looked };
  if ('error' in secrets) return stopped(looked, { kind: 'secret_search_failed', error: secrets.error, when }, false);
  if (secrets.found.length > 0) return stopped(looked, { kind: 'secret_leak', places: secrets.found, when }, false);
  return { state: { ...looked, searched: look.tree } };
}

function ranOutOfTime(run: IterationRun, settings: VerdictSettings): StopCause | undefined {
  if (run.outOfTime) return { kind: 'time_limit', minutes: minutesOf(settings.timeLimitMs ?? 0), when: run.outOfTime };
  if (!run.timedOut) return undefined;
  return { kind: 'iteration_timeout', iteration: run.record.number, minutes: minutesOf(settings.iterationTimeoutMs) };
}

/**
 * A check that ran to its end is the last check, and the next prompt says what a failed one said; one stopped by a
 * cancellation or the time limit neither passed nor failed. What the check writes is not Claude's progress: the next
 * iteration is compared with the tree as the check left it.
 */
function afterCheck(state: RunState, check: CheckStage, record: IterationRecord, settings: VerdictSettings): Step {
  const number = record.number;
  if ('error' in check) return stopped(state, { kind: 'check_error', iteration: number, error: check.error });
  const { result, look } = check;
  let checked = state;
  if (look !== undefined) {
    const lastCheck = { ...record.check!, command: settings.checkCommand, iteration: number, output: result.output };
    const checkReport = result.passed ? undefined : checkFailureReport(result, settings.checkTimeoutMs);
    const when: LoopMoment = { stage: 'after_check', iteration: number };
    const checkedTree = 'tree' in look ? look.tree : state.checkedTree;
    const step = afterLook({ ...state, lastCheck, checkReport, checkedTree }, look, when);
    if (step.verdict) return step;
    checked = step.state;
  }
  if (check.cancelled) return stopped(checked, { kind: 'cancelled', iteration: state.records.length });
  if (!check.outOfTime) return { state: checked };
  const when = { at: 'during_check', iteration: number } as const;
  return stopped(checked, { kind: 'time_limit', minutes: minutesOf(settings.timeLimitMs ?? 0), when });
}

/** Claude's gate, its failure, the breaker and the budget, in that order. */
function judge(state: RunState, result: IterationResult, settings: VerdictSettings): Next {
  const { record, failure } = result.run;
  const check = result.check && 'result' in result.check ? result.check.result : undefined;
  const gate = record.gate;
  if (gate?.ready && claudeFinished(failure) && (check === undefined || check.passed)) {
    const warning = failure ? `Iteration ${record.number} completed the task and also reached the budget.` : undefined;
    return { state, verdict: { stop: { kind: 'completed', gateReason: gate.reason ?? '' }, save: true, warning } };
  }
  if (failure) return failed(state, result, failure, settings);
  const counted = countIteration(state, record, check, settings);
  if (counted.verdict) return counted;
  if (budgetSpent(state.totals.costUsd, settings))
    return stopped(counted.state, budgetCause(state, settings, undefined));
  return { state: counted.state, verdict: { stop: undefined, note: continueNote(gate, check, record.check?.end) } };
}

/** The breaker counts an iteration that neither completed nor failed, and may trip. */
function countIteration(
  state: RunState,
  record: IterationRecord,
  check: CheckResult | undefined,
  settings: VerdictSettings,
): Step {
  // A check that fails the same way again and again is the same error, whatever blockers Claude lists.
  const error =
    check && !check.passed ? checkFailureSignature(check, settings.checkTimeoutMs) : record.gate?.blockers?.[0];
  const breaker = new CircuitBreaker(settings, state.breaker);
  breaker.iterationCount = state.records.length - 1;
  const goOn = breaker.recordIteration(record.changed, error);
  const counted = { ...state, breaker: breaker.counters };
  if (goOn) return { state: counted };
  const trip = breaker.trip!;
  // At the iteration limit, a ready gate whose check failed is why the loop did not complete.
  const checkEnd = trip.cause === 'max_iterations' && record.gate?.ready && check ? record.check!.end : undefined;
  const denials = denialsOf(state, settings);
  return stopped(counted, { kind: 'breaker', trip: trip.cause, tripReason: trip.reason, denials, checkEnd });
}

function continueNote(gate: RunState['lastGate'], check: CheckResult | undefined, end: string | undefined): string {
  if (gate?.ready && check && !check.passed) return `Claude reported ready, but the check failed (${end}): continuing`;
  if (gate) return `not ready: ${gate.reason || 'no reason given'}`;
  return 'no COMPLETION_GATE, continuing';
}

/** An iteration that failed: for the budget, a usage limit, or its own error. */
function failed(state: RunState, result: IterationResult, failure: IterationFailure, settings: VerdictSettings): Next {
  if (failure.kind === 'budget') return stopped(state, budgetCause(state, settings, failure));
  // The reset lies beyond what this run may wait: a later run continues (the state keeps the reset time).
  if (failure.kind === 'usage_limit') {
    const cause: StopCause = { kind: 'usage_limit', message: failure.message, resetsAt: failure.resetAt };
    return stopped({ ...state, resetsAt: failure.resetAt }, cause);
  }
  // A run that failed once the budget was spent (its retries were not made) ends for the budget.
  if (budgetSpent(state.totals.costUsd, settings)) return stopped(state, budgetCause(state, settings, undefined));
  const number = result.run.record.number;
  const savedSessionFailed = state.saved !== undefined && number === 1 && result.resumeRefused;
  return stopped({ ...state, savedSessionFailed }, failureCause(failure, number));
}

/** The stop cause of an iteration's own failure. */
export function failureCause(failure: IterationFailure, iteration: number): StopCause {
  if (failure.auth) return { kind: 'auth', ...failure.auth, cliSaid: failure.message };
  return { kind: 'iteration_failed', iteration, message: failure.message };
}

export function budgetSpent(costUsd: number, settings: Pick<LoopSettings, 'maxBudgetUsd'>): boolean {
  return costUsd >= (settings.maxBudgetUsd ?? Infinity);
}

function budgetCause(state: RunState, settings: VerdictSettings, cliStop: IterationFailure | undefined): StopCause {
  if (settings.maxBudgetUsd === undefined) return { kind: 'cli_budget', message: cliStop!.message };
  return {
    kind: 'budget',
    spentUsd: state.totals.costUsd,
    costKnown: state.totals.costKnown,
    limitUsd: settings.maxBudgetUsd,
    cliStop: cliStop?.message,
    denials: denialsOf(state, settings),
  };
}

/** A loop that stopped short while the permission mode denied Claude's tool calls says so: that is likely why. */
function denialsOf(state: RunState, settings: Pick<LoopSettings, 'permissionMode'>): Denials | undefined {
  if (Object.keys(state.deniedTools).length === 0) return undefined;
  return { permissionMode: settings.permissionMode, deniedTools: state.deniedTools };
}
