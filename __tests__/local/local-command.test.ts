/**
 * The local command, built, run as a user runs it: `node dist/local/index.js` in a git repository, with the
 * stand-in CLI as --claude-path.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, isAlive, makeRepo, type FakeStep } from '../helpers/action-runner.js';
import { LOCAL_BUNDLE, runLocal } from '../helpers/local-command.js';

const result = (extra: Record<string, unknown> = {}): FakeStep => ({
  result: { total_cost_usd: 0.25, num_turns: 3, ...extra },
});

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
};

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
    // The transcript is in a folder of this run's own, which no other user can read or list.
    const transcript = String(outputs['transcript-file']);
    expect(readFileSync(transcript, 'utf8')).toContain('SECRET-FREE-CHATTER');
    expect(statSync(path.dirname(transcript)).mode & 0o777).toBe(0o700);
    expect(statSync(transcript).mode & 0o077).toBe(0);
    // The action's own job summary.
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ✅ Autonomous loop: `completed`\n/);
    expect(readFileSync(summary, 'utf8')).toMatch(/\| 1 \| [\d.]+ s \| 3 \| \$0\.25\d* \| yes \| ready: ok \|/);
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

  it('a second Ctrl-C exits 130 at once and leaves nothing running that Claude started', async () => {
    const repo = makeRepo();
    const toolPidFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'tool-pid-')), 'pid');
    // A CLI and a tool that both shrug off SIGINT and SIGTERM: only SIGKILL to their group stops them.
    const claude = fakeClaude([
      [
        { ignoreSignals: true },
        { shell: `trap '' TERM INT; sleep 300 & echo $! > '${toolPidFile}'` },
        { text: 'working' },
        { sleep: 60_000 },
        result(),
      ],
    ]);
    let interrupts = 0;
    const run = await runLocal(['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--json'], {
      cwd: repo.dir,
      env: claude.env,
      onStart: (child) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          // The second comes while Claude is still in its grace period after the first.
          if (interrupts === 0 && text.includes('working')) interrupts += child.kill('SIGINT') ? 1 : 0;
          else if (interrupts === 1 && text.includes('Ctrl-C again')) interrupts += child.kill('SIGINT') ? 1 : 0;
        });
      },
    });
    const left = [claude.calls()[0].pid as number, Number(readFileSync(toolPidFile, 'utf8'))];
    try {
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toContain('exiting without the report');
      await until(() => !left.some(isAlive));
      expect(left.filter(isAlive)).toEqual([]);
    } finally {
      for (const pid of left.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  }, 30_000);

  it("shows an attacker's workflow commands and escape sequences harmlessly", async () => {
    const repo = makeRepo();
    const attack =
      '::add-mask::sk-visible\n::error::forged\x1b]0;pwned\x07\x1b[2J\u009b31m##[group]g\n:\x1b:set-env::x';
    const claude = fakeClaude([[{ text: attack }, { text: gate(true, '::warning::done \x1b[31mred') }, result()]]);
    const run = await runLocal(['--prompt', 'x', '--claude-path', FAKE_CLAUDE], { cwd: repo.dir, env: claude.env });
    expect(run.code, run.stderr).toBe(0);
    const all = run.stdout + run.stderr;
    expectNoWorkflowCommands(all);
    // eslint-disable-next-line no-control-regex
    expect(all).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    const visible = run.stdout.replace(/\u200b/g, '');
    expect(visible).toContain('::add-mask::sk-visible');
    expect(visible).toContain('::error::forged]0;pwned[2J31m##[group]g');
    expect(visible).toContain('gate ready: ::warning::done [31mred');
  });

  it('runs from a subfolder of the repository, there', async () => {
    const repo = makeRepo();
    mkdirSync(path.join(repo.dir, 'pkg'));
    const claude = fakeClaude([[{ append: 'notes.md' }, { text: gate(true, 'ok') }, result()]]);
    const run = await runLocal(['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--json'], {
      cwd: path.join(repo.dir, 'pkg'),
      env: claude.env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', 'files-changed': 1 });
    expect(claude.calls()[0].cwd).toBe(path.join(repo.dir, 'pkg'));
  });

  it('passes --claude-args to the CLI, and --help and --version answer at once', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ text: gate(true, 'ok') }, result()]]);
    const run = await runLocal(
      ['--prompt', 'x', '--claude-path', FAKE_CLAUDE, '--claude-args=--fallback-model "claude sonnet"'],
      { cwd: repo.dir, env: claude.env },
    );
    expect(run.code, run.stderr).toBe(0);
    const args = claude.calls()[0].args;
    expect(args.slice(args.indexOf('--fallback-model'), args.indexOf('--fallback-model') + 2)).toEqual([
      '--fallback-model',
      'claude sonnet',
    ]);
    const help = await runLocal(['--help'], { cwd: os.tmpdir() });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: autonomous-loop --prompt TEXT/);
    const version = await runLocal(['--version'], { cwd: os.tmpdir() });
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
  });

  it('colours a terminal, unless NO_COLOR is set', () => {
    const repo = makeRepo();
    // `script` gives the command a pseudo-terminal, as a user's shell does.
    const onTty = (env: Record<string, string>): string => {
      const claude = fakeClaude([[{ text: gate(true, 'ok') }, result()]]);
      const command = `'${process.execPath}' '${LOCAL_BUNDLE}' --prompt x --claude-path '${FAKE_CLAUDE}'`;
      return execFileSync('script', ['-qec', command, '/dev/null'], {
        cwd: repo.dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...claude.env, ...env },
        encoding: 'utf8',
      });
    };
    expect(onTty({})).toContain('\x1b[32mcompleted\x1b[39m');
    const plain = onTty({ NO_COLOR: '1' });
    expect(plain).toContain('Autonomous loop: completed');
    expect(plain).not.toContain('\x1b[');
  }, 30_000);
});
