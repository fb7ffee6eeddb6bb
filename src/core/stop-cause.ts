/**
 * Why a loop stopped, as data: the core and the runner say what happened, each front end says it in its own words
 * (input names for the Action, flags for the terminal) with its `Describe`. `statusOf` gives the status of each.
 */
import type { TripCause } from './breaker.js';
import type { LoopStatus } from './outcome.js';
import type { CloudProvider } from './providers.js';
import { shorten } from '../text/text.js';
import { isoTime } from './failure.js';

/** Where in the loop something happened. */
export interface LoopMoment {
  stage: 'before' | 'in' | 'after' | 'after_check';
  iteration: number;
}

/** When a run's time limit stopped it. */
export type TimeLimitWhen =
  | { at: 'before_iteration'; iteration: number }
  /** The iteration was stopped at the limit. */
  | { at: 'during_iteration'; iteration: number }
  /** A transient API error could have been retried, but not before the limit. */
  | { at: 'before_retry'; iteration: number; error: string }
  | { at: 'during_check'; iteration: number }
  /** Setting up Claude Code or the sandbox; `during` says what was under way (e.g. "while npm installed it"). */
  | { at: 'setup'; what: 'claude' | 'sandbox'; during: string };

/** The tool calls the permission mode denied, when there were any: a likely reason why a loop stopped short. */
export interface Denials {
  permissionMode: string;
  deniedTools: Readonly<Record<string, number>>;
}

/** Which credential a rejection concerns: the one Claude ran with, none at all, or a cloud's. */
export type AuthCredential = 'api-key' | 'oauth-token' | 'api-key-or-oauth-token' | 'none' | 'cloud';

export type StopCause =
  | { kind: 'completed'; gateReason: string }
  | { kind: 'cancelled'; iteration: number }
  | { kind: 'cancelled_setup'; what: 'claude' | 'sandbox' }
  | { kind: 'time_limit'; minutes: number; when: TimeLimitWhen }
  | { kind: 'iteration_timeout'; iteration: number; minutes: number }
  /** This run's cost reached the budget; `cliStop` when the CLI stopped itself at what was left of it. */
  | {
      kind: 'budget';
      spentUsd: number;
      costKnown: boolean;
      limitUsd: number;
      cliStop: string | undefined;
      denials: Denials | undefined;
    }
  /** The CLI stopped at a budget of its own (one in its arguments), without a budget of the loop's. */
  | { kind: 'cli_budget'; message: string }
  | { kind: 'usage_limit'; message: string; resetsAt: number | undefined }
  /** A saved loop that a usage limit paused, in a run that starts before the reset. */
  | { kind: 'usage_paused'; resetsAt: number; runs: number; earlierReason: string }
  | {
      kind: 'auth';
      credential: AuthCredential;
      /** With credential `cloud`. */
      provider: CloudProvider | undefined;
      status: number | undefined;
      cliSaid: string;
    }
  | { kind: 'breaker'; trip: TripCause; tripReason: string; denials: Denials | undefined; checkEnd: string | undefined }
  | { kind: 'iteration_failed'; iteration: number; message: string }
  /** The check command could not be run at all. */
  | { kind: 'check_error'; iteration: number; error: string }
  | { kind: 'secret_leak'; places: readonly string[]; when: LoopMoment }
  | { kind: 'secret_search_failed'; error: string; when: LoopMoment }
  | { kind: 'work_tree'; error: string; when: LoopMoment }
  /** A dependency of the loop broke (a thrown error). */
  | { kind: 'crashed'; error: string; when: LoopMoment }
  /** A reason already in words: an error's message, or the front end's own (an input it refused). */
  | { kind: 'worded'; status: LoopStatus; message: string };

/** How a front end says a cause. */
export type Describe = (cause: StopCause) => string;

const STATUS_OF_TRIP: Record<TripCause, LoopStatus> = {
  max_iterations: 'iteration_limit_reached',
  no_changes: 'no_progress',
  same_error: 'repeated_error',
};

const STATUS_OF_KIND: Record<Exclude<StopCause['kind'], 'breaker' | 'worded'>, LoopStatus> = {
  completed: 'completed',
  cancelled: 'cancelled',
  cancelled_setup: 'cancelled',
  time_limit: 'time_limit_reached',
  iteration_timeout: 'timed_out',
  budget: 'budget_exceeded',
  cli_budget: 'budget_exceeded',
  usage_limit: 'usage_limited',
  usage_paused: 'usage_limited',
  auth: 'failed',
  iteration_failed: 'failed',
  check_error: 'failed',
  secret_leak: 'failed',
  secret_search_failed: 'failed',
  work_tree: 'failed',
  crashed: 'failed',
};

export function statusOf(cause: StopCause): LoopStatus {
  if (cause.kind === 'breaker') return STATUS_OF_TRIP[cause.trip];
  if (cause.kind === 'worded') return cause.status;
  return STATUS_OF_KIND[cause.kind];
}

/** "before iteration 1", "after the check of iteration 2". */
export function describeMoment({ stage, iteration }: LoopMoment): string {
  if (stage === 'after_check') return `after the check of iteration ${iteration}`;
  return `${stage} iteration ${iteration}`;
}

/** A minute count as the reasons show it: at most three decimals. */
export function minutesOf(ms: number): number {
  return +(ms / 60_000).toFixed(3);
}

/** At most this many places where a secret was found are named in a reason, each at most this long. */
const MAX_LEAK_PLACES = 10;
const MAX_LEAK_PLACE = 200;

/** "notes.txt, a1b2c3d and 2 more": where a secret was found (never what), bounded. */
export function describePlaces(places: readonly string[]): string {
  const named = places.slice(0, MAX_LEAK_PLACES).map((place) => shorten(place, MAX_LEAK_PLACE));
  const more = places.length > MAX_LEAK_PLACES ? ` and ${places.length - MAX_LEAK_PLACES} more` : '';
  return `${named.join(', ')}${more}`;
}

/** When a time limit stopped the loop, to end a sentence: "during iteration 2, which was stopped." */
export function describeTimeLimitWhen(when: TimeLimitWhen): string {
  switch (when.at) {
    case 'before_iteration':
      return `before iteration ${when.iteration}.`;
    case 'during_iteration':
      return `during iteration ${when.iteration}, which was stopped.`;
    case 'before_retry':
      return `in iteration ${when.iteration}, before it could retry a transient API error (${when.error}).`;
    case 'during_check':
      return `while the check after iteration ${when.iteration} ran.`;
    case 'setup':
      return when.what === 'claude'
        ? `while setting up Claude Code. Set-up ran out of time ${when.during}; it was stopped.`
        : 'while setting up the sandbox. Installing its tools was stopped.';
  }
}

const PLAIN_KINDS = [
  'completed',
  'cli_budget',
  'usage_limit',
  'iteration_failed',
  'worded',
  'usage_paused',
  'check_error',
  'work_tree',
  'crashed',
  'secret_search_failed',
] as const;

/** A cause that names nothing of a front end (no setting, no credential): every front end says it the same way. */
export type PlainCause = Extract<StopCause, { kind: (typeof PLAIN_KINDS)[number] }>;

export function isPlain(cause: StopCause): cause is PlainCause {
  return (PLAIN_KINDS as readonly string[]).includes(cause.kind);
}

/** The words of a plain cause, the same for every front end. */
export function plainWords(cause: PlainCause): string {
  switch (cause.kind) {
    case 'completed':
      return cause.gateReason || 'Claude reported the task complete.';
    case 'cli_budget':
    case 'usage_limit':
    case 'iteration_failed':
    case 'worded':
      return cause.message;
    case 'usage_paused':
      return (
        `The loop is paused by the usage limit until ${isoTime(cause.resetsAt)} (saved by run ` +
        `${cause.runs}); a run after then continues it. The earlier run said: ${cause.earlierReason}`
      );
    case 'check_error':
      return cause.error;
    case 'work_tree':
      return `Could not look at the work tree ${describeMoment(cause.when)}: ${cause.error}`;
    case 'crashed':
      return `The loop stopped ${describeMoment(cause.when)}: ${cause.error}`;
    case 'secret_search_failed':
      return (
        `Could not search what the loop changed for secrets ${describeMoment(cause.when)}: ${cause.error}. The loop ` +
        'stops, as nothing can tell that its work holds none.'
      );
  }
}
