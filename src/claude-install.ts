/**
 * Finds the `claude` executable: the `claude-path` input, else `claude` on PATH, else the pinned version installed
 * with npm into the runner's tool cache (kept there for later jobs on a self-hosted runner).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** How long a stopped child (and its children) get after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 1_000;
const VERSION_TIMEOUT_MS = 30_000;

export interface ClaudeExecutable {
  path: string;
  version: string;
  source: 'claude-path' | 'PATH' | 'tool cache' | 'installed';
}

export class ClaudeNotFoundError extends Error {
  override name = 'ClaudeNotFoundError';
}

/** The job was cancelled while `claude --version` or the npm install ran; they and their children are stopped. */
export class SetupCancelledError extends Error {
  override name = 'SetupCancelledError';
}

/**
 * @param env for `claude --version` and `npm install`: keep secrets out of it (`withoutSecrets`).
 * @param signal on abort, stops what runs (with all its children) and rejects with `SetupCancelledError`.
 */
export async function locateClaude(
  claudePath: string,
  claudeVersion: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
  signal?: AbortSignal,
): Promise<ClaudeExecutable> {
  if (signal?.aborted) throw new SetupCancelledError('Cancelled before looking for claude.');
  if (claudePath !== '') {
    const resolved = path.resolve(claudePath);
    if (!isExecutableFile(resolved)) {
      throw new ClaudeNotFoundError(
        `Input 'claude-path' is "${claudePath}", but ${resolved} is not an executable file.`,
      );
    }
    return { path: resolved, version: await versionOf(resolved, env, signal), source: 'claude-path' };
  }

  const onPath = findOnPath('claude', env.PATH ?? '');
  if (onPath) return { path: onPath, version: await versionOf(onPath, env, signal), source: 'PATH' };

  const prefix = path.join(env.RUNNER_TOOL_CACHE || path.join(os.tmpdir(), 'tool-cache'), 'claude-code', claudeVersion);
  const cached = path.join(prefix, 'node_modules', '.bin', 'claude');
  if (isExecutableFile(cached)) {
    // A broken cached copy is reinstalled; a cancellation is not a broken copy.
    const version = await versionOf(cached, env, signal).catch((error: unknown) => {
      if (error instanceof SetupCancelledError) throw error;
      return '';
    });
    if (version !== '') return { path: cached, version, source: 'tool cache' };
  }

  const what = `@anthropic-ai/claude-code@${claudeVersion}`;
  log(`No claude on PATH: installing ${what} into ${prefix}`);
  mkdirSync(prefix, { recursive: true });
  // Install scripts must run: the package's postinstall puts the native binary in place.
  const npm = await runChild(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, what],
    { ...env, npm_config_ignore_scripts: 'false' },
    signal,
  );
  if (npm.failure !== undefined) {
    const cause =
      npm.failure.kind === 'not found'
        ? "npm is not on PATH. Install Node.js with npm on the runner (e.g. actions/setup-node), or set the 'claude-path' input to an installed claude"
        : `npm ${failureText(npm)}`;
    throw new ClaudeNotFoundError(`Could not install ${what} (input 'claude-version'): ${cause}.`);
  }
  if (!isExecutableFile(cached)) {
    throw new ClaudeNotFoundError(`npm installed ${what}, but ${cached} is missing.`);
  }
  return { path: cached, version: await versionOf(cached, env, signal), source: 'installed' };
}

/** `claude --version` prints e.g. "2.1.330 (Claude Code)". */
async function versionOf(executable: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<string> {
  const run = await runChild(executable, ['--version'], env, signal, VERSION_TIMEOUT_MS);
  if (run.failure !== undefined) throw new ClaudeNotFoundError(`${executable} --version failed: ${failureText(run)}`);
  return run.stdout.trim().split(/\s/)[0] ?? '';
}

interface ChildRun {
  stdout: string;
  stderr: string;
  /** Undefined when the child exited with code 0. */
  failure: { kind: 'not found' | 'exit' | 'timeout' | 'spawn'; detail: string } | undefined;
}

/** Only the end of a child's output is ever shown. */
const OUTPUT_LIMIT = 64 * 1024;

/**
 * Runs a program without a shell in its own process group, so that stopping it also stops what it started (npm runs
 * install scripts). On abort or time-out: SIGTERM to the group, SIGKILL after a grace period, or as soon as the
 * program itself has exited (its children must not outlive it). Rejects only with `SetupCancelledError`.
 */
function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  timeoutMs?: number,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(command));
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-OUTPUT_LIMIT)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-OUTPUT_LIMIT)));

    let stopping: 'cancelled' | 'timed out' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // The group is gone already.
      }
    };
    const finish = (why: 'cancelled' | 'timed out'): void => {
      // Whatever the program left behind must not outlive it.
      killGroup('SIGKILL');
      cleanUp();
      if (why === 'cancelled') return reject(cancelled(command));
      const detail = `it did not finish within ${(timeoutMs ?? 0) / 1000} s`;
      resolve({ stdout, stderr, failure: { kind: 'timeout', detail } });
    };
    const stop = (why: 'cancelled' | 'timed out'): void => {
      if (stopping !== undefined) return;
      stopping = why;
      // Exited, but its children still hold the output open: nothing left to wait for.
      if (child.exitCode !== null || child.signalCode !== null) return finish(why);
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = (): void => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = timeoutMs === undefined ? undefined : setTimeout(() => stop('timed out'), timeoutMs);
    const cleanUp = (): void => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
      clearTimeout(killTimer);
    };

    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      const kind = error.code === 'ENOENT' ? 'not found' : 'spawn';
      resolve({ stdout, stderr, failure: { kind, detail: error.message } });
    });
    // On a stop, 'exit' rather than 'close': the program's children may hold its output pipes open.
    child.on('exit', () => {
      if (stopping !== undefined) finish(stopping);
    });
    child.on('close', (code, sig) => {
      if (stopping !== undefined) return;
      cleanUp();
      const failure =
        code === 0
          ? undefined
          : { kind: 'exit' as const, detail: sig ? `was killed by ${sig}` : `exited with code ${code}` };
      resolve({ stdout, stderr, failure });
    });
  });
}

function cancelled(command: string): SetupCancelledError {
  return new SetupCancelledError(
    `Cancelled while running ${path.basename(command)}; it and its children were stopped.`,
  );
}

/** What went wrong, with the end of stderr when the program ran and failed. */
function failureText(run: ChildRun): string {
  if (run.failure?.kind !== 'exit') return run.failure?.detail ?? '';
  const stderr = run.stderr.trim().split('\n').slice(-5).join('\n');
  return `${run.failure.detail}: ${stderr || 'no output on stderr'}`;
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!existsSync(file) || !statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
