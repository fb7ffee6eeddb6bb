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
