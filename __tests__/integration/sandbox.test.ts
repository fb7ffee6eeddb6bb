/**
 * `sandbox: true` through the built action with the stand-in CLI: the one --settings Claude gets, and a failure
 * before Claude runs when the sandbox's tools are missing and cannot be installed (never a run without it).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/system/sandbox-tools.js';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, runAction, runnerLog } from '../helpers/action-runner.js';

const done = [[{ text: gate(true, 'Done') }, { result: { total_cost_usd: 0.01 } }]];

/** A PATH with git and node only: no bwrap, socat, apt-get or sudo. */
function pathWithout(): string {
  const bin = path.join(mkdtempSync(path.join(os.tmpdir(), 'no-sandbox-tools-')), 'bin');
  mkdirSync(bin);
  for (const program of ['git', 'node']) {
    symlinkSync(findOnPath(program, { PATH: process.env.PATH ?? '' })!, path.join(bin, program));
  }
  return bin;
}

describe('sandbox: true through the action', () => {
  it("gives Claude one --settings: the sandbox, merged with the user's file, denying the runner's temp directory", async () => {
    const repo = makeRepo({ 'README.md': '# repo\n', 'team-settings.json': '{"permissions":{"deny":["WebFetch"]}}' });
    const claude = fakeClaude(done);
    const run = await runAction({
      cwd: repo.dir,
      inputs: {
        prompt: 'Do it',
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': 'sk-ant-sandbox-0123456789',
        sandbox: 'true',
        'allowed-domains': 'registry.npmjs.org',
        'claude-args': '--settings team-settings.json',
      },
      env: claude.env,
    });
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    const [call] = claude.calls();
    expect(call.args.filter((arg) => arg === '--settings')).toHaveLength(1);
    const settings = JSON.parse(call.args[call.args.indexOf('--settings') + 1]) as {
      sandbox: { enabled: boolean; allowUnsandboxedCommands: boolean; network: { allowedDomains: string[] } };
      permissions: { deny: string[] };
    };
    expect(settings.sandbox).toMatchObject({
      enabled: true,
      allowUnsandboxedCommands: false,
      network: { allowedDomains: ['registry.npmjs.org'] },
    });
    expect(settings.permissions.deny).toEqual(
      expect.arrayContaining(['WebFetch', 'Read(//proc/**)', `Read(/${run.runnerTemp}/**)`, 'Read(~/.*)']),
    );
  });

  it('fails before Claude runs when bwrap and socat are missing and cannot be installed', async () => {
    const repo = makeRepo();
    const claude = fakeClaude(done);
    const run = await runAction({
      cwd: repo.dir,
      inputs: {
        prompt: 'Do it',
        'claude-path': FAKE_CLAUDE,
        'anthropic-api-key': 'sk-ant-sandbox-0123456789',
        sandbox: 'true',
      },
      env: { ...claude.env, PATH: pathWithout() },
    });
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('failed');
    expect(run.outputs.reason).toMatch(/^The sandbox cannot run: Claude Code's sandbox needs bwrap and socat/);
    // As root there is no apt-get on this PATH; as another user, no sudo: either way it says what to install.
    expect(run.outputs.reason).toMatch(/bubblewrap and socat|bubblewrap socat/);
    expect(run.code).toBe(1);
    expect(claude.calls()).toEqual([]);
  });

  // As root the action installs the tools with apt-get itself (another user would need sudo).
  it.skipIf(process.getuid?.() !== 0)(
    'stops an install of the tools that stalls at time-limit-minutes, before Claude runs',
    async () => {
      const repo = makeRepo();
      const claude = fakeClaude(done);
      const bin = pathWithout();
      symlinkSync(findOnPath('env', { PATH: process.env.PATH ?? '' })!, path.join(bin, 'env'));
      writeFileSync(
        path.join(bin, 'apt-get'),
        `#!/bin/sh\nexec ${findOnPath('sleep', { PATH: process.env.PATH ?? '' })} 300\n`,
        {
          mode: 0o755,
        },
      );
      const started = Date.now();
      const run = await runAction({
        cwd: repo.dir,
        inputs: {
          prompt: 'Do it',
          'claude-path': FAKE_CLAUDE,
          'anthropic-api-key': 'sk-ant-sandbox-0123456789',
          sandbox: 'true',
          'time-limit-minutes': '0.05',
        },
        env: { ...claude.env, PATH: bin },
      });
      expect(run.outputs.status, runnerLog(run.stdout)).toBe('time_limit_reached');
      expect(run.outputs.reason).toMatch(/while setting up the sandbox/);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(claude.calls()).toEqual([]);
    },
  );

  it('runs Claude without --settings of its own when sandbox is false', async () => {
    const repo = makeRepo();
    const claude = fakeClaude(done);
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Do it', 'claude-path': FAKE_CLAUDE, 'anthropic-api-key': 'sk-ant-sandbox-0123456789' },
      env: { ...claude.env, PATH: pathWithout() },
    });
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    expect(claude.calls()[0].args).not.toContain('--settings');
  });
});
