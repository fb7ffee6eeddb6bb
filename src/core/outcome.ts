/**
 * What a run of the loop ends with. One `LoopOutcome` carries everything the reports need; the outputs, the job
 * summary and the issue are all functions of it. `Totals` is the one way iterations, cost and turns add up.
 */
import type { Gate } from './gate.js';
import type { RateLimitInfo, TokenUsage } from './iteration-run.js';
import { isoTime } from './failure.js';
import { statusOf, type StopCause } from './stop-cause.js';

export const STATUSES = [
  'completed',
  'iteration_limit_reached',
  'no_progress',
  'repeated_error',
  'budget_exceeded',
  'usage_limited',
  'time_limit_reached',
  'timed_out',
  'cancelled',
  'failed',
] as const;

export type LoopStatus = (typeof STATUSES)[number];

export function isStatus(value: string): value is LoopStatus {
  return (STATUSES as readonly string[]).includes(value);
}

/** One iteration as the reports show it (a row of the summary's table). */
export interface IterationRecord {
  /** 1-based. */
  number: number;
  durationMs: number;
  turns: number;
  toolCalls: number;
  /** What the CLI reported; only a lower bound when `costKnown` is false. */
  costUsd: number;
  /** False when a run of the CLI in this iteration stopped before its result line said what it cost. */
  costKnown: boolean;
  /** The work tree differs from before the iteration (content, or a new commit). */
  changed: boolean;
  /** The last gate Claude printed in this iteration, if any. */
  gate: Gate | undefined;
  /** One note per re-run after a transient API error, e.g. "attempt 1 failed: …; retried after 5 s". */
  retryNotes: string[];
  /** The result line's subtype (`success`, `error_max_turns`, ...), if a result line arrived. */
  subtype: string | undefined;
  /** Why the iteration itself failed, if it did. */
  error: string | undefined;
  /** Tool calls the CLI's permission mode denied, by tool name (from the result lines' `permission_denials`). */
  deniedTools: Record<string, number>;
  /** The check command after this iteration, if it ran. */
  check: CheckRecord | undefined;
  /** A usage limit that was 80% used or more in this iteration (it still allowed requests). */
  usageWarning?: RateLimitInfo;
}

/** One run of the check command, as the reports show it. */
export interface CheckRecord {
  passed: boolean;
  /** How it ended, in a few words: "exit code 1", "timed out after 10 min and was stopped". */
  end: string;
  durationMs: number;
}

/** The last run of the check command, with the end of its output for the reports. */
export interface LastCheck extends CheckRecord {
  command: string;
  /** After iteration … */
  iteration: number;
  /** Colours stripped, secrets redacted, bounded. */
  output: string;
  /**
   * A later iteration changed the work tree after this check, or was stopped before the tree could be looked at: the
   * check says nothing about the work tree the loop ended with.
   */
  stale: boolean;
}

/** Iterations, cost and turns: summed the same way for an iteration, a run, the earlier runs and a saved loop. */
export interface Totals {
  iterations: number;
  /** A lower bound when `costKnown` is false. */
  costUsd: number;
  costKnown: boolean;
  turns: number;
}

export const NO_TOTALS: Totals = { iterations: 0, costUsd: 0, costKnown: true, turns: 0 };

export function addTotals(a: Readonly<Totals>, b: Readonly<Totals>): Totals {
  return {
    iterations: a.iterations + b.iterations,
    costUsd: a.costUsd + b.costUsd,
    costKnown: a.costKnown && b.costKnown,
    turns: a.turns + b.turns,
  };
}

export interface LoopOutcome extends Totals {
  status: LoopStatus;
  /** `cause` in the words of the front end that ran the loop. */
  reason: string;
  cause: StopCause;
  /** The effective iteration limit (after the hard limit's clamp). */
  maxIterations: number;
  records: IterationRecord[];
  /** The last gate seen in any iteration. */
  lastGate: Gate | undefined;
  sessionId: string;
  /** Undefined when the work tree could not be compared with where the loop started. */
  filesChanged: number | undefined;
  transcriptFile: string;
  /** The last run of the check command, if one ran. */
  lastCheck: LastCheck | undefined;
  /** What the earlier runs of this loop did, when this run continued a saved loop. */
  earlier: EarlierRuns | undefined;
  /** The state directory holds how this run ended: a later run continues the loop unless it completed. */
  stateSaved: boolean;
  /**
   * This run continued a saved loop, and the CLI failed in its first iteration for a reason that is neither transient
   * nor the credentials: resuming that session again would fail the same way in every later run.
   */
  savedSessionFailed: boolean;
  /** Claude's final text: the `result` of the last result line of this run ('' when none arrived). */
  resultText: string;
  /** From the loop's start to its end. */
  wallTimeMs: number;
  /** When the usage limit that paused the loop resets (epoch ms); set only with status `usage_limited`. */
  resetsAt: number | undefined;
  /** This run's tokens over all result lines. */
  tokens: TokenUsage;
  /**
   * The CLI ran on a subscription (an OAuth token): its cost is what the tokens would cost at API prices, not money
   * spent. The host sets it.
   */
  subscription: boolean;
}

export function noTokens(): TokenUsage {
  return { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}

/** What the earlier runs of a continued loop did. Their iterations are not in `records`. */
export interface EarlierRuns extends Omit<Totals, 'turns'> {
  /** The task the loop started with. */
  prompt: string;
  runs: number;
}

/** Over every run of the loop. */
function allRuns(outcome: LoopOutcome): Totals {
  return addTotals(outcome, { ...NO_TOTALS, ...outcome.earlier });
}

/** Iterations over every run of the loop. */
export function totalIterations(outcome: LoopOutcome): number {
  return allRuns(outcome).iterations;
}

/** Cost over every run of the loop, and whether it is exact or a lower bound. */
export function totalCost(outcome: LoopOutcome): { usd: number; known: boolean } {
  const { costUsd, costKnown } = allRuns(outcome);
  return { usd: costUsd, known: costKnown };
}

/** An outcome for a loop that never started, e.g. because an input was invalid. */
export function failedBeforeStart(reason: string, maxIterations = 0): LoopOutcome {
  return endedBeforeStart('failed', reason, maxIterations);
}

/** An outcome for a loop that ended before its first iteration, for a reason already in words. */
export function endedBeforeStart(status: LoopStatus, reason: string, maxIterations = 0): LoopOutcome {
  return stoppedBeforeStart({ kind: 'worded', status, message: reason }, reason, maxIterations);
}

/** An outcome for a loop that ended before its first iteration: `reason` says `cause` in the front end's words. */
export function stoppedBeforeStart(cause: StopCause, reason: string, maxIterations = 0): LoopOutcome {
  return {
    status: statusOf(cause),
    reason,
    cause,
    iterations: 0,
    maxIterations,
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
    tokens: noTokens(),
    subscription: false,
  };
}

/** `Write (2), Bash (1)`: the tools whose calls the permission mode denied, most denied first. */
export function describeDenials(deniedTools: Readonly<Record<string, number>>): string {
  return Object.entries(deniedTools)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([tool, count]) => `${tool} (${count})`)
    .join(', ');
}

/** Dollars as every report shows them. */
export function formatCost(usd: number): string {
  return usd.toFixed(4);
}

/**
 * The last check, for the `check` output: `passed` or `failed` only when that describes the work tree the loop ended
 * with (a consumer must not take a check of an older tree for the final one), `stale` otherwise, '' without one.
 */
export function checkState(outcome: LoopOutcome): '' | 'stale' | 'passed' | 'failed' {
  const check = outcome.lastCheck;
  if (check === undefined) return '';
  if (check.stale) return 'stale';
  return check.passed ? 'passed' : 'failed';
}

/** The token counts under the names of the `tokens` output. */
export function tokenCounts(tokens: TokenUsage): Record<'input' | 'output' | 'cache_read' | 'cache_creation', number> {
  return {
    input: tokens.input,
    output: tokens.output,
    cache_read: tokens.cacheRead,
    cache_creation: tokens.cacheCreation,
  };
}

/** When the usage limit resets, for the `resets-at` output: '' unless the loop ended `usage_limited`. */
export function resetsAtText(outcome: LoopOutcome): string {
  return outcome.status === 'usage_limited' && outcome.resetsAt !== undefined ? isoTime(outcome.resetsAt) : '';
}
