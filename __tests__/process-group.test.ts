/**
 * The registry of live process groups, against real processes: a group is in it while its program runs, out of it
 * once it ended, and `killAllGroups` kills every process of every live group, a background one that ignores SIGTERM
 * too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAllGroups, liveProcessGroups, runProgram, trackProcessGroup } from '../src/system/process-group.js';
import { isAlive } from './helpers/action-runner.js';

const leftOver: number[] = [];
afterEach(() => {
  for (const pid of leftOver.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 150 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

/** Starts bash in a group of its own with a background `sleep` that ignores SIGTERM; resolves with both pids. */
function startGroupWithBackground(): { run: ReturnType<typeof runProgram>; pids: Promise<[number, number]> } {
  let announce: (pids: [number, number]) => void = () => undefined;
  const pids = new Promise<[number, number]>((resolve) => (announce = resolve));
  let output = '';
  const run = runProgram('bash', ['-c', `trap '' TERM; sleep 300 & echo "$$ $!"; wait`], {
    env: { PATH: process.env.PATH },
    onOutput: (chunk) => {
      output += chunk.toString();
      const match = /^(\d+) (\d+)\n/.exec(output);
      if (match) {
        leftOver.push(Number(match[1]), Number(match[2]));
        announce([Number(match[1]), Number(match[2])]);
      }
    },
  });
  return { run, pids };
}

describe('the live process groups', () => {
  it('holds a running group and kills all of its processes on killAllGroups; the ended group leaves it', async () => {
    const { run, pids } = startGroupWithBackground();
    const [leader, background] = await pids;
    expect(liveProcessGroups()).toContain(leader);
    expect(isAlive(background)).toBe(true);

    killAllGroups('SIGKILL');
    const ended = await run;
    expect(ended.exitSignal).toBe('SIGKILL');
    await until(() => !isAlive(background));
    expect(isAlive(background)).toBe(false);
    expect(liveProcessGroups()).not.toContain(leader);
  }, 10_000);

  it('forgets a group that ended by itself', async () => {
    let leader = 0;
    const ended = await runProgram('bash', ['-c', 'echo $$'], {
      env: { PATH: process.env.PATH },
      onOutput: (chunk) => (leader = Number(chunk.toString().trim())),
    });
    expect(ended.exitCode).toBe(0);
    expect(leader).toBeGreaterThan(0);
    expect(liveProcessGroups()).not.toContain(leader);
  });

  it('tracks a group until it is forgotten; no pid (a failed spawn) is nothing to track', () => {
    const before = liveProcessGroups().length;
    const forget = trackProcessGroup(999_999_999);
    expect(liveProcessGroups()).toContain(999_999_999);
    // A group that is gone already is no error.
    expect(() => killAllGroups('SIGKILL')).not.toThrow();
    forget();
    expect(liveProcessGroups()).not.toContain(999_999_999);
    trackProcessGroup(undefined)();
    expect(liveProcessGroups()).toHaveLength(before);
  });
});
