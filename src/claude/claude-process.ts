/**
 * Runs the CLI once: spawns it directly (no shell) in its own process group, writes the prompt to stdin, streams
 * stdout line by line into a `StreamState`, appends the raw bytes to the transcript, and stops the whole group on a
 * time-out, on cancellation, or when the CLI lingers after its result line.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './line-splitter.js';
import { killProcessGroup, trackProcessGroup } from '../system/process-group.js';
import { StreamState, type StreamEvent } from './stream-json.js';
import type { TranscriptSink } from './transcript.js';
import type { Secrets } from '../text/untrusted-text.js';
import type { ProcessOutcome } from '../core/iteration-run.js';

export interface ProcessRequest {
  executable: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Sent on stdin, so its size is never limited by the command line. */
  prompt: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Raw stdout goes here (the JSONL transcript). */
  transcript: TranscriptSink;
  /** Redacted from stderr before its tail is kept: the tail goes into reasons, summaries and issues. */
  secrets: Secrets;
  onEvent(event: StreamEvent): void;
  /** How long the CLI may linger after its result line before it is stopped. */
  resultGraceMs?: number;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

const STDERR_TAIL_BYTES = 8 * 1024;

export function runClaudeProcess(request: ProcessRequest): Promise<ProcessOutcome> {
  const started = Date.now();
  const stream = new StreamState();
  const resultGraceMs = request.resultGraceMs ?? 5_000;
  const killGraceMs = request.killGraceMs ?? 3_000;

  return new Promise((resolve) => {
    let stderrTail = '';
    let timedOut = false;
    let cancelled = false;
    let stoppedAfterResult = false;
    let spawnError: string | undefined;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(request.executable, request.args, {
      cwd: request.cwd,
      env: request.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that stopping it also stops the tools it started (and nothing is orphaned).
      detached: true,
    });
    const forgetGroup = trackProcessGroup(child.pid);

    const killGroup = (signal: NodeJS.Signals): void => killProcessGroup(child.pid, signal);
    const stop = (): void => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), killGraceMs));
    };

    const splitter = new LineSplitter((line) => {
      const hadResult = stream.result !== undefined;
      for (const event of stream.consumeBytes(line)) request.onEvent(event);
      if (!hadResult && stream.result !== undefined) {
        // The iteration is over once the result line is in; a CLI that does not exit is stopped.
        timers.push(
          setTimeout(() => {
            stoppedAfterResult = true;
            stop();
          }, resultGraceMs),
        );
      }
    });

    child.stdout.on('data', (chunk: Buffer) => {
      // A transcript that failed (disk full) is given up: reading never waits for it.
      if (!request.transcript.write(chunk)) {
        child.stdout.pause();
        request.transcript.onDrain(() => child.stdout.resume());
      }
      splitter.push(chunk);
    });
    // Redacted before it is cut (a cut could leave half a secret), and decoded whole characters at a time.
    const stderrDecoder = new StringDecoder('utf8');
    const keepStderr = (bytes: Buffer): void => {
      if (bytes.length > 0) stderrTail = (stderrTail + stderrDecoder.write(bytes)).slice(-STDERR_TAIL_BYTES);
    };
    const stderrRedactor = request.secrets.streamRedactor();
    child.stderr.on('data', (chunk: Buffer) => keepStderr(stderrRedactor.push(chunk)));
    // The CLI may exit before it reads the prompt (a usage error): that is reported by its exit, not by EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.prompt);

    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, request.timeoutMs),
    );
    const onAbort = (): void => {
      cancelled = true;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), Math.min(killGraceMs, 2_000)));
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      // What a tool left in the group without holding the output must not outlive the iteration either.
      killGroup('SIGKILL');
      forgetGroup();
      splitter.end();
      keepStderr(stderrRedactor.end());
      for (const timer of timers) clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
      resolve({
        stream,
        exitCode,
        exitSignal,
        stderrTail: stderrTail.trim(),
        droppedLines: splitter.droppedLines,
        timedOut,
        cancelled,
        stoppedAfterResult,
        spawnError,
        durationMs: Date.now() - started,
      });
    };

    child.on('error', (error) => {
      spawnError = error.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // A tool may have left a background process holding stdout open: give the pipe a moment, then stop the group.
      timers.push(
        setTimeout(() => {
          killGroup('SIGKILL');
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, 2_000),
      );
    });
    child.on('close', finish);
  });
}
