/**
 * Finds the `claude` executable: the `claude-path` input, else `claude` on PATH, else the pinned version installed
 * with npm into the runner's tool cache (kept there for later jobs on a self-hosted runner).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProgram, type ProgramRun } from './process-group.js';

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
  const npmFailure = failureText(npm);
  if (npmFailure !== undefined) {
    const cause =
      npm.spawnError?.code === 'ENOENT'
        ? "npm is not on PATH. Install Node.js with npm on the runner (e.g. actions/setup-node), or set the 'claude-path' input to an installed claude"
        : `npm ${npmFailure}`;
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
  const failure = failureText(run);
  if (failure !== undefined) throw new ClaudeNotFoundError(`${executable} --version failed: ${failure}`);
  return run.stdout.trim().split(/\s/)[0] ?? '';
}

function cancelled(command: string): SetupCancelledError {
  return new SetupCancelledError(
    `Cancelled while running ${path.basename(command)}; it and its children were stopped.`,
  );
}

/** Runs a set-up program in its own process group; a cancellation stops the group and becomes the error. */
async function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
  timeoutMs?: number,
): Promise<ProgramRun> {
  const run = await runProgram(command, args, { env, signal, timeoutMs });
  if (run.stopped === 'cancelled') throw cancelled(command);
  return run;
}

/** What went wrong, with the end of stderr when the program ran and failed; undefined when it succeeded. */
function failureText(run: ProgramRun): string | undefined {
  if (run.spawnError !== undefined) return run.spawnError.message;
  if (run.stopped === 'timed out') return `it did not finish within ${VERSION_TIMEOUT_MS / 1000} s`;
  if (run.exitCode === 0) return undefined;
  const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
  const stderr = run.stderr.trim().split('\n').slice(-5).join('\n');
  return `${how}: ${stderr || 'no output on stderr'}`;
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
