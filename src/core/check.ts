/**
 * What a check's result means to the loop: how it ended in words, when two failures are the same, and what the next
 * prompt tells Claude. Pure; `system/check-command.ts` runs the command.
 */
import { oneLine } from '../text/text.js';
import { codeFence } from '../text/untrusted-text.js';

export const CHECK_ON = ['ready', 'every-iteration'] as const;
export type CheckOn = (typeof CHECK_ON)[number];

/** What of the check's output is kept: its end, where test runners put their verdict. */
export const CHECK_OUTPUT_MAX_LINES = 200;
export const CHECK_OUTPUT_MAX_BYTES = 16 * 1024;

export interface CheckResult {
  /** The command as it may be shown: secrets redacted. */
  command: string;
  passed: boolean;
  /** Null when it was stopped or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  /** It could not be started at all (no bash). */
  spawnError: string | undefined;
  durationMs: number;
  /** The end of stdout and stderr together, as they came: colours stripped, secrets redacted, bounded. */
  output: string;
}

/** "exit code 1", "timed out after 10 min", …: how the check ended, in a few words. */
export function describeCheckEnd(result: CheckResult, timeoutMs: number): string {
  if (result.timedOut) return `timed out after ${+(timeoutMs / 60_000).toFixed(3)} min and was stopped`;
  if (result.spawnError !== undefined) return `could not be started: ${result.spawnError}`;
  if (result.cancelled) return 'was stopped: the run was cancelled';
  return `exit code ${result.exitCode}`;
}

/**
 * When two failures of the check are "the same": the same way of ending (exit code, or time-out) and the same last
 * meaningful line of output (one with a letter or digit), with whitespace folded and what changes from run to run
 * without meaning anything taken out: durations, clock times and dates, and hexadecimal ids such as commit hashes.
 * Counts of passed and failed tests are kept: fewer failures is progress.
 */
export function checkFailureSignature(result: CheckResult, timeoutMs: number): string {
  const lines = result.output.split('\n').filter((line) => /[\p{L}\p{N}]/u.test(line));
  const last = normalizeLine(lines.at(-1) ?? '');
  return `The check failed (${describeCheckEnd(result, timeoutMs)})${last ? `: ${last}` : ''}`;
}

function normalizeLine(line: string): string {
  return oneLine(line)
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b/g, '<time>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|secs|seconds?|m|min|mins|minutes?)\b/g, '<duration>')
    .replace(/\b[0-9a-f]{7,40}\b/g, '<id>');
}

/** What the next iteration's prompt says after the continuation prompt when the check failed. */
export function checkFailureReport(result: CheckResult, timeoutMs: number): string {
  const fence = codeFence(result.output);
  const output = result.output === '' ? '(no output)' : [fence, result.output, fence].join('\n');
  return [
    'The loop ran the check command after your last reply, and it failed: the task is not complete until it passes.',
    '',
    `Command: ${result.command}`,
    `Result: ${describeCheckEnd(result, timeoutMs)}`,
    `The end of its output (stdout and stderr, at most ${CHECK_OUTPUT_MAX_LINES} lines):`,
    output,
    '',
    'Fix what it reports, then end your reply with the completion gate again.',
  ].join('\n');
}
