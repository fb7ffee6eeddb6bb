/**
 * Finding the CLI: claude-path, then PATH, then an npm install into the tool cache. The install is checked with a
 * stand-in `npm` on PATH that records its arguments and puts a stand-in `claude` where the real package would.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { locateClaude, SetupCancelledError } from '../src/claude-install.js';
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
      `echo "$@" > ${record}`,
      'prefix=""; while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done',
      'mkdir -p "$prefix/node_modules/.bin"',
      `printf '#!/bin/sh\\n${fakeClaudeScript}\\n' > "$prefix/node_modules/.bin/claude"`,
      'chmod +x "$prefix/node_modules/.bin/claude"',
      `echo "ignore-scripts=$npm_config_ignore_scripts" >> ${record}`,
    ].join('\n'),
  );
}

describe('locateClaude', () => {
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);

  it('uses claude-path when given and reports its version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const claude = executable(path.join(dir, 'my-claude'), fakeClaudeScript);
    expect(await locateClaude(claude, '2.1.330', { PATH: '' }, log)).toEqual({
      path: claude,
      version: '2.1.330',
      source: 'claude-path',
    });
  });

  it('never installs when claude-path is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(dir, record);
    await expect(locateClaude(path.join(dir, 'nope'), '2.1.330', { PATH: dir }, log)).rejects.toThrow(
      `Input 'claude-path' is "${path.join(dir, 'nope')}", but ${path.join(dir, 'nope')} is not an executable file.`,
    );
    expect(() => readFileSync(record)).toThrow();
  });

  it('prefers claude on PATH', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    executable(path.join(dir, 'bin', 'claude'), fakeClaudeScript);
    const found = await locateClaude('', '2.1.330', { PATH: `/nonexistent:${path.join(dir, 'bin')}` }, log);
    expect(found).toEqual({ path: path.join(dir, 'bin', 'claude'), version: '2.1.330', source: 'PATH' });
  });

  it('installs the pinned version with npm into the tool cache, with install scripts, then reuses it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const env = { PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') };
    const prefix = path.join(dir, 'cache', 'claude-code', '2.1.330');

    const installed = await locateClaude('', '2.1.330', env, log);
    expect(installed).toEqual({
      path: path.join(prefix, 'node_modules', '.bin', 'claude'),
      version: '2.1.330',
      source: 'installed',
    });
    const [args, scripts] = readFileSync(record, 'utf8').trim().split('\n');
    expect(args).toBe(`install --no-save --no-audit --no-fund --prefix ${prefix} @anthropic-ai/claude-code@2.1.330`);
    expect(scripts).toBe('ignore-scripts=false');
    expect(logs.some((line) => line.includes('installing @anthropic-ai/claude-code@2.1.330'))).toBe(true);

    expect((await locateClaude('', '2.1.330', env, log)).source).toBe('tool cache');
  });

  it('says clearly when the install fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    executable(path.join(dir, 'npm'), 'echo "npm error 404 No match found for version 0.0.0-nope" >&2; exit 1');
    await expect(
      locateClaude('', '0.0.0-nope', { PATH: `${dir}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') }, log),
    ).rejects.toThrow(
      /Could not install @anthropic-ai\/claude-code@0.0.0-nope \(input 'claude-version'\): npm exited with code 1: npm error 404 No match/,
    );
  });

  it('says that npm is missing and what to do, when it is not on PATH', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    await expect(
      locateClaude('', '2.1.330', { PATH: path.join(dir, 'empty'), RUNNER_TOOL_CACHE: path.join(dir, 'cache') }, log),
    ).rejects.toThrow(
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
    const located = locateClaude(claude, '2.1.330', { PATH: '/bin:/usr/bin' }, log, controller.signal);
    await expectCancelledWithin2s(located, controller, pids);
  });

  it('stops a hanging npm install that ignores SIGTERM, with its install scripts, and never falls through', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    executable(path.join(dir, 'npm-bin', 'npm'), hangingScript(pids, true));
    const env = { PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') };
    const controller = new AbortController();
    const located = locateClaude('', '2.1.330', env, log, controller.signal);
    await expectCancelledWithin2s(located, controller, pids);
    await expect(located).rejects.toThrow('Cancelled while running npm; it and its children were stopped.');
  });

  it('is cancelled, not reinstalled, when the cached claude --version hangs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const cache = path.join(dir, 'cache');
    executable(
      path.join(cache, 'claude-code', '2.1.330', 'node_modules', '.bin', 'claude'),
      hangingScript(pids, false),
    );
    const controller = new AbortController();
    const located = locateClaude(
      '',
      '2.1.330',
      { PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: cache },
      log,
      controller.signal,
    );
    await expectCancelledWithin2s(located, controller, pids);
    expect(existsSync(record)).toBe(false);
    expect(logs.filter((line) => line.includes('installing'))).toEqual([]);
  });

  it('starts nothing when already cancelled', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const env = { PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') };
    await expect(locateClaude('', '2.1.330', env, log, AbortSignal.abort())).rejects.toBeInstanceOf(
      SetupCancelledError,
    );
    expect(existsSync(record)).toBe(false);
  });

  it('still gives claude --version 30 s, then stops it and its children', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const pids = path.join(dir, 'pids');
    const claude = executable(path.join(dir, 'claude'), hangingScript(pids, false));
    let settled = false;
    const located = locateClaude(claude, '2.1.330', { PATH: '/bin:/usr/bin' }, log).finally(() => {
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
