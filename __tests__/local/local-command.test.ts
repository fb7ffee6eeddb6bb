/**
 * The local command, built, run as a user runs it: `node dist/local/index.js` in a git repository, with the
 * stand-in CLI as --claude-path.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, type FakeStep } from '../helpers/action-runner.js';
import { runLocal } from '../helpers/local-command.js';

const result = (extra: Record<string, unknown> = {}): FakeStep => ({
  result: { total_cost_usd: 0.25, num_turns: 3, ...extra },
});

/** No line a CI runner would take for a workflow command, and no `::` at all. */
function expectNoWorkflowCommands(text: string): void {
  expect(text).not.toContain('::');
  expect(text).not.toContain('##[');
}

describe('autonomous-loop (local command)', () => {
  it('runs to completion: exit 0, a line per iteration, Claude text streamed, no workflow commands', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([
      [{ append: 'notes.md' }, { text: '::warning::from Claude\n##[error]x' }, { text: gate(false, 'half') }, result()],
      [{ append: 'notes.md' }, { text: gate(true, 'All done') }, result()],
    ]);
    const run = await runLocal(['--prompt', 'Write notes', '--claude-path', FAKE_CLAUDE], {
      cwd: repo.dir,
      env: claude.env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Iteration 1 of 10: changed files · \$0\.25\d* · gate not ready: half/);
    expect(run.stdout).toMatch(/Iteration 2 of 10: changed files · \$0\.25\d* · gate ready: All done/);
    expect(run.stdout).toContain('Autonomous loop: completed after 2 of 10 iterations');
    expect(run.stdout).toContain('from Claude');
    expectNoWorkflowCommands(run.stdout + run.stderr);
    // Not a TTY: no colour.
    expect(run.stdout).not.toContain('\x1b[');
    expect(claude.calls()).toHaveLength(2);
  });

  it('--quiet keeps Claude text out; --json prints the outputs as one JSON object on stdout', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([
      [{ append: 'notes.md' }, { text: 'SECRET-FREE-CHATTER' }, { text: gate(true, 'ok') }, result()],
    ]);
    const summary = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-summary-')), 'summary.md');
    const run = await runLocal(
      ['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--quiet', '--json', '--summary', summary],
      { cwd: repo.dir, env: claude.env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('SECRET-FREE-CHATTER');
    expect(run.stderr).toContain('Iteration 1 of 10');
    const outputs = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({ status: 'completed', iterations: 1, 'cost-usd': 0.25, 'files-changed': 1 });
    expect(readFileSync(summary, 'utf8')).toMatch(/^# Autonomous loop: completed\n/);
    expect(readFileSync(summary, 'utf8')).toContain('| 1 | yes | 0.25');
  });

  it('redacts the credential from the environment in what it prints', async () => {
    const repo = makeRepo();
    const key = 'sk-ant-local-test-key-0123456789abcdef';
    const claude = fakeClaude([[{ text: `leaked ${key}` }, { text: gate(true, 'ok') }, result()]]);
    const run = await runLocal(['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--json'], {
      cwd: repo.dir,
      env: { ...claude.env, ANTHROPIC_API_KEY: key },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stderr).toContain('leaked ***');
  });

  it('exits 2 on a usage error, naming the flag', async () => {
    const repo = makeRepo();
    const run = await runLocal(['--prompt', 'x', '--max-iterations', 'x'], { cwd: repo.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--max-iterations must be a whole number of at least 1, got 'x'");
    expect(run.stdout).toBe('');
  });

  it('exits 2 outside a git work tree, saying so', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
    const run = await runLocal(['--prompt', 'x', '--working-directory', dir], { cwd: os.tmpdir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--working-directory (${dir}) is not inside a git work tree`);
  });

  it('exits 1 when the status is in --fail-on, 0 when it is not', async () => {
    const repo = makeRepo();
    const steps = [[{ append: 'notes.md' }, { text: gate(false, 'more to do') }, result()]];
    const args = ['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--max-iterations', '1'];
    const failing = await runLocal([...args, '--fail-on', 'iteration_limit_reached'], {
      cwd: repo.dir,
      env: fakeClaude(steps).env,
    });
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toContain('Autonomous loop: iteration_limit_reached after 1 of 1 iterations');
    const passing = await runLocal(args, { cwd: repo.dir, env: fakeClaude(steps).env });
    expect(passing.code, passing.stderr).toBe(0);
  });

  it('Ctrl-C stops Claude, reports the loop as cancelled, then exits 130', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ text: 'working' }, { sleep: 60_000 }, result()]]);
    const run = await runLocal(['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--json'], {
      cwd: repo.dir,
      env: claude.env,
      onStart: (child) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('working')) child.kill('SIGINT');
        });
      },
    });
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('Autonomous loop: cancelled');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'cancelled' });
  }, 30_000);
});
