/**
 * Finding the CLI: claude-path, then PATH, then an npm install into the tool cache. The install is checked with a
 * stand-in `npm` on PATH that records its arguments and puts a stand-in `claude` where the real package would.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { locateClaude, SetupCancelledError, type LocateOptions } from '../src/claude/claude-install.js';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import { isAlive } from './helpers/action-runner.js';

function executable(file: string, script: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const fakeClaudeScript = 'echo "2.1.330 (Claude Code)"';

/** A stand-in npm: records its arguments, then creates node_modules/.bin/claude under --prefix. */
function fakeNpm(dir: string, record: string): void {
  executable(
    path.join(dir, 'npm'),
    [
      `echo "$@" >> ${record}`,
      'prefix=""; while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done',
      'mkdir -p "$prefix/node_modules/.bin"',
      `printf '#!/bin/sh\\n${fakeClaudeScript}\\n' > "$prefix/node_modules/.bin/claude"`,
      'chmod +x "$prefix/node_modules/.bin/claude"',
      `echo "ignore-scripts=$npm_config_ignore_scripts" >> ${record}`,
    ].join('\n'),
  );
}

/** What the host gives for one test: the tool cache and the temporary directory (the Action's words). */
let host: Pick<LocateOptions, 'toolCacheDir' | 'tempDir' | 'describe'>;

/** PATH as @actions/io reads it, and the host's tool cache, for one test. */
function runnerEnv(vars: { PATH: string; toolCache?: string }): NodeJS.ProcessEnv {
  vi.stubEnv('PATH', vars.PATH);
  host = { toolCacheDir: vars.toolCache ?? '/nonexistent', tempDir: os.tmpdir(), describe: ACTIONS_WORDS.setup };
  return { PATH: vars.PATH };
}

function locate(
  claudePath: string,
  claudeVersion: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
  signal?: AbortSignal,
  options: Partial<LocateOptions> = {},
) {
  return locateClaude(claudePath, claudeVersion, env, log, signal, { ...host, ...options });
}

/** The tool-cache directory of a version: `<cache>/claude-code/<version>/<arch>`. */
const cacheDirOf = (cache: string, version: string) => path.join(cache, 'claude-code', version, os.arch());

/** Lines a stand-in npm wrote to its record file: one per call. */
const npmCalls = (record: string): string[] =>
  existsSync(record)
    ? readFileSync(record, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('install'))
    : [];

describe('locateClaude', () => {
  const logs: string[] = [];
  const warnings: string[] = [];
  const log = (message: string) => logs.push(message);
  const warn = (message: string) => warnings.push(message);
  afterEach(() => {
    vi.unstubAllEnvs();
    logs.length = 0;
    warnings.length = 0;
  });

  it('uses claude-path when given and reports its version, whatever claude-version says', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const claude = executable(path.join(dir, 'my-claude'), fakeClaudeScript);
    const env = runnerEnv({ PATH: '' });
    expect(await locate(claude, '1.0.0', env, log, undefined, { warning: warn })).toEqual({
      path: claude,
      version: '2.1.330',
      source: 'claude-path',
    });
    expect(warnings).toEqual([]);
  });

  it('never installs when claude-path is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(dir, record);
    const env = runnerEnv({ PATH: dir, toolCache: path.join(dir, 'cache') });
    await expect(locate(path.join(dir, 'nope'), '2.1.330', env, log)).rejects.toThrow(
      `Input 'claude-path' is "${path.join(dir, 'nope')}", but ${path.join(dir, 'nope')} is not an executable file.`,
    );
    expect(() => readFileSync(record)).toThrow();
  });

  it('uses claude on PATH when it is the pinned version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    executable(path.join(dir, 'bin', 'claude'), fakeClaudeScript);
    const env = runnerEnv({ PATH: `/nonexistent:${path.join(dir, 'bin')}` });
    const found = await locate('', '2.1.330', env, log, undefined, { warning: warn });
    expect(found).toEqual({ path: path.join(dir, 'bin', 'claude'), version: '2.1.330', source: 'PATH' });
    expect(warnings).toEqual([]);
  });

  it('warns about a claude of another version on PATH and installs the pinned one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const onPath = executable(path.join(dir, 'bin', 'claude'), 'echo "2.0.1 (Claude Code)"');
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const env = runnerEnv({
      PATH: `${path.join(dir, 'bin')}:${path.join(dir, 'npm-bin')}:/bin:/usr/bin`,
      toolCache: path.join(dir, 'cache'),
    });

    const found = await locate('', '2.1.330', env, log, undefined, { warning: warn });
    expect(found).toEqual({
      path: path.join(cacheDirOf(path.join(dir, 'cache'), '2.1.330'), 'node_modules', '.bin', 'claude'),
      version: '2.1.330',
      source: 'installed',
    });
    expect(warnings).toEqual([
      `The claude on PATH (${onPath}) is version 2.0.1, but input 'claude-version' is "2.1.330": using 2.1.330. ` +
        `Set 'claude-version' to "2.0.1", or 'claude-from-path' to true, to use the one on PATH.`,
    ]);
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('uses a claude of another version on PATH with claude-from-path, without a warning or an install', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const onPath = executable(path.join(dir, 'bin', 'claude'), 'echo "2.0.1 (Claude Code)"');
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'bin'), record);
    const env = runnerEnv({ PATH: `${path.join(dir, 'bin')}:/bin:/usr/bin`, toolCache: path.join(dir, 'c') });
    const found = await locate('', '2.1.330', env, log, undefined, { warning: warn, fromPath: true });
    expect(found).toEqual({ path: onPath, version: '2.0.1', source: 'PATH' });
    expect(warnings).toEqual([]);
    expect(existsSync(record)).toBe(false);
  });

  it('warns about a claude on PATH that does not run, and installs the pinned one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const onPath = executable(path.join(dir, 'bin', 'claude'), 'echo "stub: binary missing" >&2; exit 1');
    fakeNpm(path.join(dir, 'npm-bin'), path.join(dir, 'npm-args'));
    const env = runnerEnv({
      PATH: `${path.join(dir, 'bin')}:${path.join(dir, 'npm-bin')}:/bin:/usr/bin`,
      toolCache: path.join(dir, 'cache'),
    });
    expect((await locate('', '2.1.330', env, log, undefined, { warning: warn })).source).toBe('installed');
    expect(warnings).toEqual([
      `${onPath} --version failed: exited with code 1: stub: binary missing: using @anthropic-ai/claude-code@2.1.330 instead.`,
    ]);
  });

  it('installs the pinned version with npm, with install scripts, into the tool cache, then reuses it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const cache = path.join(dir, 'cache');
    const env = runnerEnv({ PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, toolCache: cache });
    host.tempDir = path.join(dir, 'temp');
    mkdirSync(path.join(dir, 'temp'));
    const toolDir = cacheDirOf(cache, '2.1.330');

    const installed = await locate('', '2.1.330', env, log);
    expect(installed).toEqual({
      path: path.join(toolDir, 'node_modules', '.bin', 'claude'),
      version: '2.1.330',
      source: 'installed',
    });
    // The tool-cache layout: the version's directory per architecture, marked complete.
    expect(existsSync(`${toolDir}.complete`)).toBe(true);
    const [args, scripts] = readFileSync(record, 'utf8').trim().split('\n');
    expect(args).toMatch(
      new RegExp(
        `^install --no-save --no-audit --no-fund --prefix ${path.join(dir, 'temp')}/claude-code-install-\\w+ @anthropic-ai/claude-code@2\\.1\\.330$`,
      ),
    );
    expect(scripts).toBe('ignore-scripts=false');
    // The install went to a directory of its own, removed once it was copied into the cache.
    expect(readdirSync(path.join(dir, 'temp'))).toEqual([]);
    expect(logs).toContain(`Installed @anthropic-ai/claude-code@2.1.330 into ${toolDir}.`);

    expect(await locate('', '2.1.330', env, log)).toEqual({ ...installed, source: 'tool cache' });
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('installs again over a cached copy that does not run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const cache = path.join(dir, 'cache');
    const toolDir = cacheDirOf(cache, '2.1.330');
    executable(path.join(toolDir, 'node_modules', '.bin', 'claude'), 'exit 1');
    writeFileSync(`${toolDir}.complete`, '');
    const env = runnerEnv({ PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, toolCache: cache });
    expect(await locate('', '2.1.330', env, log)).toMatchObject({ source: 'installed', version: '2.1.330' });
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('ignores a cache directory that is not marked complete (an install that was cut short)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const cache = path.join(dir, 'cache');
    executable(path.join(cacheDirOf(cache, '2.1.330'), 'node_modules', '.bin', 'claude'), fakeClaudeScript);
    const env = runnerEnv({ PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, toolCache: cache });
    expect((await locate('', '2.1.330', env, log)).source).toBe('installed');
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('retries a failed install, and succeeds', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'real-npm'), path.join(dir, 'ok-args'));
    // Fails on its first call with a network error, then behaves like the stand-in npm.
    executable(
      path.join(dir, 'npm-bin', 'npm'),
      [
        `echo "$@" >> ${record}`,
        `if [ ! -e ${dir}/failed-once ]; then touch ${dir}/failed-once; echo "npm error code ECONNRESET" >&2; exit 1; fi`,
        `exec ${path.join(dir, 'real-npm', 'npm')} "$@"`,
      ].join('\n'),
    );
    const env = runnerEnv({
      PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`,
      toolCache: path.join(dir, 'cache'),
    });
    const found = await locate('', '2.1.330', env, log, undefined, { retryDelaysMs: [10, 10] });
    expect(found.source).toBe('installed');
    expect(npmCalls(record)).toHaveLength(2);
    expect(logs).toContain(
      "Could not install @anthropic-ai/claude-code@2.1.330 (input 'claude-version'): npm exited with code 1: " +
        'npm error code ECONNRESET. Trying again in 0.01 s.',
    );
    expect(logs).toContain('Installing @anthropic-ai/claude-code@2.1.330 with npm (attempt 2 of 3).');
  });

  it('gives up after the last attempt, and leaves nothing in the tool cache', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    executable(path.join(dir, 'npm'), `echo "$@" >> ${record}; echo "npm error code ECONNRESET" >&2; exit 1`);
    const cache = path.join(dir, 'cache');
    const env = runnerEnv({ PATH: `${dir}:/bin:/usr/bin`, toolCache: cache });
    await expect(locate('', '2.1.330', env, log, undefined, { retryDelaysMs: [1, 1] })).rejects.toThrow(
      "Could not install @anthropic-ai/claude-code@2.1.330 (input 'claude-version'): npm exited with code 1: npm error code ECONNRESET.",
    );
    expect(npmCalls(record)).toHaveLength(3);
    expect(existsSync(path.join(cache, 'claude-code'))).toBe(false);
  });

  it('says clearly when the version does not exist, without retrying', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    executable(
      path.join(dir, 'npm'),
      `echo "$@" >> ${record}; echo "npm error code ETARGET" >&2; echo "npm error notarget No matching version found for @anthropic-ai/claude-code@0.0.0-nope." >&2; exit 1`,
    );
    const env = runnerEnv({ PATH: `${dir}:/bin:/usr/bin`, toolCache: path.join(dir, 'cache') });
    await expect(locate('', '0.0.0-nope', env, log, undefined, { retryDelaysMs: [1, 1] })).rejects.toThrow(
      /^Could not install @anthropic-ai\/claude-code@0.0.0-nope \(input 'claude-version'\): npm exited with code 1: npm error code ETARGET\nnpm error notarget No matching version/,
    );
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('says that npm is missing and what to do, when it is not on PATH', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const env = runnerEnv({ PATH: path.join(dir, 'empty'), toolCache: path.join(dir, 'cache') });
    await expect(locate('', '2.1.330', env, log)).rejects.toThrow(
      /^Could not install @anthropic-ai\/claude-code@2\.1\.330 \(input 'claude-version'\): npm is not on PATH\. Install Node\.js with npm on the runner \(e\.g\. actions\/setup-node\), or set the 'claude-path' input/,
    );
  });
});

/**
 * A stand-in that hangs: it records its pid, starts a child in its process group that ignores SIGTERM (as an npm
 * install script might), records that pid too, and waits. `leaderIgnoresTerm` makes the stand-in itself ignore it.
 */
function hangingScript(pids: string, leaderIgnoresTerm: boolean): string {
  return [
    `echo $$ >> ${pids}`,
    leaderIgnoresTerm ? "trap '' TERM" : '',
    `sh -c "trap '' TERM; echo \\$\\$ >> ${pids}; exec sleep 1000" &`,
    'wait',
  ].join('\n');
}

/** Every stand-in process a test started, so that none outlives a failing test. */
const startedProcesses: number[] = [];

/** Waits (in real time, without timers) until the stand-in and its child have both written their pids. */
async function startedPids(pids: string): Promise<number[]> {
  for (;;) {
    const lines = existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean) : [];
    if (lines.length >= 2) {
      startedProcesses.push(...lines.map(Number));
      return lines.map(Number);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('cancelling the set-up', () => {
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    logs.length = 0;
    for (const pid of startedProcesses.splice(0).filter(isAlive)) process.kill(pid, 'SIGKILL');
  });

  /** Aborts once the stand-in runs; the promise must reject within 2 s and leave no process behind. */
  async function expectCancelledWithin2s(located: Promise<unknown>, controller: AbortController, pids: string) {
    const started = await startedPids(pids);
    const abortedAt = Date.now();
    controller.abort();
    const settled = await Promise.race([
      located.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      sleep(2000).then(() => 'still running after 2 s'),
    ]);
    expect(settled).toBeInstanceOf(SetupCancelledError);
    await vi.waitFor(() => expect(started.filter(isAlive)).toEqual([]), {
      timeout: Math.max(0, 2000 - (Date.now() - abortedAt)),
    });
  }

  it('stops a hanging claude --version (claude-path) and its children', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    const claude = executable(path.join(dir, 'claude'), hangingScript(pids, false));
    const controller = new AbortController();
    const located = locate(claude, '2.1.330', runnerEnv({ PATH: '/bin:/usr/bin' }), log, controller.signal);
    await expectCancelledWithin2s(located, controller, pids);
  });

  it('stops a hanging npm install that ignores SIGTERM, with its install scripts, and never falls through', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    executable(path.join(dir, 'npm-bin', 'npm'), hangingScript(pids, true));
    const cache = path.join(dir, 'cache');
    const env = runnerEnv({ PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, toolCache: cache });
    const controller = new AbortController();
    const located = locate('', '2.1.330', env, log, controller.signal);
    await expectCancelledWithin2s(located, controller, pids);
    await expect(located).rejects.toThrow('Cancelled while running npm; it and its children were stopped.');
    expect(existsSync(path.join(cache, 'claude-code'))).toBe(false);
  });

  it('is cancelled while it waits to retry the install', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    executable(path.join(dir, 'npm'), `echo "$@" >> ${record}; echo "npm error code ECONNRESET" >&2; exit 1`);
    const env = runnerEnv({ PATH: `${dir}:/bin:/usr/bin`, toolCache: path.join(dir, 'cache') });
    const controller = new AbortController();
    const located = locate('', '2.1.330', env, log, controller.signal, { retryDelaysMs: [60_000] });
    await vi.waitFor(() => expect(logs.some((line) => line.includes('Trying again in 60 s'))).toBe(true));
    controller.abort();
    await expect(located).rejects.toThrow(
      new SetupCancelledError(
        'Cancelled while waiting to retry the install of @anthropic-ai/claude-code@2.1.330.',
        'while waiting to retry the install of @anthropic-ai/claude-code@2.1.330',
      ),
    );
    expect(npmCalls(record)).toHaveLength(1);
  });

  it('is cancelled, not reinstalled, when the cached claude --version hangs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const cache = path.join(dir, 'cache');
    executable(path.join(cacheDirOf(cache, '2.1.330'), 'node_modules', '.bin', 'claude'), hangingScript(pids, false));
    writeFileSync(`${cacheDirOf(cache, '2.1.330')}.complete`, '');
    const env = runnerEnv({ PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, toolCache: cache });
    const controller = new AbortController();
    const located = locate('', '2.1.330', env, log, controller.signal);
    await expectCancelledWithin2s(located, controller, pids);
    expect(existsSync(record)).toBe(false);
    expect(logs.filter((line) => line.includes('installing'))).toEqual([]);
  });

  it('starts nothing when already cancelled', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const env = runnerEnv({
      PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`,
      toolCache: path.join(dir, 'c'),
    });
    await expect(locate('', '2.1.330', env, log, AbortSignal.abort())).rejects.toBeInstanceOf(SetupCancelledError);
    expect(existsSync(record)).toBe(false);
  });

  it('still gives claude --version 30 s, then stops it and its children', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    const claude = executable(path.join(dir, 'claude'), hangingScript(pids, false));
    let settled = false;
    const located = locate(claude, '2.1.330', runnerEnv({ PATH: '/bin:/usr/bin' }), log).finally(() => {
      settled = true;
    });
    located.catch(() => undefined);
    const started = await startedPids(pids);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    await expect(located).rejects.toThrow(`${claude} --version failed: it did not finish within 30 s`);
    await vi.waitFor(() => expect(started.filter(isAlive)).toEqual([]), { timeout: 2000 });
  });
});
