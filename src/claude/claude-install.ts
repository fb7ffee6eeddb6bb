/**
 * Finds the `claude` executable: the path the user named, whatever its version; else `claude` on PATH when it is the
 * pinned version (or any, when the user says so); else the pinned version in the host's tool cache; else that version
 * installed with npm, retried, and put in the tool cache. A `claude` of another version on PATH is not used silently.
 */
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProgram, type ProgramRun } from '../system/process-group.js';
import { ToolCache } from '../system/tool-cache.js';

const VERSION_TIMEOUT_MS = 30_000;
/** The tool's name in the tool cache: `<cache>/claude-code/<version>/<arch>`. */
export const TOOL_NAME = 'claude-code';
/** Waits before the second and third npm install attempts: a registry hiccup is usually over by then. */
export const INSTALL_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000];
/** npm's codes for a version or package that does not exist: trying again cannot help. */
const PERMANENT_NPM_ERRORS = /\b(E404|ETARGET|EINVALIDTAGNAME|EINVALIDPACKAGENAME)\b/;

export interface ClaudeExecutable {
  path: string;
  version: string;
  source: 'claude-path' | 'PATH' | 'tool cache' | 'installed';
}

/** What stops the set-up or changes its course, for the host to say in its words (naming its own settings). */
export type SetupProblem =
  /** The path the user named is not an executable file. */
  | { kind: 'claude-path-not-executable'; given: string; resolved: string }
  /** A `claude` on PATH is not the pinned version: the pinned one is used. */
  | { kind: 'path-version-differs'; onPath: string; version: string; wanted: string }
  | { kind: 'npm-missing'; what: string }
  | { kind: 'npm-failed'; what: string; failure: string };

export interface LocateOptions {
  /** Where installed versions are kept, in @actions/tool-cache's layout (a runner's tool cache). */
  toolCacheDir: string;
  /** The cache is this user's alone: directories in it that another user could write are refused (the local host). */
  privateToolCache?: boolean;
  /** Where an install is staged before it goes into the tool cache. */
  tempDir: string;
  /** A problem in the host's words. */
  describe: (problem: SetupProblem) => string;
  /** Use a `claude` on PATH whatever its version. */
  fromPath?: boolean;
  /** For a warning annotation (a `claude` on PATH that is not used); plain `log` when not given. */
  warning?: (message: string) => void;
  /** Waits before each further npm install attempt; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
}

export class ClaudeNotFoundError extends Error {
  override name = 'ClaudeNotFoundError';
}

/**
 * Set-up was stopped (a cancellation, the time limit) while `claude --version` or the npm install ran; they and
 * their children are stopped.
 */
export class SetupCancelledError extends Error {
  override name = 'SetupCancelledError';
  /** What was running, for a reason: "during `claude --version`". */
  constructor(
    message: string,
    readonly during = 'before it began',
  ) {
    super(message);
  }
}

/**
 * PATH is read from `process.env`, as @actions/io does; `env` is the environment of what runs (`claude --version`,
 * npm and its install scripts): keep secrets out of it (`withoutSecrets`).
 * @param signal on abort, stops what runs (with all its children) and rejects with `SetupCancelledError`.
 */
export async function locateClaude(
  claudePath: string,
  claudeVersion: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
  signal: AbortSignal | undefined,
  options: LocateOptions,
): Promise<ClaudeExecutable> {
  const warning = options.warning ?? log;
  if (signal?.aborted) throw new SetupCancelledError('Cancelled before looking for claude.');
  if (claudePath !== '') {
    const resolved = path.resolve(claudePath);
    if (!isExecutableFile(resolved)) {
      throw new ClaudeNotFoundError(
        options.describe({ kind: 'claude-path-not-executable', given: claudePath, resolved }),
      );
    }
    return { path: resolved, version: await versionOf(resolved, env, signal), source: 'claude-path' };
  }

  const { which } = await import('@actions/io');
  const onPath = await which('claude', false);
  if (onPath !== '') {
    if (options.fromPath) return { path: onPath, version: await versionOf(onPath, env, signal), source: 'PATH' };
    const version = await versionOf(onPath, env, signal).catch((error: unknown) => {
      if (error instanceof SetupCancelledError) throw error;
      warning(`${(error as Error).message}: using @anthropic-ai/claude-code@${claudeVersion} instead.`);
      return undefined;
    });
    if (version === claudeVersion) return { path: onPath, version, source: 'PATH' };
    if (version !== undefined) {
      warning(options.describe({ kind: 'path-version-differs', onPath, version, wanted: claudeVersion }));
    }
  }

  const toolCache = new ToolCache(options.toolCacheDir, { private: options.privateToolCache });
  const cachedDir = toolCache.find(TOOL_NAME, claudeVersion);
  if (cachedDir !== '') {
    const cached = binIn(cachedDir);
    // A broken cached copy is reinstalled; a cancellation is not a broken copy.
    const version = isExecutableFile(cached)
      ? await versionOf(cached, env, signal).catch((error: unknown) => {
          if (error instanceof SetupCancelledError) throw error;
          return '';
        })
      : '';
    if (version !== '') return { path: cached, version, source: 'tool cache' };
    log(`The cached ${TOOL_NAME} ${claudeVersion} in ${cachedDir} does not run: installing it again.`);
  }

  const installedDir = await install(claudeVersion, env, log, signal, {
    ...options,
    toolCache,
    retryDelaysMs: options.retryDelaysMs ?? INSTALL_RETRY_DELAYS_MS,
  });
  const installed = binIn(installedDir);
  return { path: installed, version: await versionOf(installed, env, signal), source: 'installed' };
}

/** Where npm puts the `claude` command under an install prefix. */
function binIn(prefix: string): string {
  return path.join(prefix, 'node_modules', '.bin', 'claude');
}

/**
 * Installs into a fresh directory and only then copies it into the tool cache, which marks it complete last: an
 * install that fails or is cancelled half-way never leaves a copy that a later job would take for a whole one.
 * @returns the tool-cache directory.
 */
async function install(
  claudeVersion: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
  signal: AbortSignal | undefined,
  options: LocateOptions & { toolCache: ToolCache; retryDelaysMs: readonly number[] },
): Promise<string> {
  const { toolCache, retryDelaysMs } = options;
  const what = `@anthropic-ai/claude-code@${claudeVersion}`;
  const { which } = await import('@actions/io');
  const npm = await which('npm', false);
  if (npm === '') throw new ClaudeNotFoundError(options.describe({ kind: 'npm-missing', what }));
  const attempts = retryDelaysMs.length + 1;
  for (let attempt = 1; ; attempt++) {
    const staging = mkdtempSync(path.join(options.tempDir, 'claude-code-install-'));
    try {
      log(`Installing ${what} with npm${attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''}.`);
      // Install scripts must run: the package's postinstall puts the native binary in place.
      const run = await runChild(
        npm,
        ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', staging, what],
        { ...env, npm_config_ignore_scripts: 'false' },
        signal,
      );
      const failure = failureText(run);
      if (failure === undefined) {
        if (!isExecutableFile(binIn(staging))) {
          throw new ClaudeNotFoundError(`npm installed ${what}, but it has no node_modules/.bin/claude.`);
        }
        const cached = await toolCache.add(staging, TOOL_NAME, claudeVersion);
        log(`Installed ${what} into ${cached}.`);
        return cached;
      }
      const message = options.describe({ kind: 'npm-failed', what, failure });
      if (attempt === attempts || PERMANENT_NPM_ERRORS.test(run.stderr)) throw new ClaudeNotFoundError(message);
      const delayMs = retryDelaysMs[attempt - 1];
      log(`${message} Trying again in ${delayMs / 1000} s.`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    try {
      await sleep(retryDelaysMs[attempt - 1], undefined, { signal });
    } catch {
      throw new SetupCancelledError(
        `Cancelled while waiting to retry the install of ${what}.`,
        `while waiting to retry the install of ${what}`,
      );
    }
  }
}

/** `claude --version` prints e.g. "2.1.330 (Claude Code)". */
async function versionOf(executable: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<string> {
  const run = await runChild(executable, ['--version'], env, signal, VERSION_TIMEOUT_MS);
  const failure = failureText(run);
  if (failure !== undefined) throw new ClaudeNotFoundError(`${executable} --version failed: ${failure}`);
  return run.stdout.trim().split(/\s/)[0] ?? '';
}

function cancelled(command: string, args: string[]): SetupCancelledError {
  return new SetupCancelledError(
    `Cancelled while running ${path.basename(command)}; it and its children were stopped.`,
    `during \`${[path.basename(command), ...args.slice(0, 1)].join(' ')}\``,
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
  if (run.stopped === 'cancelled') throw cancelled(command, args);
  return run;
}

/** What went wrong, with the end of stderr when the program ran and failed; undefined when it succeeded. */
function failureText(run: ProgramRun): string | undefined {
  if (run.spawnError !== undefined) return run.spawnError.message;
  if (run.stopped === 'timedOut') return `it did not finish within ${VERSION_TIMEOUT_MS / 1000} s`;
  if (run.exitCode === 0) return undefined;
  const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
  const stderr = run.stderr.trim().split('\n').slice(-5).join('\n');
  return `${how}: ${stderr || 'no output on stderr'}`;
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
