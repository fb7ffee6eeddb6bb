/**
 * How long the GitHub requests at the end of the action (the issue, the status comment's last update) may take. The
 * outputs and the summary are written before them, so this only bounds how long the step can be held: within
 * `time-limit-minutes` when one is set, never more than `MAX_FINAL_CALLS_MS`, and after a cancellation only until the
 * runner's second signal (SIGTERM, 7.5 s after SIGINT) or `CANCELLED_FINAL_CALLS_MS`.
 */
import { timeLimit } from './github-client.js';

export const MAX_FINAL_CALLS_MS = 30_000;
/** Even a loop stopped by its time limit gets this long to open its issue (`open-issue-on: time_limit_reached`). */
export const MIN_FINAL_CALLS_MS = 5_000;
export const CANCELLED_FINAL_CALLS_MS = 5_000;

/** The time the final calls get, from `now`; `deadline` is when the time limit ends (undefined without one). */
export function finalCallsBudgetMs(now: number, deadline: number | undefined, cancelled: boolean): number {
  if (cancelled) return CANCELLED_FINAL_CALLS_MS;
  const left = deadline === undefined ? MAX_FINAL_CALLS_MS : deadline - now;
  return Math.min(MAX_FINAL_CALLS_MS, Math.max(MIN_FINAL_CALLS_MS, left));
}

/** The signal the final calls run under; its reason says why a request was given up. */
export function finalCallsSignal(budgetMs: number, hardStop: AbortSignal): AbortSignal {
  const seconds = Math.round(budgetMs / 100) / 10;
  return timeLimit(budgetMs, `no answer from GitHub within the ${seconds} s left for reporting`, hardStop);
}
