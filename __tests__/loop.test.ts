import { describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../src/claude-process.js';
import { DEFAULT_CONTINUATION_PROMPT } from '../src/inputs.js';
import { runLoop, type IterationRequest, type LoopDeps, type LoopSettings } from '../src/loop.js';
import { StreamState } from '../src/stream-json.js';
import type { WorkTreeFingerprint } from '../src/workspace.js';

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
};

interface ScriptedRun {
  lines?: object[];
  exitCode?: number | null;
  timedOut?: boolean;
  cancelled?: boolean;
  stderr?: string;
  /** Whether the work tree changes during this run. */
  changes?: boolean;
  session?: string | null;
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

/** Fakes for every dependency: each iteration's stream, exit and work-tree change come from the script. */
function harness(script: ScriptedRun[]) {
  const requests: IterationRequest[] = [];
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const verdicts: string[] = [];
  let tree = 0;
  const deps: LoopDeps = {
    transcriptFile: () => '/tmp/t.jsonl',
    runIteration: async (request) => {
      requests.push(request);
      const step = script[Math.min(requests.length - 1, script.length - 1)];
      const stream = new StreamState();
      const session = step.session === undefined ? 'sess-1' : step.session;
      if (session) stream.consume(JSON.stringify({ type: 'system', subtype: 'init', session_id: session }));
      for (const line of step.lines ?? []) stream.consume(JSON.stringify(line));
      if (step.changes) tree += 1;
      const outcome: ProcessOutcome = {
        stream,
        exitCode: step.exitCode === undefined ? 0 : step.exitCode,
        exitSignal: null,
        stderrTail: step.stderr ?? '',
        timedOut: step.timedOut ?? false,
        cancelled: step.cancelled ?? false,
        stoppedAfterResult: false,
        spawnError: undefined,
        durationMs: 1000,
      };
      return outcome;
    },
    fingerprint: async (): Promise<WorkTreeFingerprint> => ({ head: 'h', tree: `t${tree}` }),
    countChangedFiles: async (from, to) => Number(to.tree.slice(1)) - Number(from.tree.slice(1)),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: {
      startIteration: () => undefined,
      endIteration: (_record, verdict) => verdicts.push(verdict),
      warning: (message) => warnings.push(message),
    },
  };
  return { deps, requests, sleeps, warnings, verdicts };
}

const run = (script: ScriptedRun[], overrides: Partial<LoopSettings> = {}, signal = new AbortController().signal) => {
  const h = harness(script);
  return runLoop({ ...settings, ...overrides }, h.deps, signal).then((outcome) => ({ ...h, outcome }));
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
    expect(warnings).toHaveLength(2);
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'API Error: Repeated 529 Overloaded errors',
      iterations: 1,
    });
    expect(outcome.records[0].retryNotes).toHaveLength(2);
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

  it('never retries an authentication error, and names the input', async () => {
    const { outcome, requests } = await run([
      {
        lines: [result({ is_error: true, api_error_status: 401, result: 'Invalid API key · Fix external API key' })],
        exitCode: 1,
      },
    ]);
    expect(requests).toHaveLength(1);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toContain("rejected the API key or token (401): check the 'anthropic-api-key' input");
  });

  it('waits until a limit resets when that is within the iteration timeout', async () => {
    const reset = Math.floor(Date.now() / 1000) + 20;
    const limited = {
      lines: [result({ is_error: true, result: `Claude AI usage limit reached|${reset}` })],
      exitCode: 1,
    };
    const { sleeps } = await run([limited, { lines: [text(gateText(true, 'ok')), result()] }]);
    expect(sleeps[0]).toBeGreaterThan(15_000);
    expect(sleeps[0]).toBeLessThanOrEqual(20_000);
  });

  it('reports timed_out and cancelled', async () => {
    expect((await run([{ timedOut: true, exitCode: null }], { iterationTimeoutMs: 90_000 })).outcome).toMatchObject({
      status: 'timed_out',
      reason: "Iteration 1 ran longer than 'iteration-timeout-minutes' (1.5) and was stopped.",
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
