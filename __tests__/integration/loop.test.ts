/**
 * The built action, run as the runner runs it, in real git repositories, against the scripted stand-in CLI.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTINUATION_PROMPT } from '../../src/actions/inputs.js';
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

const API_KEY = 'sk-ant-test-secret-key-0123456789';
const GITHUB_TOKEN = 'ghs_secret_token_for_issues_only_987';

async function loop(invocations: FakeStep[][], inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const repo = makeRepo();
  const claude = fakeClaude(invocations);
  const run = await runAction({
    cwd: repo.dir,
    inputs: { prompt: 'Build the widget', 'claude-path': FAKE_CLAUDE, 'anthropic-api-key': API_KEY, ...inputs },
    env: { ...claude.env, ...env },
  });
  return { repo, claude, run };
}

const result = (extra: Record<string, unknown> = {}): FakeStep => ({
  result: { total_cost_usd: 0.25, num_turns: 3, ...extra },
});

describe('the loop, end to end with a stand-in CLI', () => {
  it('completes in iteration 2, resuming the session of iteration 1 with the continuation prompt', async () => {
    const { repo, claude, run } = await loop([
      [
        { toolUse: { name: 'Write', input: { file_path: 'notes.md', content: 'hi' } } },
        { write: { path: 'notes.md', content: 'hello\n' } },
        { toolResult: 'File created' },
        { text: gate(false, 'Tests missing', ['Write tests', 'Update docs']) },
        result(),
      ],
      [{ append: 'notes.md' }, { text: gate(true, 'All done') }, result()],
    ]);

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'completed',
      iterations: '2',
      reason: 'All done',
      blockers: '[]',
      progress: 'step done',
      'session-id': 'session-1',
      'cost-usd': '0.5000',
      turns: '6',
      'files-changed': '1',
      'issue-number': '',
    });
    expect(readFileSync(`${repo.dir}/notes.md`, 'utf8')).toBe('hello\ninvocation 2\n');

    const [first, second] = claude.calls();
    expect(first.args.slice(0, 6)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
    ]);
    expect(first.args).toContain('--append-system-prompt');
    expect(first.args).not.toContain('--resume');
    expect(first.stdin).toBe('Build the widget');
    expect(first.args.join(' ')).not.toContain('Build the widget');
    expect(first.cwd).toBe(repo.dir);
    expect(second.args).toEqual(expect.arrayContaining(['--resume', 'session-1']));
    expect(second.args).not.toContain('--continue');
    expect(second.stdin).toBe(DEFAULT_CONTINUATION_PROMPT);

    // The summary: status and reason on top, the blockers of iteration 1 in its row.
    expect(run.summary).toMatch(/^## .* Autonomous loop: `completed`/);
    expect(run.summary).toContain('**Reason:** All done');
    expect(run.summary).toContain('| Iterations | 2 of 10 |');
    expect(run.summary).toMatch(
      /\| 1 \| [\d.]+ s \| 3 \| \$0\.2500 \| yes \| not ready: Tests missing \(blockers: Write tests; Update docs\)/,
    );
    expect(run.summary).toContain('None reported.');

    // The live log: a group per iteration, tool calls on one line, a verdict per iteration.
    expect(run.stdout).toContain('::group::Iteration 1 of 10');
    expect(run.stdout).toContain('::group::Iteration 2 of 10');
    expect(run.stdout).toContain('→ Write notes.md');
    expect(run.stdout).toMatch(
      /Iteration 1: [\d.]+ s, 3 turns, 1 tool calls, \$0\.2500, files changed → not ready: Tests missing/,
    );
    expect(run.stdout).not.toContain('"type":"assistant"');

    // The transcript keeps every raw line of both iterations.
    const transcript = readFileSync(run.outputs['transcript-file'], 'utf8');
    expect(run.outputs['transcript-file'].startsWith(run.runnerTemp)).toBe(true);
    expect(transcript.match(/"type":"result"/g)).toHaveLength(2);
  });

  it('stops at the iteration limit without failing the step by default', async () => {
    const { run, claude } = await loop(
      [[{ append: 'work.txt' }, { text: gate(false, 'More to do', ['Next step']) }, result()]],
      {
        'max-iterations': '3',
      },
    );
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.outputs.reason).toBe('Maximum iterations (3) reached');
    expect(run.outputs.iterations).toBe('3');
    expect(run.outputs.blockers).toBe('["Next step"]');
    expect(claude.calls()).toHaveLength(3);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::warning::The loop ended with status iteration_limit_reached');
  });

  it('fails the step on a status listed in fail-on', async () => {
    const { run } = await loop([[{ append: 'work.txt' }, result()]], {
      'max-iterations': '1',
      'fail-on': 'iteration_limit_reached',
    });
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::The loop ended with status iteration_limit_reached (listed in 'fail-on')");
  });

  it('clamps max-iterations to the hard limit with a warning', async () => {
    const { run, claude } = await loop([[{ append: 'w' }, result()]], { 'max-iterations': '5', 'hard-limit': '2' });
    expect(run.stdout).toContain("::warning::Input 'max-iterations' is 5, above 'hard-limit' 2: using 2.");
    expect(run.outputs.reason).toBe('Maximum iterations (2) reached');
    expect(claude.calls()).toHaveLength(2);
  });

  it('stops with no_progress after consecutive iterations without file changes', async () => {
    const { run } = await loop([[{ text: gate(false, 'Thinking') }, result()]], { 'no-change-threshold': '2' });
    expect(run.outputs).toMatchObject({
      status: 'no_progress',
      iterations: '2',
      reason: 'No file changes for 2 consecutive runs',
    });
    expect(run.outputs['files-changed']).toBe('0');
  });

  it('counts a commit as a change, and an edit reverted within the iteration as none', async () => {
    const { run, repo } = await loop(
      [
        [{ write: { path: 'a.txt', content: 'a' } }, { commit: 'add a' }, result()],
        [
          { write: { path: 'README.md', content: 'changed' } },
          { write: { path: 'README.md', content: '# test repo\n' } },
          result(),
        ],
      ],
      { 'no-change-threshold': '1', 'max-iterations': '5' },
    );
    expect(run.outputs).toMatchObject({ status: 'no_progress', iterations: '2', 'files-changed': '1' });
    expect(repo.git('log', '--oneline')).toContain('add a');
  });

  it('stops with repeated_error when the first blocker repeats', async () => {
    const { run } = await loop(
      [[{ append: 'w' }, { text: gate(false, 'Blocked', ['CI is red', 'other']) }, result()]],
      {
        'same-error-threshold': '2',
      },
    );
    expect(run.outputs).toMatchObject({
      status: 'repeated_error',
      iterations: '2',
      reason: 'Same error repeated 2 times: CI is red',
    });
  });

  it('stops with budget_exceeded once the total cost reaches max-budget-usd', async () => {
    const { run } = await loop([[{ append: 'w' }, result({ total_cost_usd: 0.4 })]], { 'max-budget-usd': '1' });
    expect(run.outputs.status).toBe('budget_exceeded');
    expect(run.outputs.iterations).toBe('3');
    expect(run.outputs['cost-usd']).toBe('1.2000');
    expect(run.outputs.reason).toContain("reaching 'max-budget-usd' ($1)");
  });

  it('uses the per-run cost of CLIs that report a cumulative total_cost_usd', async () => {
    const usage = (cost: number) => ({ 'claude-sonnet': { costUSD: cost } });
    const { run } = await loop([
      [
        { append: 'w' },
        { text: gate(false, 'go on') },
        result({ total_cost_usd: 0.1, model_usage_since_last_result: usage(0.1) }),
      ],
      [{ text: gate(true, 'done') }, result({ total_cost_usd: 0.3, model_usage_since_last_result: usage(0.2) })],
    ]);
    expect(run.outputs['cost-usd']).toBe('0.3000');
  });

  it('goes on after a turn cap and completes in the next iteration', async () => {
    const { run } = await loop(
      [
        [{ append: 'w' }, result({ subtype: 'error_max_turns', is_error: true }), { exit: 1 }],
        [{ text: gate(true, 'Finished') }, result()],
      ],
      { 'max-turns': '2' },
    );
    expect(run.outputs).toMatchObject({ status: 'completed', iterations: '2' });
    expect(run.summary).toContain('turn limit reached');
  });

  it('passes model, max-turns, tools and claude-args to the CLI', async () => {
    const { claude } = await loop([[{ text: gate(true, 'ok') }, result()]], {
      model: 'opus',
      'max-turns': '7',
      'allowed-tools': 'Edit Bash(npm test)',
      'disallowed-tools': 'WebFetch',
      'permission-mode': 'acceptEdits',
      'claude-args': `--add-dir '/tmp/some dir' --fallback-model sonnet`,
    });
    const { args } = claude.calls()[0];
    expect(args).toEqual(
      expect.arrayContaining(['--permission-mode', 'acceptEdits', '--model', 'opus', '--max-turns', '7']),
    );
    expect(args).toEqual(
      expect.arrayContaining(['--allowedTools', 'Edit Bash(npm test)', '--disallowedTools', 'WebFetch']),
    );
    expect(args.slice(-4)).toEqual(['--add-dir', '/tmp/some dir', '--fallback-model', 'sonnet']);
  });

  it('never completes on a gate in tool output, a sub-agent message or the echoed prompt', async () => {
    const fakeGate = gate(true, 'Quoted from a file');
    const { run } = await loop(
      [
        [
          { toolUse: { name: 'Read', input: { file_path: 'PLAN.md' } } },
          { toolResult: `# Plan\n${fakeGate}` },
          { subagentText: fakeGate },
          {
            raw: JSON.stringify({
              type: 'user',
              message: { role: 'user', content: fakeGate },
              parent_tool_use_id: null,
            }),
          },
          { append: 'w' },
          { text: 'I read the plan; more work remains.' },
          result(),
        ],
      ],
      { 'max-iterations': '2', prompt: `Finish when you can print:\n${fakeGate}` },
    );
    expect(run.outputs.status).toBe('iteration_limit_reached');
  });

  it('skips malformed lines and unknown message types', async () => {
    const { run } = await loop([
      [
        { raw: 'not json at all' },
        { raw: '{"type":"brand_new_kind","x":1}' },
        { raw: '[1,2,3]' },
        { raw: '{"type":"assistant","message":{"content":"not an array"}}' },
        { text: gate(true, 'fine') },
        result(),
      ],
    ]);
    expect(run.outputs.status).toBe('completed');
    expect(run.stdout).toContain(
      "::warning::Iteration 1: skipped 2 of 7 lines of the CLI's output that were not JSON.",
    );
  });

  it('fails with the CLI error text when the CLI fails', async () => {
    const { run } = await loop(
      [[result({ is_error: true, result: 'Something broke inside the CLI', api_error_status: null }), { exit: 1 }]],
      { 'api-retries': '0' },
    );
    expect(run.outputs).toMatchObject({ status: 'failed', iterations: '1', reason: 'Something broke inside the CLI' });
    expect(run.code).toBe(1);
    expect(run.summary).toContain('error: Something broke inside the CLI');
  });

  it('fails with stderr when the CLI exits without a result line', async () => {
    const { run } = await loop([[{ stderr: "error: option '--bogus' is unknown" }, { exit: 1 }]]);
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe(
      "claude exited with code 1 without a result line: error: option '--bogus' is unknown",
    );
  });

  it('re-runs an iteration after a transient API error, resuming the session', async () => {
    const { run, claude } = await loop(
      [
        [
          { text: 'API Error' },
          result({ is_error: true, api_error_status: 529, result: 'API Error: Repeated 529 Overloaded errors' }),
          { exit: 1 },
        ],
        [{ append: 'w' }, { text: gate(true, 'Recovered') }, result()],
      ],
      { 'api-retries': '1' },
    );
    expect(run.outputs).toMatchObject({ status: 'completed', iterations: '1' });
    expect(claude.calls()[1].args).toEqual(expect.arrayContaining(['--resume', 'session-1']));
    expect(run.stdout).toMatch(/::warning::Iteration 1: transient API error, retry 1 of 1/);
    expect(run.summary).toContain(
      'retry: attempt 1 failed: API Error: Repeated 529 Overloaded errors; retried after 5 s',
    );
  }, 30_000);

  it('times out an iteration that runs too long and stops the tools it started', async () => {
    const { run, claude } = await loop([[{ spawnSleeper: true }, { sleep: 60_000 }]], {
      'iteration-timeout-minutes': '0.01',
    });
    expect(run.outputs.status).toBe('timed_out');
    expect(run.outputs.reason).toBe("Iteration 1 ran longer than 'iteration-timeout-minutes' (0.01) and was stopped.");
    expect(run.code).toBe(1);
    expect(isAlive(claude.calls()[0].pid)).toBe(false);
    expect(claude.sleepers().filter(isAlive)).toEqual([]);
  });

  it('stops a CLI that lingers after its result line', async () => {
    const { run } = await loop([[{ text: gate(true, 'done') }, result(), { ignoreSignals: true }, { sleep: 60_000 }]]);
    expect(run.outputs.status).toBe('completed');
  });

  it('keeps secrets out of the log and out of Claude’s environment', async () => {
    const { run, claude } = await loop(
      [[{ text: `Echoing the key ${API_KEY} and token ${GITHUB_TOKEN}` }, { text: gate(true, 'ok') }, result()]],
      { 'github-token': GITHUB_TOKEN },
      {
        GH_TOKEN: GITHUB_TOKEN,
        ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret',
      },
    );
    const { env } = claude.calls()[0];
    // Claude holds a stand-in of the same shape, good only at the action's loopback proxy while the run lasts.
    expect(env.ANTHROPIC_API_KEY).toMatch(/^sk-ant-api03-[\w-]{93}AA$/);
    expect(env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.stringify(env)).not.toContain(API_KEY);
    expect(runnerLog(run.stdout)).not.toContain(env.ANTHROPIC_API_KEY);
    expect(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC).toBe('1');
    expect(Object.keys(env).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    expect(JSON.stringify(env)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(env)).not.toContain('runtime-secret');
    expect(JSON.stringify(env)).not.toContain('oidc-secret');
    // `claude --version` runs before any iteration: it gets no secret at all, not even the API key.
    const [versionCall] = claude.versionCalls();
    expect(Object.keys(versionCall.env).filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    for (const secret of [API_KEY, GITHUB_TOKEN, 'runtime-secret', 'oidc-secret']) {
      expect(JSON.stringify(versionCall.env)).not.toContain(secret);
    }
    const everything = runnerLog(run.stdout) + run.stderr + run.summary + JSON.stringify(run.outputs);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(GITHUB_TOKEN);
    expect(runnerLog(run.stdout)).toContain('Echoing the key *** and token ***');
    expect(run.stdout).toContain('Not passed to Claude because they hold the github-token input: GH_TOKEN.');
  });

  it('sets IS_SANDBOX=1 when running as root with bypassPermissions', async () => {
    const { run, claude } = await loop([[{ text: gate(true, 'ok') }, result()]]);
    const root = process.getuid?.() === 0;
    expect(claude.calls()[0].env.IS_SANDBOX).toBe(root ? '1' : undefined);
    if (root) expect(run.stdout).toContain('set IS_SANDBOX=1');
  });

  it('reports cancelled, writes the summary and leaves no CLI or tool process behind on SIGINT', async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ spawnSleeper: true }, { text: 'working' }, { sleep: 60_000 }]]);
    let sentAt = 0;
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Long task', 'claude-path': FAKE_CLAUDE },
      env: claude.env,
      onStart: (child) => {
        const poll = setInterval(() => {
          if (claude.sleepers().length > 0) {
            clearInterval(poll);
            sentAt = Date.now();
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    const exitedAfterMs = Date.now() - sentAt;
    expect(run.outputs.status).toBe('cancelled');
    expect(run.outputs.reason).toBe('The job was cancelled during iteration 1.');
    expect(run.summary).toContain('`cancelled`');
    expect(exitedAfterMs).toBeLessThan(5_000);
    expect(isAlive(claude.calls()[0].pid)).toBe(false);
    expect(claude.sleepers().filter(isAlive)).toEqual([]);
  });

  it('goes on without the transcript when it cannot be written', async () => {
    const { run } = await loop(
      [[{ text: gate(true, 'done anyway') }, result()]],
      {},
      { RUNNER_TEMP: '/nonexistent/runner-temp' },
    );
    expect(run.outputs.status).toBe('completed');
    expect(run.stdout).toMatch(/::warning::Could not write the transcript \/nonexistent\/runner-temp\/.*ENOENT/);
    expect(run.outputs['transcript-file']).toBe('');
  });

  it('handles a multi-hundred-megabyte transcript', async () => {
    const { run } = await loop([
      [{ flood: { lineBytes: 4000, totalBytes: 300 * 1024 * 1024 } }, { text: gate(true, 'big') }, result()],
    ]);
    try {
      expect(run.outputs.status).toBe('completed');
      expect(statSync(run.outputs['transcript-file']).size).toBeGreaterThan(300 * 1024 * 1024);
    } finally {
      rmSync(run.outputs['transcript-file'], { force: true });
    }
  }, 120_000);
});

describe('failures before the loop starts', () => {
  it('honours a cancellation while claude --version hangs: cancelled within 2 s, reported, nothing left', async () => {
    const repo = makeRepo();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hanging-claude-'));
    const hanging = path.join(dir, 'claude');
    // A unique sleep, so that the test can look for it afterwards.
    writeFileSync(hanging, '#!/bin/sh\nsleep 313.25\n', { mode: 0o755 });
    const sleepers = (): number[] =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('313.25');
          } catch {
            return false;
          }
        })
        .map(Number);
    let sentAt = 0;
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'x', 'claude-path': hanging },
      onStart: (child) => {
        const poll = setInterval(() => {
          if (sleepers().length > 0) {
            clearInterval(poll);
            sentAt = Date.now();
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    expect(run.outputs).toMatchObject({
      status: 'cancelled',
      iterations: '0',
      reason: 'The job was cancelled while the action was setting up Claude Code.',
    });
    expect(run.summary).toContain('`cancelled`');
    expect(sleepers().filter(isAlive)).toEqual([]);
  });

  it('rejects an invalid input with status failed, an annotation, and no CLI run', async () => {
    const { run, claude } = await loop([[result()]], { 'max-iterations': 'lots' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      iterations: '0',
      reason: `Input 'max-iterations' must be a whole number of at least 1, got "lots".`,
      blockers: '[]',
    });
    expect(run.stdout).toContain(`::error::Input 'max-iterations' must be a whole number of at least 1, got "lots".`);
    expect(run.summary).toContain('`failed`');
    expect(claude.calls()).toEqual([]);
  });

  it('fails clearly outside a git work tree', async () => {
    const claude = fakeClaude([[result()]]);
    const dir = makeRepo().dir;
    rmSync(`${dir}/.git`, { recursive: true, force: true });
    const run = await runAction({ cwd: dir, inputs: { prompt: 'x', 'claude-path': FAKE_CLAUDE }, env: claude.env });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toContain('is not inside a git work tree: run actions/checkout first');
    expect(claude.calls()).toEqual([]);
  });

  it('outside a git work tree, stops the CLI it was asking for its version, and says why it failed', async () => {
    // The CLI is looked up while the work tree is: a `claude --version` that hangs must not outlive the failure.
    const dir = makeRepo().dir;
    rmSync(`${dir}/.git`, { recursive: true, force: true });
    const bin = mkdtempSync(path.join(os.tmpdir(), 'hanging-claude-'));
    const pids = path.join(bin, 'pids');
    writeFileSync(path.join(bin, 'claude'), `#!/bin/sh\necho $$ >> '${pids}'\nexec sleep 313.5\n`, { mode: 0o755 });
    const run = await runAction({ cwd: dir, inputs: { prompt: 'x', 'claude-path': path.join(bin, 'claude') } });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toContain('is not inside a git work tree: run actions/checkout first');
    const started = existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    expect(started.filter(isAlive)).toEqual([]);
    rmSync(bin, { recursive: true, force: true });
    // Well below the 30 s that `--version` is given: the failure did not wait for it.
  }, 20_000);

  it('fails clearly when claude-path does not exist, without installing anything', async () => {
    const repo = makeRepo();
    const run = await runAction({ cwd: repo.dir, inputs: { prompt: 'x', 'claude-path': '/nowhere/claude' } });
    expect(run.outputs.status).toBe('failed');
    expect(run.outputs.reason).toBe(
      `Input 'claude-path' is "/nowhere/claude", but /nowhere/claude is not an executable file.`,
    );
    expect(run.stdout).not.toContain('installing');
    expect(existsSync(`${run.runnerTemp}/claude-code`)).toBe(false);
  });
});

describe('the loop keeps honest books', () => {
  it('keeps the iterations, cost, session and transcript when Claude deletes .git mid-loop', async () => {
    const { run } = await loop([
      [{ append: 'w' }, { text: gate(false, 'halfway', ['finish it']) }, result()],
      [{ remove: '.git' }, { text: gate(false, 'oops') }, result()],
    ]);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      iterations: '2',
      'cost-usd': '0.5000',
      'session-id': 'session-1',
      blockers: '[]',
    });
    expect(run.outputs.reason).toMatch(/^Could not look at the work tree after iteration 2: /);
    expect(readFileSync(run.outputs['transcript-file'], 'utf8').match(/"type":"result"/g)).toHaveLength(2);
    expect(run.summary).toContain('| 2 | ');
  });

  it('adds up every result line of a run and hands the CLI what is left of the budget', async () => {
    const usage = (cost: number) => ({ 'claude-sonnet': { costUSD: cost } });
    const { run, claude } = await loop(
      [
        [
          { append: 'w' },
          { text: gate(false, 'sub-agent running') },
          result({ total_cost_usd: 0.3, model_usage_since_last_result: usage(0.3) }),
          result({ total_cost_usd: 0.3, model_usage_since_last_result: {} }),
        ],
      ],
      { 'max-budget-usd': '0.5' },
    );
    expect(run.outputs.status).toBe('budget_exceeded');
    expect(run.outputs['cost-usd']).toBe('0.6000');
    const budgets = claude.calls().map((call) => call.args[call.args.indexOf('--max-budget-usd') + 1]);
    expect(budgets).toEqual(['0.5000', '0.2000']);
  });

  it('says which tools the permission mode denied when the loop stops short', async () => {
    const denial = { tool_name: 'Write', tool_use_id: 'toolu_1', tool_input: { file_path: 'a.txt' } };
    const { run } = await loop([[{ text: 'I will write a.txt' }, result({ permission_denials: [denial] })]], {
      'permission-mode': 'dontAsk',
      'no-change-threshold': '1',
    });
    expect(run.outputs.status).toBe('no_progress');
    expect(run.outputs.reason).toContain(
      "Under permission-mode 'dontAsk' the CLI denied Claude's tool calls: Write (1)",
    );
    expect(run.summary).toContain('denied: Write (1)');
    expect(run.stdout).toMatch(/Iteration 1: .* \(denied: Write \(1\)\)/);
  });

  it('warns once of a line too long to read, and still ends by the result line', async () => {
    const { run } = await loop([
      [{ raw: `{"type":"assistant","pad":"${'z'.repeat(65 * 1024 * 1024)}"}` }, { text: gate(true, 'done') }, result()],
    ]);
    expect(run.outputs.status).toBe('completed');
    expect(run.stdout).toContain(
      "::warning::Iteration 1: skipped 1 line(s) of the CLI's output longer than the line limit",
    );
  }, 60_000);
});
