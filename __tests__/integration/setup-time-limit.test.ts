/**
 * `time-limit-minutes` bounds setting up Claude Code too: a `claude --version` that does not answer, or an npm
 * install that stalls, is stopped at the deadline, and the run ends `time_limit_reached` saying so.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, isAlive, makeRepo, runAction } from '../helpers/action-runner.js';

const pids = (file: string): number[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];

describe('the time limit during set-up', () => {
  it('stops a claude --version that does not answer, and ends time_limit_reached', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ result: {} }]]);
    const started = Date.now();
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Fix it', 'claude-path': FAKE_CLAUDE, 'time-limit-minutes': '0.05' },
      env: { ...claude.env, FAKE_CLAUDE_VERSION_SLEEP_MS: '60000' },
    });
    // 3 s of time limit; the CLI's own 30 s time-out for --version is not what ends it.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('time_limit_reached');
    expect(run.outputs.iterations).toBe('0');
    expect(run.outputs.reason).toBe(
      "This run reached its time limit ('time-limit-minutes': 0.05) while setting up Claude Code. " +
        'Set-up ran out of time during `fake-claude.mjs --version`; it was stopped.',
    );
    expect(run.summary).toContain('Autonomous loop: `time_limit_reached`');
    const sleepers = pids(path.join(claude.env.FAKE_CLAUDE_STATE, 'version-sleepers'));
    expect(sleepers).toHaveLength(1);
    expect(sleepers.filter(isAlive)).toEqual([]);
    expect(claude.calls()).toEqual([]);
  }, 40_000);

  it('stops an npm install that stalls, and ends time_limit_reached', async () => {
    const repo = makeRepo();
    const bin = mkdtempSync(path.join(os.tmpdir(), 'stalled-npm-'));
    const pidFile = path.join(bin, 'pids');
    writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho $$ >> '${pidFile}'\nexec sleep 300\n`);
    chmodSync(path.join(bin, 'npm'), 0o755);
    const started = Date.now();
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Fix it', 'time-limit-minutes': '0.05' },
      env: {
        // No claude on PATH and an empty tool cache: the action installs the pinned version with this npm.
        PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
        RUNNER_TOOL_CACHE: mkdtempSync(path.join(os.tmpdir(), 'tool-cache-')),
      },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.outputs.status).toBe('time_limit_reached');
    expect(run.outputs.reason).toMatch(
      /while setting up Claude Code\. Set-up ran out of time during `npm install`; it was stopped\.$/,
    );
    expect(pids(pidFile)).toHaveLength(1);
    expect(pids(pidFile).filter(isAlive)).toEqual([]);
  }, 40_000);
});
