import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../src/core/iteration-run.js';
import { DEFAULT_CONTINUATION_PROMPT } from '../src/actions/inputs.js';
import { runFacts, type LoopState } from '../src/core/loop-state.js';
import { runLoop, type IterationRequest, type LoopDeps, type LoopSettings, type LoopStart } from '../src/core/loop.js';
import { StreamState } from '../src/claude/stream-json.js';
import { describeForActions } from '../src/actions/describe.js';
import type { WorkTreeFingerprint } from '../src/core/fingerprint.js';
import type { CheckResult } from '../src/core/check.js';
import { loopState } from './helpers/builders.js';

const settings: LoopSettings = {
  prompt: 'Do the task',
  continuationPrompt: DEFAULT_CONTINUATION_PROMPT,
  maxIterations: 10,
  noChangeThreshold: 3,
  sameErrorThreshold: 5,
  maxBudgetUsd: undefined,
  iterationTimeoutMs: 60_000,
  apiRetries: 2,
  anthropicApiKey: 'k',
  claudeCodeOauthToken: '',
  permissionMode: 'bypassPermissions',
  checkCommand: '',
  checkOn: 'ready',
  checkTimeoutMs: 600_000,
  timeLimitMs: undefined,
};

interface ScriptedRun {
  lines?: object[];
  exitCode?: number | null;
  timedOut?: boolean;
  cancelled?: boolean;
  stderr?: string;
  /** Whether the work tree changes during this run. */
  changes?: boolean;
  /** The run writes a secret: where the guard finds it from now on (the work tree changes). */
  leaks?: string[];
  session?: string | null;
  /** Lines longer than the line cap that the process dropped. */
  droppedLines?: number;
  /** Looking at the work tree after this run fails with this message. */
  fingerprintFails?: string;
  /** The run itself throws this (a broken dependency). */
  throws?: string;
  /** Lines of output as they are, after `lines` (not JSON, for instance). */
  rawLines?: string[];
  /** The CLI could not be started: the run ends with this spawn error and no output. */
  spawnError?: string;
  /** The job is cancelled just after this run ends (the run itself finished). */
  abortAfter?: boolean;
  /**
   * The check after this iteration, if it runs: exit code (0 passes), its output, whether it changes files; whether
   * the job is cancelled just after it ends, whether it was stopped by the cancellation, whether looking at the work
   * tree after it fails.
   */
  check?: {
    exitCode: number | null;
    output?: string;
    changes?: boolean;
    timedOut?: boolean;
    hangs?: boolean;
    abortAfter?: boolean;
    cancelled?: boolean;
    fingerprintFails?: string;
    leaks?: string[];
  };
  /** The run never ends by itself: it is stopped at the timeout it was given (the clock moves on by that much). */
  hangs?: boolean;
  /** How long the run takes on the fake clock (default 1000 ms). */
  durationMs?: number;
}

const gateText = (ready: boolean, reason: string, blockers: string[] = []) =>
  `<COMPLETION_GATE>\nready: ${ready}\nreason: ${reason}\nblockers: ${JSON.stringify(blockers)}\n</COMPLETION_GATE>`;
const text = (value: string) => ({
  type: 'assistant',
  message: { content: [{ type: 'text', text: value }] },
  parent_tool_use_id: null,
});
const result = (extra: object = {}) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 2,
  total_cost_usd: 0.1,
  ...extra,
});

interface HarnessOptions {
  countFails?: string;
  /** Where the fake clock starts (default 0). */
  clockStart?: number;
  /** Looking at the work tree fails from the start with this message. */
  fingerprintFailsAtStart?: string;
  /** The job is cancelled while the loop waits before a retry. */
  abortDuringSleep?: boolean;
  /** Logging the start of this iteration throws (a broken dependency). */
  startIterationThrows?: number;
  /** The search for secrets fails with this message. */
  secretSearchFails?: string;
  /** Running the check throws this (a broken dependency). */
  checkThrows?: string;
}

/** Fakes for every dependency: each iteration's stream, exit and work-tree change come from the script. */
function harness(script: ScriptedRun[], options: HarnessOptions = {}) {
  const controller = new AbortController();
  const requests: IterationRequest[] = [];
  const started: [number, number][] = [];
  let fingerprints = 0;
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const verdicts: string[] = [];
  const checks: number[] = [];
  const checkTimeouts: number[] = [];
  const saved: LoopState[] = [];
  /** Every search for secrets: the two fingerprints' trees. */
  const secretSearches: string[][] = [];
  let leaks: string[] = [];
  let clock = options.clockStart ?? 0;
  let tree = 0;
  let fingerprintFailure = options.fingerprintFailsAtStart;
  const deps: LoopDeps = {
    // The Action's words: the reasons below are what its `reason` output says.
    describe: describeForActions,
    transcriptFile: () => '/tmp/t.jsonl',
    runIteration: async (request) => {
      requests.push(request);
      const step = script[Math.min(requests.length - 1, script.length - 1)];
      if (step.throws) throw new Error(step.throws);
      fingerprintFailure = step.fingerprintFails;
      const stream = new StreamState();
      const session = step.session === undefined ? 'sess-1' : step.session;
      if (session) stream.consume(JSON.stringify({ type: 'system', subtype: 'init', session_id: session }));
      for (const line of step.lines ?? []) stream.consume(JSON.stringify(line));
      for (const line of step.rawLines ?? []) stream.consume(line);
      if (step.changes || step.leaks) tree += 1;
      if (step.leaks) leaks = [...leaks, ...step.leaks];
      const durationMs = step.hangs ? request.timeoutMs : (step.durationMs ?? 1000);
      clock += durationMs;
      if (step.abortAfter) controller.abort();
      const outcome: ProcessOutcome = {
        stream,
        exitCode: step.exitCode === undefined ? 0 : step.exitCode,
        exitSignal: null,
        stderrTail: step.stderr ?? '',
        timedOut: step.hangs || (step.timedOut ?? false),
        cancelled: step.cancelled ?? false,
        stoppedAfterResult: false,
        spawnError: step.spawnError,
        durationMs,
        droppedLines: step.droppedLines ?? 0,
      };
      return outcome;
    },
    runCheck: async (number, timeoutMs): Promise<CheckResult> => {
      if (options.checkThrows) throw new Error(options.checkThrows);
      checks.push(number);
      checkTimeouts.push(timeoutMs);
      const check = script[Math.min(number - 1, script.length - 1)].check ?? { exitCode: 0 };
      if (check.changes || check.leaks) tree += 1;
      if (check.leaks) leaks = [...leaks, ...check.leaks];
      const timedOut = check.hangs || (check.timedOut ?? false);
      const durationMs = check.hangs ? timeoutMs : 500;
      clock += durationMs;
      if (check.abortAfter) controller.abort();
      if (check.fingerprintFails) fingerprintFailure = check.fingerprintFails;
      return {
        command: 'npm test',
        passed: check.exitCode === 0 && !timedOut,
        exitCode: timedOut ? null : check.exitCode,
        timedOut,
        cancelled: check.cancelled ?? false,
        spawnError: undefined,
        durationMs,
        output: check.output ?? '',
      };
    },
    fingerprint: async (): Promise<WorkTreeFingerprint> => {
      fingerprints += 1;
      if (fingerprintFailure) throw new Error(fingerprintFailure);
      return { head: 'h', tree: `t${tree}` };
    },
    findSecrets: async (from, to) => {
      secretSearches.push([from.tree, to.tree]);
      if (options.secretSearchFails) throw new Error(options.secretSearchFails);
      return to.tree === `t${tree}` ? leaks : [];
    },
    countChangedFiles: async (from, to) => {
      if (options.countFails) throw new Error(options.countFails);
      return Number(to.tree.slice(1)) - Number(from.tree.slice(1));
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      if (options.abortDuringSleep) controller.abort();
    },
    now: () => clock,
    saveState: async (state) => {
      saved.push(structuredClone(state));
    },
    log: {
      startIteration: (number, maxIterations) => {
        if (number === options.startIterationThrows) throw new Error('the log is gone');
        started.push([number, maxIterations]);
      },
      endIteration: (_record, verdict) => verdicts.push(verdict),
      warning: (message) => warnings.push(message),
    },
  };
  return {
    deps,
    controller,
    requests,
    started,
    fingerprints: () => fingerprints,
    sleeps,
    warnings,
    verdicts,
    checks,
    checkTimeouts,
    saved,
    secretSearches,
  };
}

const IDENTITY = { repository: 'o/r', workingDirectory: '.' };

const run = (
  script: ScriptedRun[],
  overrides: Partial<LoopSettings> = {},
  signal?: AbortSignal,
  options: HarnessOptions & { start?: Partial<LoopStart> } = {},
) => {
  const h = harness(script, options);
  const loopSignal = signal ?? h.controller.signal;
  return runLoop({ ...settings, ...overrides }, h.deps, loopSignal, { identity: IDENTITY, ...options.start }).then(
    (outcome) => ({ ...h, outcome }),
  );
};

describe('runLoop', () => {
  it('completes when the gate says ready, with the gate reason', async () => {
    const { outcome, requests } = await run([{ lines: [text(gateText(true, 'All green')), result()], changes: true }]);
    expect(outcome).toMatchObject({
      status: 'completed',
      reason: 'All green',
      iterations: 1,
      filesChanged: 1,
      sessionId: 'sess-1',
      transcriptFile: '/tmp/t.jsonl',
    });
    expect(requests[0]).toEqual({
      number: 1,
      attempt: 1,
      prompt: 'Do the task',
      resumeSessionId: undefined,
      continueLastSession: false,
      timeoutMs: 60_000,
      maxBudgetUsd: undefined,
    });
  });

  it('resumes the session of iteration 1 with the continuation prompt', async () => {
    const { requests } = await run([
      { lines: [text(gateText(false, 'more')), result()], changes: true },
      { lines: [text(gateText(true, 'done')), result()] },
    ]);
    expect(requests[1]).toMatchObject({
      number: 2,
      prompt: DEFAULT_CONTINUATION_PROMPT,
      resumeSessionId: 'sess-1',
      continueLastSession: false,
    });
  });

  it('falls back to --continue only when no session id was ever seen', async () => {
    const { requests } = await run([
      { lines: [result()], changes: true, session: null },
      { lines: [text(gateText(true, 'done')), result()], session: null },
    ]);
    expect(requests[1]).toMatchObject({ resumeSessionId: undefined, continueLastSession: true });
  });

  it('completes on the last allowed iteration: the gate is checked before the breaker', async () => {
    const { outcome } = await run(
      [
        { lines: [result()], changes: true },
        { lines: [text(gateText(true, 'just in time')), result()], changes: true },
      ],
      { maxIterations: 2 },
    );
    expect(outcome).toMatchObject({ status: 'completed', iterations: 2 });
  });

  it('maps the breaker trips to statuses', async () => {
    expect((await run([{ lines: [result()], changes: true }], { maxIterations: 3 })).outcome).toMatchObject({
      status: 'iteration_limit_reached',
      reason: 'Maximum iterations (3) reached',
      iterations: 3,
      maxIterations: 3,
    });
    expect((await run([{ lines: [result()] }])).outcome).toMatchObject({ status: 'no_progress', iterations: 3 });
    const blocked = [{ lines: [text(gateText(false, 'x', ['CI red'])), result()], changes: true }];
    expect((await run(blocked, { sameErrorThreshold: 2 })).outcome).toMatchObject({
      status: 'repeated_error',
      reason: 'Same error repeated 2 times: CI red',
    });
  });

  it('with same-error-threshold 1, stops at the first iteration that reports a blocker', async () => {
    const script = [
      { lines: [text(gateText(false, 'x')), result()], changes: true },
      { lines: [text(gateText(false, 'x', ['CI red'])), result()], changes: true },
    ];
    expect((await run(script, { sameErrorThreshold: 1 })).outcome).toMatchObject({
      status: 'repeated_error',
      iterations: 2,
    });
  });

  it('never stops with repeated_error on placeholder blockers', async () => {
    const placeholder = [{ lines: [text(gateText(false, 'x', ['none'])), result()], changes: true }];
    const { outcome } = await run(placeholder, { sameErrorThreshold: 1, maxIterations: 3 });
    expect(outcome).toMatchObject({ status: 'iteration_limit_reached', iterations: 3 });
    expect(outcome.lastGate?.blockers).toEqual([]);
  });

  it('does not complete on a gate that Claude quotes before more prose', async () => {
    const quoted = `Per the docs:\n\`\`\`\n${gateText(true, 'quoted')}\n\`\`\`\nNow running the tests.`;
    const { outcome } = await run([{ lines: [text(quoted), result()], changes: true }], { maxIterations: 2 });
    expect(outcome).toMatchObject({ status: 'iteration_limit_reached', iterations: 2 });
  });

  it('sums cost and turns, and stops at the budget', async () => {
    const { outcome } = await run([{ lines: [result({ total_cost_usd: 0.3 })], changes: true }], { maxBudgetUsd: 0.5 });
    expect(outcome).toMatchObject({ status: 'budget_exceeded', iterations: 2, turns: 4 });
    expect(outcome.costUsd).toBeCloseTo(0.6);
  });

  it('treats a turn cap as a normal end of an iteration', async () => {
    const { outcome } = await run([
      { lines: [result({ subtype: 'error_max_turns', is_error: true })], exitCode: 1, changes: true },
      { lines: [text(gateText(true, 'done')), result()] },
    ]);
    expect(outcome).toMatchObject({ status: 'completed', iterations: 2 });
    expect(outcome.records[0].subtype).toBe('error_max_turns');
  });

  it('fails with the CLI error before looking at the gate', async () => {
    const { outcome } = await run([
      { lines: [text(gateText(true, 'claimed')), result({ is_error: true, result: 'Tool crashed' })], exitCode: 1 },
    ]);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'Tool crashed' });
  });

  it('retries a transient API error with backoff, then fails with the API message', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: Repeated 529 Overloaded errors' })],
      exitCode: 1,
    };
    const { outcome, requests, sleeps, warnings } = await run([overloaded], { apiRetries: 2 });
    expect(requests.map((r) => [r.number, r.attempt, r.resumeSessionId])).toEqual([
      [1, 1, undefined],
      [1, 2, 'sess-1'],
      [1, 3, 'sess-1'],
    ]);
    expect(sleeps).toEqual([5_000, 10_000]);
    const notes = [
      'attempt 1 failed: API Error: Repeated 529 Overloaded errors; retried after 5 s',
      'attempt 2 failed: API Error: Repeated 529 Overloaded errors; retried after 10 s',
    ];
    expect(warnings).toEqual([
      `Iteration 1: transient API error, retry 1 of 2: ${notes[0]}`,
      `Iteration 1: transient API error, retry 2 of 2: ${notes[1]}`,
    ]);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'API Error: Repeated 529 Overloaded errors',
      iterations: 1,
    });
    expect(outcome.records[0].retryNotes).toEqual(notes);
  });

  it('a recovered retry is not a new iteration and not a same error for the breaker', async () => {
    const error = {
      lines: [result({ is_error: true, api_error_status: 429, result: 'API Error: Request rejected (429)' })],
      exitCode: 1,
    };
    const good = { lines: [text(gateText(false, 'x', ['b'])), result()], changes: true };
    const { outcome } = await run([error, good, error, good, error, good, good], {
      sameErrorThreshold: 4,
      maxIterations: 10,
    });
    // Iterations 1..3 each had a retry; blocker 'b' repeated four times trips at iteration 4.
    expect(outcome).toMatchObject({ status: 'repeated_error', iterations: 4 });
    expect(outcome.records.map((r) => r.retryNotes.length)).toEqual([1, 1, 1, 0]);
  });

  it('counts retries and their waits against the iteration timeout', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529 Overloaded' })],
      exitCode: 1,
    };
    // Each run takes 1 s (the harness): 1 s + 5 s wait + 1 s, then a 10 s wait would pass the 12 s timeout.
    const { outcome, requests, sleeps } = await run([overloaded], { iterationTimeoutMs: 12_000, apiRetries: 5 });
    expect(requests.map((r) => r.timeoutMs)).toEqual([12_000, 6_000]);
    expect(sleeps).toEqual([5_000]);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('API Error: 529 Overloaded (no retry: it would not end within the iteration timeout)');
    expect(outcome.records[0].durationMs).toBe(7_000);
  });

  it('makes no retry when the error says to wait past the iteration timeout', async () => {
    const { outcome, requests, sleeps } = await run([
      {
        lines: [result({ is_error: true, api_error_status: 429, result: 'Rate limited: retry after 600 seconds' })],
        exitCode: 1,
      },
    ]);
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(outcome.reason).toBe(
      'Rate limited: retry after 600 seconds (no retry: it would not end within the iteration timeout)',
    );
  });

  it('never retries an authentication error, and says which credential was rejected', async () => {
    const { outcome, requests } = await run([
      {
        lines: [result({ is_error: true, api_error_status: 401, result: 'Invalid API key · Fix external API key' })],
        exitCode: 1,
      },
    ]);
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('failed');
    expect(outcome.cause).toEqual({
      kind: 'auth',
      credential: 'api-key',
      provider: undefined,
      status: 401,
      cliSaid: 'Invalid API key · Fix external API key',
    });
    expect(outcome.records[0].error).toBe(outcome.reason);
  });

  it('waits until a limit resets when that is within the iteration timeout', async () => {
    const now = 1_700_000_000_000;
    const reset = now / 1000 + 20;
    const limited = {
      lines: [result({ is_error: true, result: `Claude AI usage limit reached|${reset}` })],
      exitCode: 1,
    };
    const { sleeps, outcome } = await run([limited, { lines: [text(gateText(true, 'ok')), result()] }], {}, undefined, {
      clockStart: now,
    });
    // The run took 1 s of the 20: the rest, and a second past the reset.
    expect(sleeps).toEqual([20_000]);
    expect(outcome.status).toBe('completed');
  });

  it('reports timed_out and cancelled', async () => {
    expect((await run([{ timedOut: true, exitCode: null }], { iterationTimeoutMs: 90_000 })).outcome).toMatchObject({
      status: 'timed_out',
      cause: { kind: 'iteration_timeout', iteration: 1, minutes: 1.5 },
    });
    expect((await run([{ cancelled: true, exitCode: null }])).outcome).toMatchObject({ status: 'cancelled' });
    const aborted = new AbortController();
    aborted.abort();
    expect((await run([{}], {}, aborted.signal)).outcome).toMatchObject({ status: 'cancelled', iterations: 0 });
  });

  it('keeps the last gate seen for the reports', async () => {
    const { outcome } = await run(
      [
        { lines: [text(gateText(false, 'first', ['a'])), result()], changes: true },
        { lines: [result()], changes: true },
      ],
      { maxIterations: 2 },
    );
    expect(outcome.lastGate?.blockers).toEqual(['a']);
    expect(outcome.records[1].gate).toBeUndefined();
  });
});

const usage = (costUSD: number) => ({ 'claude-sonnet-4-5': { costUSD } });
const denial = (id: string, tool: string) => ({ tool_name: tool, tool_use_id: id, tool_input: {} });

describe('runLoop: cost and budget', () => {
  it('counts every result line of a run, not only the last one', async () => {
    // A background sub-agent: the second result line reports nothing since the first.
    const lines = [
      result({ total_cost_usd: 2, model_usage_since_last_result: usage(0.2) }),
      result({ total_cost_usd: 2, model_usage_since_last_result: {} }),
    ];
    const { outcome } = await run([{ lines, changes: true }], { maxBudgetUsd: 0.5 });
    expect(outcome.status).toBe('budget_exceeded');
    expect(outcome.iterations).toBe(3);
    expect(outcome.costUsd).toBeCloseTo(0.6, 10);
  });

  it('hands the CLI what is left of the budget, for every run of an iteration', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529', total_cost_usd: 0.125 })],
      exitCode: 1,
    };
    const { requests } = await run(
      [overloaded, { lines: [result({ total_cost_usd: 0.25 })], changes: true }, { lines: [result()] }],
      { maxBudgetUsd: 1, maxIterations: 2 },
    );
    expect(requests.map((r) => [r.number, r.attempt, r.maxBudgetUsd])).toEqual([
      [1, 1, 1],
      [1, 2, 0.875],
      [2, 1, 0.625],
    ]);
  });

  it('makes no retry once the budget is spent, and ends budget_exceeded', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529', total_cost_usd: 0.6 })],
      exitCode: 1,
    };
    const { outcome, requests } = await run([overloaded], { maxBudgetUsd: 0.5, apiRetries: 3 });
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('budget_exceeded');
    expect(outcome.cause).toEqual({
      kind: 'budget',
      spentUsd: 0.6,
      costKnown: true,
      limitUsd: 0.5,
      cliStop: undefined,
      denials: undefined,
    });
  });

  it('ends budget_exceeded when the CLI stops at the budget, with what the CLI said', async () => {
    const stopped = result({
      subtype: 'error_max_budget_usd',
      is_error: true,
      errors: ['Reached maximum budget ($0.3)'],
      total_cost_usd: 0.31,
    });
    const { outcome } = await run([{ lines: [stopped], exitCode: 1, changes: true }], { maxBudgetUsd: 0.3 });
    expect(outcome.status).toBe('budget_exceeded');
    expect(outcome.cause).toMatchObject({
      kind: 'budget',
      spentUsd: 0.31,
      limitUsd: 0.3,
      cliStop: 'The CLI stopped at its own budget: Reached maximum budget ($0.3)',
    });
  });

  it('completes when Claude finished the task in the iteration that reached the budget', async () => {
    const stopped = result({ subtype: 'error_max_budget_usd', is_error: true, total_cost_usd: 0.31 });
    const viaCli = await run([{ lines: [text(gateText(true, 'done')), stopped], exitCode: 1 }], { maxBudgetUsd: 0.3 });
    expect(viaCli.outcome).toMatchObject({ status: 'completed', reason: 'done' });
    expect(viaCli.warnings).toEqual(['Iteration 1 completed the task and also reached the budget.']);
    const viaLoop = await run([{ lines: [text(gateText(true, 'done')), result({ total_cost_usd: 0.5 })] }], {
      maxBudgetUsd: 0.3,
    });
    expect(viaLoop.outcome).toMatchObject({ status: 'completed', reason: 'done' });
  });

  it('says the cost is unknown for an iteration stopped before its result line', async () => {
    const { outcome } = await run([
      { lines: [result({ total_cost_usd: 0.2 })], changes: true },
      { timedOut: true, exitCode: null },
    ]);
    expect(outcome.status).toBe('timed_out');
    expect(outcome.records.map((r) => r.costKnown)).toEqual([true, false]);
    expect(outcome.costKnown).toBe(false);
    expect(outcome.costUsd).toBeCloseTo(0.2);
  });

  it('ignores a cost that cannot be right, with a warning', async () => {
    const { outcome, warnings } = await run([
      { lines: [text(gateText(true, 'ok')), result({ model_usage_since_last_result: usage(-3) })] },
    ]);
    expect(outcome.costUsd).toBe(0);
    expect(warnings).toEqual([
      'Iteration 1: ignored cost values that are not a non-negative number: costUSD of claude-sonnet-4-5 -3.',
    ]);
  });
});

describe('runLoop: a failure late in the loop keeps what the loop did', () => {
  const working = { lines: [text(gateText(false, 'going', ['next'])), result({ total_cost_usd: 0.1 })], changes: true };

  it('when the work tree cannot be read after an iteration', async () => {
    const { outcome } = await run([working, { ...working, fingerprintFails: 'fatal: not a git repository' }]);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'Could not look at the work tree after iteration 2: fatal: not a git repository',
      iterations: 2,
      sessionId: 'sess-1',
      turns: 4,
      transcriptFile: '/tmp/t.jsonl',
    });
    expect(outcome.costUsd).toBeCloseTo(0.2);
    expect(outcome.lastGate?.blockers).toEqual(['next']);
    expect(outcome.filesChanged).toBe(1);
  });

  it('when running an iteration throws, keeping what its earlier runs spent and closing its log group', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529', total_cost_usd: 0.25 })],
      exitCode: 1,
    };
    const { outcome, verdicts } = await run([working, overloaded, { throws: 'spawn E2BIG' }]);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'The loop stopped in iteration 2: spawn E2BIG',
      iterations: 2,
      costKnown: false,
    });
    expect(outcome.costUsd).toBeCloseTo(0.35);
    expect(outcome.records[1]).toMatchObject({ costKnown: false, retryNotes: [expect.any(String)] });
    expect(verdicts.at(-1)).toBe('failed: The loop stopped in iteration 2: spawn E2BIG');
  });

  it('says so, and keeps the status, when the changed files cannot be counted', async () => {
    const { outcome, warnings } = await run(
      [{ lines: [text(gateText(true, 'done')), result()], changes: true }],
      {},
      undefined,
      { countFails: 'fatal: bad object' },
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.filesChanged).toBeUndefined();
    expect(warnings).toEqual(['Could not count the files changed since the loop started: fatal: bad object']);
  });
});

describe('runLoop: what the CLI did not let Claude do', () => {
  it('names the denied tools and the permission mode when the loop stops short', async () => {
    const denied = result({ permission_denials: [denial('toolu_1', 'Write'), denial('toolu_2', 'Bash')] });
    const { outcome } = await run(
      [{ lines: [denied] }, { lines: [result({ permission_denials: [denial('toolu_3', 'Write')] })] }],
      { noChangeThreshold: 2, permissionMode: 'default' },
    );
    expect(outcome.status).toBe('no_progress');
    expect(outcome.cause).toEqual({
      kind: 'breaker',
      trip: 'no_changes',
      tripReason: 'No file changes for 2 consecutive runs',
      denials: { permissionMode: 'default', deniedTools: { Write: 2, Bash: 1 } },
      checkEnd: undefined,
    });
    expect(outcome.records.map((r) => r.deniedTools)).toEqual([{ Write: 1, Bash: 1 }, { Write: 1 }]);
  });

  it('warns once per loop of lines too long to read', async () => {
    const { warnings } = await run([{ lines: [result()], droppedLines: 2, changes: true }], { maxIterations: 3 });
    expect(warnings).toEqual([
      "Iteration 1: skipped 2 line(s) of the CLI's output longer than the line limit (64 MiB) without reading " +
        'them; they are in the transcript. Said once per loop.',
    ]);
  });
});

describe('runLoop: a check command verifies ready: true', () => {
  const ready = (extra: Partial<ScriptedRun> = {}): ScriptedRun => ({
    lines: [text(gateText(true, 'all done')), result()],
    changes: true,
    ...extra,
  });
  const notReady = (extra: Partial<ScriptedRun> = {}): ScriptedRun => ({
    lines: [text(gateText(false, 'working', ['tests'])), result()],
    changes: true,
    ...extra,
  });
  const withCheck = { checkCommand: 'npm test' };

  it('completes when the check passes after ready: true', async () => {
    const { outcome, checks } = await run([ready()], withCheck);
    expect(outcome).toMatchObject({ status: 'completed', iterations: 1 });
    expect(checks).toEqual([1]);
    expect(outcome.lastCheck).toMatchObject({ passed: true, command: 'npm test', iteration: 1, end: 'exit code 0' });
  });

  it('goes on when the check fails, and tells Claude what failed', async () => {
    const { outcome, requests, verdicts } = await run(
      [ready({ check: { exitCode: 1, output: 'FAIL src/a.test.ts\n1 failed' } }), ready()],
      withCheck,
    );
    expect(outcome).toMatchObject({ status: 'completed', iterations: 2 });
    expect(verdicts[0]).toBe('Claude reported ready, but the check failed (exit code 1): continuing');
    expect(requests[1].prompt.startsWith(`${DEFAULT_CONTINUATION_PROMPT}\n\nThe loop ran the check command`)).toBe(
      true,
    );
    expect(requests[1].prompt).toContain('Command: npm test\nResult: exit code 1');
    expect(requests[1].prompt).toContain('```\nFAIL src/a.test.ts\n1 failed\n```');
    expect(outcome.records.map((r) => r.check?.passed)).toEqual([false, true]);
  });

  it('runs the check only after ready: true by default, after every iteration when asked', async () => {
    const script = [notReady({ check: { exitCode: 1, output: 'boom' } }), ready()];
    expect((await run(script, withCheck)).checks).toEqual([2]);
    const every = await run(script, { ...withCheck, checkOn: 'every-iteration' });
    expect(every.checks).toEqual([1, 2]);
    expect(every.requests[1].prompt).toContain('boom');
  });

  it('does not complete on a passing check without ready: true', async () => {
    const { outcome } = await run([notReady()], { ...withCheck, checkOn: 'every-iteration', maxIterations: 2 });
    expect(outcome.status).toBe('iteration_limit_reached');
  });

  it('does not count what the check writes as Claude’s progress', async () => {
    const { outcome } = await run([notReady({ changes: false, check: { exitCode: 0, changes: true } })], {
      ...withCheck,
      checkOn: 'every-iteration',
      noChangeThreshold: 2,
    });
    expect(outcome).toMatchObject({ status: 'no_progress', iterations: 2 });
  });

  it('ends repeated_error when the check fails the same way again and again', async () => {
    const output = (seconds: number) => `Tests: 1 failed, 9 passed\nRan all test suites in ${seconds}.2 s`;
    const { outcome } = await run(
      [
        ready({ check: { exitCode: 1, output: output(3) } }),
        ready({ check: { exitCode: 1, output: output(4) } }),
        ready({ check: { exitCode: 1, output: output(5) } }),
      ],
      { ...withCheck, sameErrorThreshold: 3 },
    );
    expect(outcome.status).toBe('repeated_error');
    expect(outcome.reason).toBe(
      'Same error repeated 3 times: The check failed (exit code 1): Ran all test suites in <duration>',
    );
  });

  it('a check that fails differently is not the same error', async () => {
    const { outcome } = await run(
      [
        ready({ check: { exitCode: 1, output: '3 failed' } }),
        ready({ check: { exitCode: 1, output: '2 failed' } }),
        ready({ check: { exitCode: 1, output: '1 failed' } }),
      ],
      { ...withCheck, sameErrorThreshold: 2, maxIterations: 3 },
    );
    expect(outcome.status).toBe('iteration_limit_reached');
  });

  it('says that Claude claimed completion when the iterations run out on a failing check', async () => {
    const { outcome } = await run([ready({ check: { exitCode: 2, output: 'lint errors' } })], {
      ...withCheck,
      maxIterations: 2,
    });
    expect(outcome).toMatchObject({
      status: 'iteration_limit_reached',
      reason:
        'Maximum iterations (2) reached: Claude reported the task complete, but the check command failed (exit code 2).',
    });
    expect(outcome.lastCheck).toMatchObject({ passed: false, output: 'lint errors', iteration: 2 });
  });

  it('treats a check that timed out as failed, and says so', async () => {
    const { outcome, requests } = await run([ready({ check: { exitCode: null, timedOut: true } }), ready()], {
      ...withCheck,
      checkTimeoutMs: 90_000,
    });
    expect(outcome.status).toBe('completed');
    expect(requests[1].prompt).toContain('Result: timed out after 1.5 min and was stopped');
  });
});

const SAVED_SESSION = '0b7c6a52-3f51-4f8e-9d4e-2a0c4b1d9e77';

const savedState = (extra: Partial<LoopState> = {}): LoopState =>
  loopState({
    repository: 'o/r',
    prompt: 'Do the task',
    sessionId: SAVED_SESSION,
    reason: 'Maximum iterations (2) reached',
    iterations: 2,
    costUsd: 0.2,
    turns: 4,
    breaker: { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
    lastGate: { ready: false, reason: 'half done', progress: 'a', blockers: ['b'], extra: {} },
    checkReport: undefined,
    savedAt: '2026-11-21T10:00:00.000Z',
    ...extra,
  });
const notReady = { lines: [text(gateText(false, 'more to do', ['x'])), result()], changes: true };
const ready = { lines: [text(gateText(true, 'done')), result()], changes: true };

describe('runLoop: a check of an older work tree is stale', () => {
  const everyIteration = { checkCommand: 'npm test', checkOn: 'every-iteration' as const };
  const passing = { lines: [text(gateText(false, 'more', ['x'])), result()], changes: true, check: { exitCode: 0 } };
  const apiError = { lines: [result({ is_error: true, api_error_status: 400, result: 'API Error: 400 bad' })] };

  it('when a later iteration changed files and then failed, timed out or met the time limit', async () => {
    const failed = await run([passing, { ...apiError, changes: true, exitCode: 1 }], everyIteration);
    expect(failed.outcome.status).toBe('failed');
    expect(failed.outcome.lastCheck).toMatchObject({ passed: true, iteration: 1, stale: true });

    const timedOut = await run([passing, { hangs: true, changes: true }], everyIteration);
    expect(timedOut.outcome.status).toBe('timed_out');
    expect(timedOut.outcome.lastCheck).toMatchObject({ passed: true, stale: true });

    const outOfTime = await run([passing, { hangs: true, changes: true }], everyIteration, undefined, {
      start: { deadline: 5_000 },
    });
    expect(outOfTime.outcome.status).toBe('time_limit_reached');
    expect(outOfTime.outcome.lastCheck).toMatchObject({ passed: true, stale: true });
  });

  it('when an iteration after it was cancelled before the work tree could be looked at', async () => {
    const { outcome } = await run([passing, { changes: false, cancelled: true }], everyIteration);
    expect(outcome.status).toBe('cancelled');
    expect(outcome.lastCheck).toMatchObject({ passed: true, stale: true });
  });

  it('not when the iterations after it left the work tree as the check saw it', async () => {
    const { outcome } = await run([passing, { ...apiError, changes: false, exitCode: 1 }], everyIteration);
    expect(outcome.status).toBe('failed');
    expect(outcome.lastCheck).toMatchObject({ passed: true, iteration: 1, stale: false });
  });

  it('not for what the check itself wrote, nor for the check that ended the loop', async () => {
    const writesCoverage = { ...passing, check: { exitCode: 0, changes: true } };
    const { outcome } = await run([writesCoverage], { ...everyIteration, maxIterations: 2 });
    expect(outcome.status).toBe('iteration_limit_reached');
    expect(outcome.lastCheck).toMatchObject({ passed: true, iteration: 2, stale: false });
  });
});

describe('runLoop: a saved session that the CLI cannot resume', () => {
  const failing = (status: number | null, message: string) => ({
    lines: [result({ is_error: true, api_error_status: status, result: message })],
    exitCode: 1,
  });
  const continued = { start: { saved: savedState() } };

  it('is reported when the first iteration of a continued loop fails for a reason that is not transient', async () => {
    const { outcome } = await run(
      [failing(400, 'API Error: 400 model: claude-gone not found')],
      {},
      undefined,
      continued,
    );
    expect(outcome).toMatchObject({ status: 'failed', savedSessionFailed: true });
    const notFound = await run([failing(null, 'No conversation found with session ID: x')], {}, undefined, continued);
    expect(notFound.outcome.savedSessionFailed).toBe(true);
  });

  it('not for a transient failure, the credentials, a CLI that printed no result line, or a new loop', async () => {
    const cases: Array<[ScriptedRun, LoopStart['saved']]> = [
      [failing(429, 'API Error: Request rejected (429)'), savedState()],
      [failing(529, 'API Error: Repeated 529 Overloaded errors'), savedState()],
      [failing(401, 'Invalid API key'), savedState()],
      [{ exitCode: 1, stderr: "error: unknown option '--bogus'" }, savedState()],
      [failing(400, 'API Error: 400 bad'), undefined],
    ];
    for (const [step, saved] of cases) {
      const { outcome } = await run([step], { apiRetries: 0 }, undefined, { start: { saved } });
      expect(outcome.status).toBe('failed');
      expect(outcome.savedSessionFailed).toBe(false);
    }
  });

  it('not when a later iteration of the continued loop fails', async () => {
    const { outcome } = await run([notReady, failing(400, 'API Error: 400 bad')], {}, undefined, continued);
    expect(outcome).toMatchObject({ status: 'failed', iterations: 2, savedSessionFailed: false });
  });
});

describe('runLoop: the state a later run continues from', () => {
  it('saves the state after every iteration that goes on, and how the run ended', async () => {
    const { saved, outcome } = await run([notReady, notReady, ready]);
    expect(outcome.status).toBe('completed');
    expect(saved.map((state) => [state.status, state.iterations, state.sessionId])).toEqual([
      ['running', 1, 'sess-1'],
      ['running', 2, 'sess-1'],
      ['completed', 3, 'sess-1'],
    ]);
    expect(saved[2]).toMatchObject({
      version: 1,
      repository: 'o/r',
      workingDirectory: '.',
      prompt: 'Do the task',
      reason: 'done',
      runs: 1,
      turns: 6,
      costKnown: true,
    });
    expect(saved[2].costUsd).toBeCloseTo(0.3, 10);
    expect(saved[1].lastGate?.reason).toBe('more to do');
    expect(outcome.earlier).toBeUndefined();
  });

  it('saves the breaker counts, and no state before there is a session to continue', async () => {
    const noChange = { lines: [text(gateText(false, 'stuck', ['same'])), result()] };
    const { saved } = await run([noChange, noChange, noChange], { noChangeThreshold: 5 });
    expect(saved[1].breaker).toEqual({ runsWithoutChanges: 2, sameErrorCount: 2, lastError: 'same' });
    const { saved: none } = await run([{ session: null, exitCode: 1, stderr: 'boom' }]);
    expect(none).toEqual([]);
  });

  it('resumes the saved session with the continuation prompt, and adds to the totals', async () => {
    const { requests, outcome, saved } = await run([ready], {}, undefined, { start: { saved: savedState() } });
    expect(requests[0]).toMatchObject({
      resumeSessionId: SAVED_SESSION,
      prompt: `${DEFAULT_CONTINUATION_PROMPT}\n\n${runFacts('')}`,
    });
    expect(outcome).toMatchObject({
      status: 'completed',
      iterations: 1,
      earlier: { prompt: 'Do the task', runs: 1, iterations: 2, costUsd: 0.2, costKnown: true },
    });
    expect(saved.at(-1)).toMatchObject({
      runs: 2,
      iterations: 3,
      turns: 6,
      status: 'completed',
      prompt: 'Do the task',
    });
    expect(saved.at(-1)!.costUsd).toBeCloseTo(0.3, 10);
  });

  it("puts this run's prompt before the continuation prompt when it is new, and the failed check after it", async () => {
    const state = savedState({ checkReport: 'The check failed: 2 tests' });
    const { requests, saved } = await run([ready], { prompt: '/continue: fix the messages first' }, undefined, {
      start: { saved: state },
    });
    expect(requests[0].prompt).toBe(
      `/continue: fix the messages first\n\n${DEFAULT_CONTINUATION_PROMPT}\n\n${runFacts('')}\n\nThe check failed: 2 tests`,
    );
    // The loop is still the task it started with.
    expect(saved.at(-1)!.prompt).toBe('Do the task');
  });

  it("tells Claude this run's check command in the first prompt of a continued loop, and only there", async () => {
    const { requests } = await run([notReady, ready], { checkCommand: 'npm run check-b' }, undefined, {
      start: { saved: savedState() },
    });
    expect(requests[0].prompt).toBe(`${DEFAULT_CONTINUATION_PROMPT}\n\n${runFacts('npm run check-b')}`);
    expect(requests[0].prompt).toContain('only when it passes: npm run check-b');
    expect(requests[1].prompt).toBe(DEFAULT_CONTINUATION_PROMPT);
  });

  it('carries the breaker counts over: a loop that made no changes stops sooner', async () => {
    const state = savedState({ breaker: { runsWithoutChanges: 2, sameErrorCount: 0, lastError: undefined } });
    const { outcome } = await run([{ lines: [text(gateText(false, 'no')), result()] }], {}, undefined, {
      start: { saved: state },
    });
    expect(outcome.status).toBe('no_progress');
    expect(outcome.iterations).toBe(1);
    expect(outcome.reason).toContain('No file changes for 3 consecutive runs');
  });

  it('counts max-iterations and max-budget-usd for this run only', async () => {
    const state = savedState({ iterations: 9, costUsd: 5 });
    const { outcome } = await run([notReady], { maxIterations: 2, maxBudgetUsd: 1 }, undefined, {
      start: { saved: state },
    });
    expect(outcome).toMatchObject({ status: 'iteration_limit_reached', iterations: 2 });
  });
});

describe('runLoop: the time limit of a run', () => {
  it('gives an iteration no more than the time left, and stops it there with time_limit_reached', async () => {
    const { outcome, requests, saved } = await run([notReady, notReady, { hangs: true }], {}, undefined, {
      start: { deadline: 2_500 },
    });
    expect(requests.map((request) => request.timeoutMs)).toEqual([2_500, 1_500, 500]);
    expect(outcome.status).toBe('time_limit_reached');
    expect(outcome.iterations).toBe(3);
    expect(outcome.reason).toContain('during iteration 3, which was stopped');
    expect(saved.at(-1)).toMatchObject({ status: 'time_limit_reached', iterations: 3 });
  });

  it('gives the limit in minutes, and when it stopped the loop', async () => {
    const { outcome } = await run([{ hangs: true }], { timeLimitMs: 90_000, iterationTimeoutMs: 600_000 }, undefined, {
      start: { deadline: 90_000 },
    });
    expect(outcome.cause).toEqual({
      kind: 'time_limit',
      minutes: 1.5,
      when: { at: 'during_iteration', iteration: 1 },
    });
  });

  it('does not start an iteration when no time is left', async () => {
    const { outcome, requests } = await run([notReady], {}, undefined, { start: { deadline: 2_000 } });
    expect(requests).toHaveLength(2);
    expect(outcome).toMatchObject({ status: 'time_limit_reached', iterations: 2 });
    expect(outcome.reason).toContain('before iteration 3');
  });

  it('is still timed_out when the iteration timeout comes before the time limit', async () => {
    const { outcome, requests } = await run([{ hangs: true }], { iterationTimeoutMs: 1_000 }, undefined, {
      start: { deadline: 5_000 },
    });
    expect(requests[0].timeoutMs).toBe(1_000);
    expect(outcome.status).toBe('timed_out');
  });

  it('ends with time_limit_reached when a retry would not fit before the time limit', async () => {
    const overloaded = {
      lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529 Overloaded' })],
    };
    const { outcome, requests } = await run([overloaded], { apiRetries: 3 }, undefined, {
      start: { deadline: 1_500 },
    });
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('time_limit_reached');
    expect(outcome.reason).toContain('before it could retry a transient API error');
  });

  it('gives the check no more than the time left; a check stopped there neither passes nor fails', async () => {
    const { outcome, checkTimeouts, requests } = await run(
      [{ ...ready, check: { exitCode: 0, hangs: true } }],
      { checkCommand: 'npm test' },
      undefined,
      { start: { deadline: 3_000 } },
    );
    expect(checkTimeouts).toEqual([2_000]);
    expect(outcome.status).toBe('time_limit_reached');
    expect(outcome.reason).toContain('while the check after iteration 1 ran');
    expect(outcome.lastCheck).toBeUndefined();
    expect(outcome.records[0].check?.end).toBe("stopped at this run's time limit");
    expect(requests).toHaveLength(1);
  });
});

/** A gate with nothing but its verdict: no reason, no blockers. */
const bareGate = (ready: boolean) => text(`<COMPLETION_GATE>\nready: ${ready}\n</COMPLETION_GATE>`);
const toolUse = (id: string, name: string) => ({
  type: 'assistant',
  message: { content: [{ type: 'tool_use', id, name, input: {} }] },
  parent_tool_use_id: null,
});
const overloaded529 = {
  lines: [result({ is_error: true, api_error_status: 529, result: 'API Error: 529 Overloaded' })],
  exitCode: 1,
};

describe('runLoop: what the log and the outcome say', () => {
  it('logs the start of every iteration with the iteration cap, and each verdict', async () => {
    const { outcome, started, verdicts } = await run([
      { lines: [text(gateText(false, 'more to do')), result()], changes: true },
      { lines: [bareGate(false), result()], changes: true },
      { lines: [result()], changes: true },
      { lines: [text(gateText(true, 'done')), result()], changes: true },
    ]);
    expect(outcome.status).toBe('completed');
    expect(started).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
      [4, 10],
    ]);
    expect(verdicts).toEqual([
      'not ready: more to do',
      'not ready: no reason given',
      'no COMPLETION_GATE, continuing',
      'completed: done',
    ]);
  });

  it('says Claude reported the task complete when its gate gives no reason', async () => {
    const { outcome, verdicts } = await run([{ lines: [bareGate(true), result()], changes: true }]);
    expect(outcome).toMatchObject({ status: 'completed', reason: 'Claude reported the task complete.' });
    expect(verdicts).toEqual(['completed: Claude reported the task complete.']);
  });

  it('goes on after a gate without blockers: it reports no error', async () => {
    const { outcome } = await run(
      [
        { lines: [bareGate(false), result()], changes: true },
        { lines: [bareGate(false), result()], changes: true },
        { lines: [text(gateText(true, 'done')), result()] },
      ],
      { sameErrorThreshold: 1 },
    );
    expect(outcome).toMatchObject({ status: 'completed', iterations: 3 });
  });

  it("reports Claude's final text: the last result line's, kept when a later run printed none", async () => {
    const { outcome } = await run([
      { lines: [text(gateText(false, 'more')), result({ result: 'Half of it is done' })], changes: true },
      { timedOut: true, exitCode: null },
    ]);
    expect(outcome.status).toBe('timed_out');
    expect(outcome.resultText).toBe('Half of it is done');
    const silent = await run([{ timedOut: true, exitCode: null }]);
    expect(silent.outcome.resultText).toBe('');
  });

  it('has no session id when no run reported one, and leaves stateSaved to the host', async () => {
    const { outcome } = await run([{ session: null, exitCode: 1, stderr: 'boom' }]);
    expect(outcome).toMatchObject({ status: 'failed', sessionId: '', stateSaved: false });
  });

  it('measures its wall time on the clock it is given', async () => {
    const { outcome } = await run(
      [{ lines: [text(gateText(true, 'done')), result()], durationMs: 2_500 }],
      {},
      undefined,
      {
        clockStart: 1_700_000_000_000,
      },
    );
    expect(outcome.wallTimeMs).toBe(2_500);
  });

  it('counts the tool calls of every run of an iteration', async () => {
    const calls = [toolUse('t1', 'Bash'), toolUse('t2', 'Read')];
    const { outcome } = await run([
      { ...overloaded529, lines: [toolUse('t0', 'Bash'), ...overloaded529.lines] },
      { lines: [...calls, text(gateText(true, 'done')), result()] },
    ]);
    expect(outcome.status).toBe('completed');
    expect(outcome.records[0].toolCalls).toBe(3);
  });

  it('warns of output lines that were not JSON, with how many of how many', async () => {
    const { outcome, warnings } = await run([
      { lines: [text(gateText(true, 'done')), result()], rawLines: ['not json', '{"type": "assist'] },
    ]);
    expect(outcome.status).toBe('completed');
    // The init line, the gate text, the result line and the two broken ones.
    expect(warnings).toEqual(["Iteration 1: skipped 2 of 5 lines of the CLI's output that were not JSON."]);
  });

  it('lists every cost value it ignored', async () => {
    const usage = { 'model-a': { costUSD: -1 }, 'model-b': { costUSD: 'free' } };
    const { warnings } = await run([
      { lines: [text(gateText(true, 'ok')), result({ model_usage_since_last_result: usage })] },
    ]);
    expect(warnings).toEqual([
      'Iteration 1: ignored cost values that are not a non-negative number: costUSD of model-a -1, costUSD of model-b "free".',
    ]);
  });
});

describe('runLoop: cancellation', () => {
  it('says in which iteration the job was cancelled', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect((await run([{}], {}, aborted.signal)).outcome.reason).toBe('The job was cancelled during iteration 1.');
    const { outcome } = await run([notReady, { cancelled: true, exitCode: null }]);
    expect(outcome).toMatchObject({
      status: 'cancelled',
      reason: 'The job was cancelled during iteration 2.',
      iterations: 2,
    });
  });

  it('does not look at the work tree after a cancelled run, nor call it a failure of the CLI', async () => {
    const { outcome, fingerprints } = await run([{ cancelled: true, exitCode: null, changes: true }]);
    expect(outcome.status).toBe('cancelled');
    // Only the look before iteration 1.
    expect(fingerprints()).toBe(1);
    expect(outcome.records[0]).toMatchObject({ changed: false, error: undefined });
  });

  it('makes no retry when the job is cancelled while it waits for one', async () => {
    const { outcome, requests, sleeps } = await run([overloaded529], { apiRetries: 3 }, undefined, {
      abortDuringSleep: true,
    });
    expect(sleeps).toEqual([5_000]);
    expect(requests).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'cancelled', iterations: 1 });
  });

  it('ends cancelled, not completed, when the job is cancelled while the check runs', async () => {
    const stopped = await run([{ ...ready, check: { exitCode: null, cancelled: true, abortAfter: true } }], {
      checkCommand: 'npm test',
    });
    expect(stopped.outcome).toMatchObject({
      status: 'cancelled',
      reason: 'The job was cancelled during iteration 1.',
    });
    expect(stopped.outcome.lastCheck).toBeUndefined();
    // The check passed, but the cancellation came before the loop could act on it.
    const passed = await run([{ ...ready, check: { exitCode: 0, abortAfter: true } }], { checkCommand: 'npm test' });
    expect(passed.outcome).toMatchObject({ status: 'cancelled', iterations: 1 });
  });
});

describe('runLoop: runs that ran out of time, and retries', () => {
  it('neither retries nor calls a failure a run that timed out, whatever its last line said', async () => {
    const { outcome, requests } = await run([{ ...overloaded529, timedOut: true }]);
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('timed_out');
    expect(outcome.records[0].error).toBeUndefined();
  });

  it('is timed_out when the iteration timeout and the time limit fall at the same moment', async () => {
    const { outcome } = await run([{ hangs: true }], { iterationTimeoutMs: 5_000 }, undefined, {
      start: { deadline: 5_000 },
    });
    expect(outcome.status).toBe('timed_out');
  });

  it('makes no retry whose wait would take all that is left of the iteration timeout', async () => {
    // The run takes 1 s of 6 s: the first wait, 5 s, would leave nothing for the retry.
    const { outcome, requests, sleeps } = await run([overloaded529], { iterationTimeoutMs: 6_000 });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(outcome.reason).toBe('API Error: 529 Overloaded (no retry: it would not end within the iteration timeout)');
  });

  it('makes no retry when the limit resets only after the iteration timeout', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3_600;
    const limited = {
      lines: [result({ is_error: true, result: `Claude AI usage limit reached|${reset}` })],
      exitCode: 1,
    };
    const { outcome, requests, sleeps } = await run([limited]);
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(outcome.status).toBe('usage_limited');
    expect(outcome.resetsAt).toBe(reset * 1000);
  });
});

describe('runLoop: when the check runs, and what stops it', () => {
  const withCheck = { checkCommand: 'npm test' };

  it('does not say Claude reported ready when a check after every iteration fails while it did not', async () => {
    const working = { lines: [text(gateText(false, 'working')), result()], changes: true };
    const { verdicts } = await run([{ ...working, check: { exitCode: 1, output: 'boom' } }, ready], {
      ...withCheck,
      checkOn: 'every-iteration',
    });
    expect(verdicts).toEqual(['not ready: working', 'completed: done']);
  });

  it('runs no check without a check command', async () => {
    const { outcome, checks } = await run([ready]);
    expect(outcome.status).toBe('completed');
    expect(checks).toEqual([]);
    expect(outcome.lastCheck).toBeUndefined();
  });

  it('runs no check after a run of the CLI that failed, whatever its gate says', async () => {
    const crashed = {
      lines: [text(gateText(true, 'claimed')), result({ is_error: true, result: 'Tool crashed' })],
      exitCode: 1,
    };
    const { outcome, checks } = await run([crashed], { ...withCheck, checkOn: 'every-iteration' });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'Tool crashed' });
    expect(checks).toEqual([]);
  });

  it('runs no check after an iteration without a gate, by default', async () => {
    const { outcome, checks } = await run([{ lines: [result()], changes: true }, ready], withCheck);
    expect(outcome).toMatchObject({ status: 'completed', iterations: 2 });
    expect(checks).toEqual([2]);
  });

  it('fails, keeping the check, when the work tree cannot be read after it', async () => {
    const { outcome, verdicts } = await run(
      [{ ...ready, check: { exitCode: 1, output: '1 failed', fingerprintFails: 'fatal: index.lock exists' } }],
      withCheck,
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'Could not look at the work tree after the check of iteration 1: fatal: index.lock exists',
      iterations: 1,
    });
    expect(outcome.lastCheck).toMatchObject({ passed: false, output: '1 failed' });
    expect(verdicts).toEqual([`failed: ${outcome.reason}`]);
  });

  it('a check that times out with just its timeout left before the time limit has failed', async () => {
    // Iteration 1 takes 1 s of the 61 s: the check gets its full 60 s, and times out at the time limit.
    const { outcome, requests, saved } = await run(
      [{ ...ready, check: { exitCode: null, hangs: true } }],
      { ...withCheck, checkTimeoutMs: 60_000 },
      undefined,
      { start: { deadline: 61_000 } },
    );
    expect(outcome.records[0].check?.end).toBe('timed out after 1 min and was stopped');
    expect(outcome.lastCheck).toMatchObject({ passed: false });
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('time_limit_reached');
    expect(outcome.reason).toContain('before iteration 2');
    expect(saved.at(-1)).toMatchObject({ status: 'time_limit_reached', iterations: 1 });
  });

  it('fails with what the check runner said when the check could not be run', async () => {
    const { outcome, saved } = await run([ready], withCheck, undefined, { checkThrows: 'spawn bash ENOENT' });
    expect(outcome.cause).toEqual({ kind: 'check_error', iteration: 1, error: 'spawn bash ENOENT' });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'spawn bash ENOENT', lastCheck: undefined });
    expect(saved.at(-1)).toMatchObject({ status: 'failed', reason: 'spawn bash ENOENT' });
  });
});

describe('runLoop: the budget, more closely', () => {
  it('stops when the cost reaches the budget exactly', async () => {
    const { outcome } = await run([{ lines: [result({ total_cost_usd: 0.25 })], changes: true }], {
      maxBudgetUsd: 0.5,
    });
    expect(outcome).toMatchObject({
      status: 'budget_exceeded',
      iterations: 2,
      cause: { kind: 'budget', spentUsd: 0.5, costKnown: true, limitUsd: 0.5 },
    });
  });

  it('says "at least" when a run that spent an unknown amount came before', async () => {
    // The first attempt dies without a result line (its cost is unknown); the retry spends the rest.
    const { outcome } = await run(
      [
        { exitCode: 1, stderr: 'API Error: 529 Overloaded' },
        { lines: [result({ total_cost_usd: 0.6 })], changes: true },
      ],
      { maxBudgetUsd: 0.5 },
    );
    expect(outcome.status).toBe('budget_exceeded');
    expect(outcome.cause).toMatchObject({ kind: 'budget', spentUsd: 0.6, costKnown: false, limitUsd: 0.5 });
  });

  it("ends budget_exceeded with the CLI's word when its own budget stopped it and the loop has none", async () => {
    const stopped = result({
      subtype: 'error_max_budget_usd',
      is_error: true,
      errors: ['Reached maximum budget ($1)'],
    });
    const { outcome } = await run([{ lines: [stopped], exitCode: 1, changes: true }]);
    expect(outcome).toMatchObject({
      status: 'budget_exceeded',
      reason: 'The CLI stopped at its own budget: Reached maximum budget ($1)',
    });
  });

  it('names the denied tools with the budget cause, keeping its dollar amounts', async () => {
    const denied = result({ total_cost_usd: 0.6, permission_denials: [denial('toolu_1', 'Write')] });
    const { outcome } = await run([{ lines: [denied], changes: true }], { maxBudgetUsd: 0.5 });
    expect(outcome.cause).toMatchObject({
      kind: 'budget',
      spentUsd: 0.6,
      limitUsd: 0.5,
      denials: { permissionMode: 'bypassPermissions', deniedTools: { Write: 1 } },
    });
  });

  it('knows the cost of a CLI that could not be started: it spent nothing', async () => {
    const { outcome } = await run([{ session: null, spawnError: 'spawn claude ENOENT', exitCode: null }]);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'Could not start claude: spawn claude ENOENT',
      costKnown: true,
    });
  });
});

describe('runLoop: the saved state, more closely', () => {
  it('saves no reason while the loop goes on', async () => {
    const { saved } = await run([notReady, ready]);
    expect(saved.map((state) => [state.status, state.reason])).toEqual([
      ['running', ''],
      ['completed', 'done'],
    ]);
  });

  it('saves that the cost is unknown, also when only an earlier run did not know it', async () => {
    const { saved } = await run([{ timedOut: true, exitCode: null }]);
    expect(saved.at(-1)).toMatchObject({ status: 'timed_out', costKnown: false });
    const earlier = await run([ready], {}, undefined, { start: { saved: savedState({ costKnown: false }) } });
    expect(earlier.outcome.costKnown).toBe(true);
    expect(earlier.saved.at(-1)).toMatchObject({ status: 'completed', costKnown: false });
  });
});

describe('runLoop: a failure outside the iterations', () => {
  it('fails before iteration 1 when the work tree cannot be read, and runs nothing', async () => {
    const { outcome, requests, verdicts, warnings } = await run([ready], {}, undefined, {
      fingerprintFailsAtStart: 'fatal: not a git repository',
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'Could not look at the work tree before iteration 1: fatal: not a git repository',
      iterations: 0,
      filesChanged: 0,
      costKnown: true,
    });
    expect(requests).toEqual([]);
    expect(verdicts).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('says that the loop stopped before iteration 1 when a dependency broke there', async () => {
    const { outcome, requests } = await run([ready], {}, undefined, { startIterationThrows: 1 });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'The loop stopped before iteration 1: the log is gone' });
    expect(requests).toEqual([]);
  });

  it('says after which iteration the loop stopped when a dependency broke between two, keeping that one', async () => {
    const { outcome, verdicts, saved } = await run([notReady, ready], {}, undefined, { startIterationThrows: 2 });
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'The loop stopped after iteration 1: the log is gone',
      iterations: 1,
      costKnown: true,
    });
    expect(outcome.records[0].costKnown).toBe(true);
    // Iteration 1 had its verdict; there is no iteration 2 to close.
    expect(verdicts).toEqual(['not ready: more to do']);
    expect(saved.at(-1)).toMatchObject({ status: 'failed', reason: outcome.reason, iterations: 1 });
  });
});

describe('runLoop: the secret guard', () => {
  const leaking = (...places: string[]) => ({ ...ready, leaks: places });

  it('stops a loop whose work holds a secret as failed, before the gate, the check or a save', async () => {
    const { outcome, checks, saved, verdicts } = await run([leaking('config.json', 'commit abc (its message)')], {
      checkCommand: 'npm test',
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('after iteration 1');
    expect(outcome.reason).toContain('config.json, commit abc (its message)');
    expect(outcome.reason).toMatch(/Revoke that credential/);
    expect(outcome.reason).toMatch(/Nothing was published by the action/);
    expect(checks).toEqual([]);
    expect(saved).toEqual([]);
    expect(verdicts).toEqual([`failed: ${outcome.reason}`]);
  });

  it('keeps the state saved before the leak, and saves none after it', async () => {
    const { outcome, saved, requests } = await run([notReady, leaking('src/a.ts'), ready]);
    expect(outcome.status).toBe('failed');
    expect(requests).toHaveLength(2);
    expect(saved.map((state) => [state.status, state.iterations])).toEqual([['running', 1]]);
  });

  it('stops before any other verdict: a failed run or the iteration limit', async () => {
    const failedRun = { lines: [result({ is_error: true, result: 'boom' })], exitCode: 1, leaks: ['a.txt'] };
    const { outcome } = await run([failedRun]);
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.reason).toContain('a.txt');
    const { outcome: last } = await run([{ ...notReady, leaks: ['b.txt'] }], { maxIterations: 1 });
    expect(last.status).toBe('failed');
    expect(last.reason).toContain('b.txt');
  });

  it('searches everything changed since the start, and only when the work tree changed since the last search', async () => {
    const noChange = { lines: [text(gateText(false, 'thinking')), result()] };
    const { outcome, secretSearches } = await run([notReady, noChange, notReady, ready]);
    expect(outcome.status).toBe('completed');
    expect(secretSearches).toEqual([
      ['t0', 't1'],
      ['t0', 't2'],
      ['t0', 't3'],
    ]);
  });

  it('searches again after a check that changed files, before the loop completes', async () => {
    const { outcome, saved } = await run([{ ...ready, check: { exitCode: 0, leaks: ['coverage/out.json'] } }], {
      checkCommand: 'npm test',
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('after the check of iteration 1');
    expect(outcome.reason).toContain('coverage/out.json');
    expect(saved).toEqual([]);
  });

  it('fails without saving when the search cannot be made', async () => {
    const { outcome, saved } = await run([ready], {}, undefined, { secretSearchFails: 'git cat-file died' });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain('Could not search what the loop changed for secrets after iteration 1');
    expect(outcome.reason).toContain('git cat-file died');
    expect(saved).toEqual([]);
  });

  it('names at most ten places', async () => {
    const places = Array.from({ length: 13 }, (_, i) => `file-${i}.txt`);
    const { outcome } = await run([leaking(...places)]);
    expect(outcome.reason).toContain('file-9.txt and 3 more');
    expect(outcome.reason).not.toContain('file-10.txt');
  });

  it('does not search a loop that changed nothing', async () => {
    const { outcome, secretSearches } = await run([{ lines: [text(gateText(true, 'nothing to do')), result()] }]);
    expect(outcome.status).toBe('completed');
    expect(secretSearches).toEqual([]);
  });
});

describe('runLoop: a subscription usage limit', () => {
  const NOW = 1_800_000_000_000;
  const limitedUntil = (resetMs: number, type = 'five_hour') => ({
    lines: [
      {
        type: 'rate_limit_event',
        rate_limit_info: { status: 'rejected', resetsAt: resetMs / 1000, rateLimitType: type, isUsingOverage: false },
      },
      result({ is_error: true, api_error_status: 429, api_error: 'usage_limit_reached', result: 'You hit your limit' }),
    ],
    exitCode: 1,
  });
  const done = { lines: [text(gateText(true, 'ok')), result()], changes: true };

  it('ends usage_limited at once, without a retry, when the reset is past the iteration timeout; the state keeps it', async () => {
    const reset = NOW + 3 * 3_600_000;
    const { outcome, requests, sleeps, saved } = await run([limitedUntil(reset, 'seven_day'), done], {}, undefined, {
      clockStart: NOW,
    });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(outcome).toMatchObject({ status: 'usage_limited', resetsAt: reset, iterations: 1 });
    expect(outcome.reason).toContain("Claude's usage limit (seven_day) was reached");
    expect(saved.at(-1)).toMatchObject({ status: 'usage_limited', resetsAt: new Date(reset).toISOString() });
  });

  it("ends usage_limited when the reset is past this run's time limit, though the iteration timeout would allow it", async () => {
    const reset = NOW + 30_000;
    const { outcome, sleeps } = await run([limitedUntil(reset), done], { iterationTimeoutMs: 3_600_000 }, undefined, {
      clockStart: NOW,
      start: { deadline: NOW + 20_000 },
    });
    expect(sleeps).toEqual([]);
    expect(outcome).toMatchObject({ status: 'usage_limited', resetsAt: reset });
  });

  it('waits for a reset within reach, says until when, and goes on without using up the API retries', async () => {
    const reset = NOW + 40_000;
    const { outcome, requests, sleeps, warnings } = await run(
      [limitedUntil(reset), done],
      { apiRetries: 0 },
      undefined,
      {
        clockStart: NOW,
      },
    );
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([40_000]);
    expect(warnings.join('\n')).toContain(`paused by the usage limit until ${new Date(reset).toISOString()}`);
    expect(outcome).toMatchObject({ status: 'completed', resetsAt: undefined });
  });

  it('a cancellation stops the wait', async () => {
    const { outcome, requests } = await run([limitedUntil(NOW + 40_000), done], {}, undefined, {
      clockStart: NOW,
      abortDuringSleep: true,
    });
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('cancelled');
  });

  it('a limit that still refuses after its reset ends the run after a few waits', async () => {
    const { outcome, requests } = await run([limitedUntil(NOW + 1_000)], {}, undefined, { clockStart: NOW });
    expect(requests).toHaveLength(4);
    expect(outcome.status).toBe('usage_limited');
  });

  it('does not wait for a usage limit that does not say when it resets', async () => {
    const unknown = {
      lines: [result({ is_error: true, api_error: 'usage_limit_reached', result: 'You hit your limit' })],
      exitCode: 1,
    };
    const { outcome, requests, sleeps } = await run([unknown, done], {}, undefined, { clockStart: NOW });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(outcome).toMatchObject({ status: 'usage_limited', resetsAt: undefined });
    expect(outcome.records[0].retryNotes).toEqual([]);
  });

  it('does not wait for a reset that comes just as the iteration timeout would, counting what the run took', async () => {
    // The run took 1 s of the 60: waiting 58 s and the margin of 1 s would leave nothing.
    const { outcome, sleeps } = await run([limitedUntil(NOW + 1_000 + 58_000), done], {}, undefined, {
      clockStart: NOW,
    });
    expect(sleeps).toEqual([]);
    expect(outcome.status).toBe('usage_limited');
  });

  it('says the wait in the log and in the iteration, and counts it in its duration', async () => {
    const reset = NOW + 1_000 + 30_000;
    const { outcome, warnings } = await run([limitedUntil(reset), done], {}, undefined, { clockStart: NOW });
    const until = new Date(reset).toISOString();
    expect(warnings).toContain(
      `Iteration 1: paused by the usage limit until ${until}: waiting 31 s, then the iteration goes on (a ` +
        'cancellation stops the wait).',
    );
    expect(outcome.records[0].retryNotes).toEqual([
      `paused by the usage limit until ${until}; went on after the reset`,
    ]);
    expect(outcome.records[0].durationMs).toBe(1_000 + 31_000 + 1_000);
  });

  it('keeps the most used limit of an iteration, the later of two as used, and says one without a type or reset', async () => {
    const warning = (utilization: number, resetsAt?: number) => ({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'allowed_warning', utilization, ...(resetsAt ? { resetsAt } : {}) },
    });
    const overloaded = (utilization: number, resetsAt?: number) => ({
      lines: [warning(utilization, resetsAt), result({ is_error: true, api_error_status: 529, result: 'Overloaded' })],
      exitCode: 1,
    });
    const { outcome, warnings } = await run(
      [overloaded(0.8), overloaded(0.95, 100), overloaded(0.95, 200), { lines: [warning(0.9, 300), result()] }],
      { apiRetries: 3 },
    );
    expect(outcome.records[0].usageWarning).toMatchObject({ utilization: 0.95, resetsAt: 200_000 });
    expect(warnings.filter((w) => w.includes('of the usage limit'))).toEqual([
      'Iteration 1: 80% of the usage limit is used. At the limit the loop pauses until the reset. Said once per run.',
    ]);
  });

  it('warns once of a limit 80% used, keeps it with the iteration, and sums the tokens', async () => {
    const warned = {
      lines: [
        {
          type: 'rate_limit_event',
          rate_limit_info: { status: 'allowed_warning', utilization: 0.86, rateLimitType: 'five_hour', resetsAt: 1 },
        },
        text(gateText(false, 'more')),
        result({
          usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 30, cache_creation_input_tokens: 40 },
        }),
      ],
      changes: true,
    };
    const { outcome, warnings } = await run([warned, warned, done]);
    expect(warnings.filter((w) => w.includes('of the usage limit'))).toEqual([
      'Iteration 1: 86% of the usage limit (five_hour) is used; it resets at 1970-01-01T00:00:01.000Z. At the limit the loop pauses until the reset. Said once per run.',
    ]);
    expect(outcome.records.map((r) => r.usageWarning?.utilization)).toEqual([0.86, 0.86, undefined]);
    expect(outcome.tokens).toEqual({ input: 20, output: 40, cacheRead: 60, cacheCreation: 80 });
  });
});
