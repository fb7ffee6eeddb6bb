/**
 * What Claude and the check leave running: a process that left its process group (`setsid`, as the real CLI's Bash
 * tool starts every command) is still found and stopped at the end of each iteration, on every stop, and after the
 * check; a check whose background process holds its output still ends when bash exits.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAKE_CLAUDE,
  fakeClaude,
  gate,
  isAlive,
  makeRepo,
  runAction,
  runnerLog,
  type FakeStep,
} from '../helpers/action-runner.js';

const result: FakeStep = { result: { total_cost_usd: 0.1 } };

/** A ticking process in a session of its own, outside the CLI's process group; it writes its pid first. */
function escapee() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'escapee-'));
  const pidFile = path.join(dir, 'pid');
  const ticks = path.join(dir, 'ticks');
  return {
    dir,
    shell: `setsid sh -c 'echo $$ > ${pidFile}; while :; do date >> ${ticks}; sleep 0.1; done' &`,
    started: () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
    pid: () => Number(readFileSync(pidFile, 'utf8')),
    /** Whether the ticks file still grows over half a second. */
    async growing(): Promise<boolean> {
      const before = existsSync(ticks) ? statSync(ticks).size : 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (existsSync(ticks) ? statSync(ticks).size : 0) > before;
    },
  };
}

async function loop(invocations: FakeStep[][], inputs: Record<string, string> = {}) {
  const repo = makeRepo();
  const claude = fakeClaude(invocations);
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Serve the widget', 'claude-path': FAKE_CLAUDE, 'anthropic-api-key': 'sk-ant-x', ...inputs },
    env: claude.env,
  });
  return { repo, claude, run };
}

describe("Claude's background processes outside its process group", () => {
  it('are stopped at the end of each iteration, before the next one starts', async () => {
    const bg = escapee();
    const seen = path.join(bg.dir, 'seen-in-iteration-2');
    const { run } = await loop(
      [
        // Iteration 1 starts it and waits until it has ticked; iteration 2 looks whether it is still there.
        [{ shell: bg.shell }, { shell: `sleep 0.3` }, { text: gate(false, 'serving', ['more']) }, result],
        [
          { shell: `cut -d' ' -f3 /proc/$(cat ${bg.dir}/pid)/stat > ${seen} 2>/dev/null || echo gone > ${seen}` },
          { text: gate(true, 'done') },
          result,
        ],
      ],
      { 'max-iterations': '2' },
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(bg.started()).toBe(true);
    // Gone (or a zombie nobody reaps) by the time iteration 2 ran.
    expect(readFileSync(seen, 'utf8').trim()).toMatch(/^(gone|Z)$/);
    expect(run.stdout).toMatch(/Stopped [12] background process\(es\) left running by Claude in iteration 1\./);
    expect(isAlive(bg.pid())).toBe(false);
    expect(await bg.growing()).toBe(false);
  });

  it('are stopped on cancellation (SIGINT to the action)', async () => {
    const bg = escapee();
    let sentAt = 0;
    const repo = makeRepo();
    const claude = fakeClaude([[{ shell: bg.shell }, { text: 'working' }, { sleep: 60_000 }]]);
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Long task', 'claude-path': FAKE_CLAUDE },
      env: claude.env,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (bg.started()) {
            clearInterval(poll);
            sentAt = Date.now();
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(run.outputs.status).toBe('cancelled');
    // Well within the runner's 7.5 s before SIGTERM.
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(isAlive(bg.pid())).toBe(false);
    expect(await bg.growing()).toBe(false);
  });

  it('are stopped when the iteration times out', async () => {
    const bg = escapee();
    const { run } = await loop([[{ shell: bg.shell }, { sleep: 60_000 }]], { 'iteration-timeout-minutes': '0.02' });
    expect(run.outputs.status).toBe('timed_out');
    expect(bg.started()).toBe(true);
    expect(isAlive(bg.pid())).toBe(false);
    expect(await bg.growing()).toBe(false);
  });

  it('are stopped when time-limit-minutes ends the loop', async () => {
    const bg = escapee();
    const { run } = await loop([[{ shell: bg.shell }, { sleep: 60_000 }]], { 'time-limit-minutes': '0.03' });
    expect(run.outputs.status).toBe('time_limit_reached');
    expect(bg.started()).toBe(true);
    expect(isAlive(bg.pid())).toBe(false);
    expect(await bg.growing()).toBe(false);
  });
});

describe('a check that leaves a process running', () => {
  it('passes as soon as bash exits 0, though a background process holds its output; the process is stopped', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'check-bg-'));
    const started = Date.now();
    const { run } = await loop([[{ text: gate(true, 'done') }, result]], {
      'check-command': `sleep 300 & echo $! > ${dir}/pid; echo ok`,
      'check-timeout-minutes': '0.5',
      'max-iterations': '1',
    });
    expect(run.outputs, runnerLog(run.stdout)).toMatchObject({ status: 'completed', check: 'passed' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).toMatch(/Check after iteration 1: passed, [0-4]\.\d s/);
    expect(isAlive(Number(readFileSync(`${dir}/pid`, 'utf8')))).toBe(false);
  });

  it('passes, and its process in a session of its own is stopped too', async () => {
    const bg = escapee();
    const { run } = await loop([[{ text: gate(true, 'done') }, result]], {
      // Holding the check's output from outside its process group.
      'check-command': `${bg.shell.replace(/&$/, '')} & echo ok`,
      'check-timeout-minutes': '0.5',
      'max-iterations': '1',
    });
    expect(run.outputs, runnerLog(run.stdout)).toMatchObject({ status: 'completed', check: 'passed' });
    expect(run.stdout).toMatch(/Check after iteration 1: passed, [0-4]\.\d s/);
    expect(bg.started()).toBe(true);
    expect(isAlive(bg.pid())).toBe(false);
    expect(await bg.growing()).toBe(false);
  });
});
