/**
 * The check command: what makes `completed` rest on the repository rather than on Claude's word. It runs like a
 * workflow `run:` step (`bash -e -o pipefail`), in its own process group, with the job's environment less the
 * action's secrets and inputs. Its output is untrusted (the repository's code, which Claude edits): it is redacted,
 * stripped of colours and bounded before it goes anywhere. What a result means to the loop is in `core/check.ts`.
 */
import { StringDecoder } from 'node:string_decoder';
import { runProgram } from './process-group.js';
import type { Secrets } from '../text/untrusted-text.js';
import { CHECK_OUTPUT_MAX_BYTES, CHECK_OUTPUT_MAX_LINES, type CheckResult } from '../core/check.js';

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
    timedOut: run.stopped === 'timedOut',
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
