/**
 * What the loop reads of one run of the CLI: the port between the rules in core/ and the process in claude/, which
 * fills it (`StreamState` is the stream's side of it).
 */
import type { Gate } from './gate.js';

/** The `result` line that ends a run of the CLI. */
export interface ResultInfo {
  subtype: string;
  isError: boolean;
  apiErrorStatus: number | undefined;
  /** The final text, or the error text when `isError`. */
  text: string;
  sessionId: string | undefined;
  turns: number;
  /** The result line's `api_error`, e.g. `usage_limit_reached`. */
  apiError: string | undefined;
}

/** Tokens as the result lines count them. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/**
 * A subscription's usage limit, as the CLI's `rate_limit_event` line (`rate_limit_info`) or its `usage_limit_reached`
 * error said it: `rejected` stops requests until `resetsAt`; otherwise how much of the limit is used.
 */
export interface RateLimitInfo {
  rejected: boolean;
  /** Epoch milliseconds; undefined when not said. */
  resetsAt: number | undefined;
  /** `five_hour`, `seven_day`, … */
  limitType: string | undefined;
  /** The fraction of the limit used (0–1), when said. */
  utilization: number | undefined;
}

/** What the CLI's stream said over one run. */
export interface StreamSummary {
  readonly sessionId: string | undefined;
  readonly lastGate: Gate | undefined;
  readonly result: ResultInfo | undefined;
  readonly resultLines: number;
  readonly turns: number;
  readonly lines: number;
  readonly malformedLines: number;
  readonly toolCalls: number;
  readonly deniedTools: Readonly<Record<string, number>>;
  readonly invalidCosts: readonly string[];
  readonly costUsd: number;
  readonly tokens: Readonly<TokenUsage>;
  /** The usage limit that refused this run's requests, if one did. */
  readonly usageLimit: RateLimitInfo | undefined;
  /** The highest utilization of a limit that still allowed requests, when it was 80% or more. */
  readonly usageWarning: RateLimitInfo | undefined;
}

export interface ProcessOutcome {
  stream: StreamSummary;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** The last few KiB of stderr, for error reasons; secrets redacted. */
  stderrTail: string;
  /** Lines of stdout longer than the line cap, dropped unread (they still reach the transcript). */
  droppedLines: number;
  timedOut: boolean;
  cancelled: boolean;
  /** It lingered after its result line and was stopped: the result line still stands. */
  stoppedAfterResult: boolean;
  /** The CLI could not be started at all (missing, not executable). */
  spawnError: string | undefined;
  durationMs: number;
}
