/**
 * The check command: what makes `completed` rest on the repository rather than on Claude's word. It runs like a
 * workflow `run:` step (`bash -e -o pipefail`), in its own process group, with the job's environment less the
 * action's secrets and inputs. Its output is untrusted (the repository's code, which Claude edits): it is redacted,
 * stripped of colours and bounded before it goes anywhere.
 *
 * `runCheck` is the only I/O; what a failure says to Claude and when two failures are "the same" are pure.
 */
import { StringDecoder } from 'node:string_decoder';
import { runProgram } from './process-group.js';
import { oneLine } from './text.js';
import { codeFence, type Secrets } from './untrusted-text.js';

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

export interface CheckRequest {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  secrets: Secrets;
  /** Each line of output as it comes, for the live log. */
  onLine?(line: string): void;
}

/** A line of the live log longer than this is passed on in pieces: output without line breaks stays bounded. */
const MAX_LOG_LINE = 8 * 1024;

export async function runCheck(request: CheckRequest): Promise<CheckResult> {
  let tail = '';
  let partial = '';
  const redactor = request.secrets.streamRedactor();
  // A character split between two chunks is decoded whole.
  const decoder = new StringDecoder('utf8');
  const take = (text: string): void => {
    if (text === '') return;
    tail = (tail + text).slice(-4 * CHECK_OUTPUT_MAX_BYTES);
    if (request.onLine) {
      const lines = (partial + text).split(/\r\n|\r|\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) request.onLine(stripAnsi(line));
      while (partial.length > MAX_LOG_LINE) {
        request.onLine(stripAnsi(partial.slice(0, MAX_LOG_LINE)));
        partial = partial.slice(MAX_LOG_LINE);
      }
    }
  };
  const run = await runProgram('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', request.command], {
    env: request.env,
    cwd: request.cwd,
    signal: request.signal,
    timeoutMs: request.timeoutMs,
    onOutput: (chunk) => take(decoder.write(redactor.push(chunk))),
  });
  take(decoder.write(redactor.end()) + decoder.end());
  if (partial !== '' && request.onLine) request.onLine(stripAnsi(partial));
  return {
    command: request.secrets.redact(request.command),
    passed: run.stopped === undefined && run.spawnError === undefined && run.exitCode === 0,
    exitCode: run.stopped === undefined ? run.exitCode : null,
    timedOut: run.stopped === 'timed out',
    cancelled: run.stopped === 'cancelled',
    spawnError: run.spawnError?.message,
    durationMs: run.durationMs,
    output: boundOutput(stripAnsi(tail)),
  };
}

/** CSI sequences (colours, cursor moves), OSC sequences (titles, links), and other two-byte escapes. */
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** ANSI escape sequences, and the lone carriage returns of progress bars turned into line breaks. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(/\r(?!\n)/g, '\n');
}

/** The last `CHECK_OUTPUT_MAX_LINES` lines and at most `CHECK_OUTPUT_MAX_BYTES`, cut at a line start. */
export function boundOutput(text: string): string {
  let lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length > CHECK_OUTPUT_MAX_LINES) lines = lines.slice(-CHECK_OUTPUT_MAX_LINES);
  while (lines.length > 1 && Buffer.byteLength(lines.join('\n')) > CHECK_OUTPUT_MAX_BYTES) lines.shift();
  const kept = lines.join('\n');
  // One enormous line: keep its end.
  return Buffer.byteLength(kept) > CHECK_OUTPUT_MAX_BYTES ? kept.slice(-CHECK_OUTPUT_MAX_BYTES / 2) : kept;
}

/** "exit code 1", "timed out after 10 min", …: how the check ended, in a few words. */
export function describeCheckEnd(result: CheckResult, timeoutMs: number): string {
  if (result.timedOut) return `timed out after ${+(timeoutMs / 60_000).toFixed(3)} min and was stopped`;
  if (result.spawnError !== undefined) return `could not be started: ${result.spawnError}`;
  if (result.cancelled) return 'was stopped: the job was cancelled';
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
