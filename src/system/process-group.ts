/**
 * Runs a program without a shell in its own process group, so that stopping it also stops everything it started
 * (npm's install scripts, a test runner's workers); keeps the live groups, for a hard exit to kill. The program ends
 * as a `run:` step does: what it left behind gets a short grace for its output, then the group is killed. On abort or
 * time-out the group gets SIGTERM, then SIGKILL after a grace period. Never rejects: the caller decides each end.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface ProgramOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** How long a background process may keep the output open after the program exited (default 2 s). */
  outputGraceMs?: number;
  /** Every chunk of stdout and stderr, in the order they arrive. */
  onOutput?(chunk: Buffer): void;
}

export interface ProgramRun {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Set when the program did not end by itself: the group was stopped. */
  stopped: 'cancelled' | 'timedOut' | undefined;
  /** The program could not be started; `code` is e.g. ENOENT. */
  spawnError: { code: string | undefined; message: string } | undefined;
  /** The ends of its output: only the end of a program's output is ever shown. */
  stdout: string;
  stderr: string;
  durationMs: number;
}

const OUTPUT_LIMIT = 64 * 1024;

/** The end of an output, from the start of a line: a cut in mid-line could leave half a secret, unrecognisable. */
function keepEnd(text: string): string {
  if (text.length <= OUTPUT_LIMIT) return text;
  const end = text.slice(-OUTPUT_LIMIT);
  const lineStart = end.indexOf('\n');
  return lineStart >= 0 ? end.slice(lineStart + 1) : end;
}

/** Sends `signal` to the process group led by `pid`; a group that is gone already is fine. */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * The groups started and not yet killed at their end. A group of its own never gets the terminal's Ctrl-C: a process
 * that exits without killing them leaves Claude and its tools running with no parent.
 */
const liveGroups = new Set<number>();

/** Records the group led by `pid` as live; call the function returned once the group has been killed at its end. */
export function trackProcessGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  liveGroups.add(pid);
  return () => void liveGroups.delete(pid);
}

export function liveProcessGroups(): number[] {
  return [...liveGroups];
}

/** Sends `signal` to every live group, synchronously: a hard exit (and the process's 'exit' event) cannot wait. */
export function killAllGroups(signal: NodeJS.Signals): void {
  for (const pid of liveGroups) killProcessGroup(pid, signal);
}

export function runProgram(command: string, args: readonly string[], options: ProgramOptions): Promise<ProgramRun> {
  const started = Date.now();
  const { signal } = options;
  return new Promise((resolve) => {
    const result = (fields: Partial<ProgramRun>): ProgramRun => ({
      exitCode: null,
      exitSignal: null,
      stopped: undefined,
      spawnError: undefined,
      stdout,
      stderr,
      durationMs: Date.now() - started,
      ...fields,
    });
    let stdout = '';
    let stderr = '';
    if (signal?.aborted) return resolve(result({ stopped: 'cancelled' }));
    const stdoutDecoder = new StringDecoder('utf8');
    const stderrDecoder = new StringDecoder('utf8');

    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forgetGroup = trackProcessGroup(child.pid);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = keepEnd(stdout + stdoutDecoder.write(chunk));
      options.onOutput?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = keepEnd(stderr + stderrDecoder.write(chunk));
      options.onOutput?.(chunk);
    });

    let stopping: 'cancelled' | 'timedOut' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let outputTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const cleanUp = (): void => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
      clearTimeout(killTimer);
      clearTimeout(outputTimer);
      forgetGroup();
    };
    const finishStopped = (): void => {
      settled = true;
      // Whatever the program left behind must not outlive it.
      killProcessGroup(child.pid, 'SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      cleanUp();
      resolve(result({ exitCode: child.exitCode, exitSignal: child.signalCode, stopped: stopping }));
    };
    const finishExited = (): void => {
      if (settled) return;
      settled = true;
      // Whatever the program left behind (a server started with `&`) must not outlive it.
      killProcessGroup(child.pid, 'SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      cleanUp();
      resolve(result({ exitCode: child.exitCode, exitSignal: child.signalCode }));
    };
    const stop = (why: 'cancelled' | 'timedOut'): void => {
      if (stopping !== undefined) return;
      stopping = why;
      // Exited, and only its output's grace was left: a cancellation stops that; a time-out came too late to count.
      if (child.exitCode !== null || child.signalCode !== null) {
        return why === 'cancelled' ? finishStopped() : finishExited();
      }
      killProcessGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 1_000);
    };
    const onAbort = (): void => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timedOut'), options.timeoutMs);

    child.on('error', (error: NodeJS.ErrnoException) => {
      settled = true;
      cleanUp();
      resolve(result({ spawnError: { code: error.code, message: error.message } }));
    });
    // On a stop, 'exit' rather than 'close': the program's children may hold its output pipes open. Otherwise the
    // program's end is its end: a background process holding the output gets a moment to finish writing, no more.
    child.on('exit', () => {
      if (stopping !== undefined) finishStopped();
      else outputTimer = setTimeout(finishExited, options.outputGraceMs ?? 2_000);
    });
    child.on('close', () => {
      if (stopping === undefined) finishExited();
    });
  });
}
