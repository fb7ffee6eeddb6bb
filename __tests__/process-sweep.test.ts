/**
 * The sweep of marked processes, against real processes: what it finds, what it never touches, and that a process
 * that keeps forking is still stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessMarker, RUN_MARKER_NAME } from '../src/system/process-sweep.js';
import { isAlive } from './helpers/action-runner.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** `script` in a session of its own (as the CLI's Bash tool starts commands), with `env`. */
function startDetached(script: string, env: NodeJS.ProcessEnv, options: { uid?: number } = {}): ChildProcess {
  const child = spawn('setsid', ['sh', '-c', script], { env, stdio: 'ignore', ...options });
  started.push(child);
  return child;
}

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('ProcessMarker', () => {
  it('finds the processes started with its marker, and their children, and stops them all', async () => {
    const marker = new ProcessMarker();
    const env = marker.mark({ PATH: process.env.PATH });
    expect(env[RUN_MARKER_NAME]).toBe(marker.value);
    const child = startDetached('sleep 300 & sleep 300 & wait', env);
    await until(() => marker.find().length >= 3);
    expect(marker.find()).toEqual(expect.arrayContaining([child.pid]));
    expect(marker.find()).toHaveLength(3);
    expect(await marker.sweep()).toBe(3);
    expect(marker.find()).toEqual([]);
    await until(() => !isAlive(child.pid!));
    expect(isAlive(child.pid!)).toBe(false);
  });

  it('stops a process that keeps starting new ones', async () => {
    const marker = new ProcessMarker();
    startDetached('while :; do sleep 300 & done', marker.mark({ PATH: process.env.PATH }));
    await until(() => marker.find().length > 5);
    const startedAt = Date.now();
    expect(await marker.sweep()).toBeGreaterThan(5);
    // Rounds of 10 ms until none is left: seconds at most, even on a loaded machine.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(marker.find()).toEqual([]);
  });

  it('leaves alone processes without the marker, or with another run’s', async () => {
    const marker = new ProcessMarker();
    const other = new ProcessMarker();
    const unmarked = startDetached('exec sleep 300', { PATH: process.env.PATH });
    // The value as a prefix of another variable, or under another name, is not the marker.
    const lookalike = startDetached('exec sleep 300', {
      PATH: process.env.PATH,
      [`X${RUN_MARKER_NAME}`]: marker.value,
      [RUN_MARKER_NAME]: `${marker.value}0`,
    });
    const othersRun = startDetached('exec sleep 300', other.mark({ PATH: process.env.PATH }));
    await until(() => other.find().length > 0);
    expect(await marker.sweep()).toBe(0);
    for (const child of [unmarked, lookalike, othersRun]) expect(isAlive(child.pid!)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('leaves alone another user’s process, even as root', async () => {
    const marker = new ProcessMarker();
    const nobody = startDetached('exec sleep 300', marker.mark({ PATH: process.env.PATH }), { uid: 65534 });
    await until(() => isAlive(nobody.pid!));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(marker.find()).toEqual([]);
    expect(await marker.sweep()).toBe(0);
    expect(isAlive(nobody.pid!)).toBe(true);
  });

  it('finds nothing, and fails nowhere, without /proc (macOS): only the process group is stopped there', async () => {
    const marker = new ProcessMarker(undefined, '/nonexistent-proc');
    expect(marker.find()).toEqual([]);
    expect(await marker.sweep()).toBe(0);
  });
});
