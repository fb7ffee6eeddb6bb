/**
 * Makes sure Claude Code's sandbox can work before Claude runs. On Linux it needs bubblewrap and socat: missing ones
 * are installed with apt when the action may (root, or passwordless sudo), and bubblewrap must be able to make its
 * namespaces (Ubuntu 24.04's AppArmor forbids that to unprivileged users until a sysctl allows it). Otherwise: a reason.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runProgram, type ProgramRun } from './process-group.js';

export const SANDBOX_PACKAGES = ['bubblewrap', 'socat'] as const;
const PROGRAMS = ['bwrap', 'socat'] as const;
const APPARMOR_USERNS = 'kernel.apparmor_restrict_unprivileged_userns';
const INSTALL_HINT =
  'Install the packages first (in a workflow, in an earlier step): sudo apt-get install -y bubblewrap socat.';

export interface SandboxToolsOptions {
  /** The environment the programs run with; its PATH is where the CLI looks for bwrap and socat. */
  env: Record<string, string>;
  signal: AbortSignal;
  log: (line: string) => void;
  platform: NodeJS.Platform;
  runningAsRoot: boolean;
  /** For each apt-get, sudo or sysctl run. */
  timeoutMs?: number;
  /** Where the kernel tells whether AppArmor restricts unprivileged user namespaces. */
  apparmorSwitchFile?: string;
}

export type SandboxTools = { ready: true } | { ready: false; cancelled: boolean; reason: string };

class Cancelled extends Error {}

export async function prepareSandboxTools(options: SandboxToolsOptions): Promise<SandboxTools> {
  if (options.platform === 'darwin') return { ready: true }; // Seatbelt comes with macOS.
  if (options.platform !== 'linux') {
    return notReady(`Claude Code's sandbox runs on Linux and macOS only, not on ${options.platform}.`);
  }
  try {
    const missing = await installMissing(options);
    if (missing) return notReady(missing);
    const probe = await namespaceProbe(options);
    return probe === undefined ? { ready: true } : notReady(probe);
  } catch (error) {
    if (error instanceof Cancelled) {
      return { ready: false, cancelled: true, reason: 'Cancelled while the sandbox was being set up.' };
    }
    throw error;
  }
}

function notReady(reason: string): SandboxTools {
  return { ready: false, cancelled: false, reason };
}

/** The first executable file named `name` in the PATH of `env`. */
export function findOnPath(name: string, env: Record<string, string>): string | undefined {
  for (const directory of (env.PATH ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const file = path.join(directory, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function missingPrograms(env: Record<string, string>): string[] {
  return PROGRAMS.filter((name) => findOnPath(name, env) === undefined);
}

type RunAsRoot = (command: string, args: string[]) => Promise<ProgramRun>;

/** How to run a program as root: directly, through `sudo -n`, or not at all (undefined). */
async function asRoot(options: SandboxToolsOptions): Promise<RunAsRoot | undefined> {
  if (options.runningAsRoot) return (command, args) => run(options, command, args);
  const sudo = await run(options, 'sudo', ['-n', 'true']);
  if (sudo.exitCode !== 0) return undefined;
  return (command, args) => run(options, 'sudo', ['-n', command, ...args]);
}

/** Installs what is missing; returns why the sandbox cannot work, or undefined when nothing is missing any more. */
async function installMissing(options: SandboxToolsOptions): Promise<string | undefined> {
  const missing = missingPrograms(options.env);
  if (missing.length === 0) return undefined;
  const needs = `Claude Code's sandbox needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not on PATH`;
  const root = await asRoot(options);
  if (root === undefined) {
    return `${needs}, and autonomous-loop cannot install ${missing.length === 1 ? 'it' : 'them'} (not root, and no passwordless sudo). ${INSTALL_HINT}`;
  }
  if (findOnPath('apt-get', options.env) === undefined) {
    return `${needs}, and there is no apt-get to install them with: install the packages ${SANDBOX_PACKAGES.join(' and ')} (or their equivalents) first (in a workflow, in an earlier step).`;
  }
  options.log(
    `Installing ${SANDBOX_PACKAGES.join(' and ')} for Claude Code's sandbox (${missing.join(', ')} missing).`,
  );
  const apt = (...args: string[]): Promise<ProgramRun> =>
    root('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  let install = await apt('install', '-y', '--no-install-recommends', ...SANDBOX_PACKAGES);
  if (install.exitCode !== 0) {
    // The package lists of a runner image may be older than the archive.
    await apt('update', '-q');
    install = await apt('install', '-y', '--no-install-recommends', ...SANDBOX_PACKAGES);
  }
  const stillMissing = missingPrograms(options.env);
  if (stillMissing.length === 0) return undefined;
  return `${needs}, and installing them with apt-get failed (${describeEnd(install)}): ${lastLines(install)}. ${INSTALL_HINT}`;
}

/**
 * Runs bubblewrap as the CLI does (new network and PID namespaces). When it cannot, and AppArmor is what forbids
 * it, turns that restriction off if the action may; returns why the sandbox cannot work, or undefined.
 */
async function namespaceProbe(options: SandboxToolsOptions): Promise<string | undefined> {
  const probe = (): Promise<ProgramRun> =>
    run(options, 'bwrap', [
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--unshare-net',
      '--unshare-pid',
      '--new-session',
      '--die-with-parent',
      'true',
    ]);
  let attempt = await probe();
  if (attempt.exitCode === 0) return undefined;
  const restricted =
    readSwitch(options.apparmorSwitchFile ?? '/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1';
  const cannot = `bubblewrap cannot create the sandbox's namespaces here (${describeEnd(attempt)}: ${lastLines(attempt)})`;
  if (!restricted) {
    return `${cannot}. In a container, run it with user namespaces allowed (for example docker run --privileged, or a seccomp and AppArmor profile that permits them).`;
  }
  const root = await asRoot(options);
  if (root === undefined) {
    return `${cannot}: AppArmor restricts unprivileged user namespaces (${APPARMOR_USERNS}=1), and autonomous-loop cannot change that (not root, and no passwordless sudo). Run this first (in a workflow, in an earlier step): sudo sysctl -w ${APPARMOR_USERNS}=0.`;
  }
  options.log(`AppArmor restricts unprivileged user namespaces, which bubblewrap needs: setting ${APPARMOR_USERNS}=0.`);
  const sysctl = await root('sysctl', ['-w', `${APPARMOR_USERNS}=0`]);
  attempt = await probe();
  if (attempt.exitCode === 0) return undefined;
  return `${cannot}, also after sysctl -w ${APPARMOR_USERNS}=0 (${describeEnd(sysctl)}).`;
}

async function run(options: SandboxToolsOptions, command: string, args: string[]): Promise<ProgramRun> {
  const result = await runProgram(command, args, {
    env: options.env,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
  });
  if (result.stopped === 'cancelled') throw new Cancelled();
  return result;
}

function readSwitch(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined; // No such switch: an older kernel, or not Ubuntu.
  }
}

function describeEnd(run: ProgramRun): string {
  if (run.spawnError) return run.spawnError.code === 'ENOENT' ? 'not found' : run.spawnError.message;
  if (run.stopped) return run.stopped;
  return run.exitSignal ? `killed by ${run.exitSignal}` : `exit code ${run.exitCode}`;
}

function lastLines(run: ProgramRun): string {
  const text = `${run.stderr}\n${run.stdout}`.trim();
  return text === '' ? 'no output' : text.split('\n').slice(-3).join(' / ');
}
