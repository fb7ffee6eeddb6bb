/**
 * Builders for the values tests hand to the reports and the failure rules: every field set, so that a new field is
 * added here once. A test file passes what its assertions depend on as overrides.
 */
import type { IssueContext } from '../../src/actions/issue.js';
import type { ProcessOutcome } from '../../src/core/iteration-run.js';
import { noTokens, type IterationRecord, type LoopOutcome } from '../../src/core/outcome.js';
import { StreamState } from '../../src/claude/stream-json.js';
import type { LoopState } from '../../src/core/loop-state.js';

/** Iteration `number`: 12.3 s, 4 turns, 6 tool calls, $0.10, files changed, a gate that is not ready. */
export function record(number: number, overrides: Partial<IterationRecord> = {}): IterationRecord {
  return {
    number,
    durationMs: 12_300,
    turns: 4,
    toolCalls: 6,
    costUsd: 0.1,
    costKnown: true,
    changed: true,
    gate: { ready: false, reason: `Not done after iteration ${number}`, blockers: [], extra: {} },
    retryNotes: [],
    subtype: 'success',
    error: undefined,
    deniedTools: {},
    check: undefined,
    ...overrides,
  };
}

/** A loop that reached its limit of 2 iterations (records and gate empty unless given). */
export function outcome(overrides: Partial<LoopOutcome> = {}): LoopOutcome {
  const status = overrides.status ?? 'iteration_limit_reached';
  const reason = overrides.reason ?? 'Maximum iterations (2) reached';
  return {
    status,
    reason,
    // The cause as a front end would have worded it already: the reports read `reason`, not the cause.
    cause: { kind: 'worded', status, message: reason },
    iterations: 2,
    maxIterations: 2,
    records: [],
    lastGate: undefined,
    sessionId: 'sess-1',
    costUsd: 0.2,
    costKnown: true,
    turns: 8,
    filesChanged: 3,
    transcriptFile: '/tmp/transcript.jsonl',
    lastCheck: undefined,
    earlier: undefined,
    stateSaved: false,
    savedSessionFailed: false,
    resultText: '',
    wallTimeMs: 0,
    resetsAt: undefined,
    tokens: noTokens(),
    subscription: false,
    ...overrides,
  };
}

/** A workflow run of owner/repo on github.com. */
export function context(overrides: Partial<IssueContext> = {}): IssueContext {
  return {
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    repository: 'owner/repo',
    workflow: 'Nightly loop',
    job: 'loop',
    runId: '987654321',
    ...overrides,
  };
}

/** A run of the CLI that exited 1 after 10 ms with `stream` (by default one that read nothing). */
export function processOutcome(
  stream: ProcessOutcome['stream'] = new StreamState(),
  overrides: Partial<ProcessOutcome> = {},
): ProcessOutcome {
  return {
    stream,
    exitCode: 1,
    exitSignal: null,
    stderrTail: '',
    droppedLines: 0,
    timedOut: false,
    cancelled: false,
    stoppedAfterResult: false,
    spawnError: undefined,
    durationMs: 10,
    ...overrides,
  };
}

/** A saved loop of octo/widgets that reached its limit of 3 iterations, with a gate, a breaker count and a check. */
export function loopState(overrides: Partial<LoopState> = {}): LoopState {
  return {
    version: 1,
    repository: 'octo/widgets',
    workingDirectory: '.',
    prompt: 'Build the widget',
    sessionId: '0b7c6a52-3f51-4f8e-9d4e-2a0c4b1d9e77',
    status: 'iteration_limit_reached',
    reason: 'Maximum iterations (3) reached',
    runs: 1,
    iterations: 3,
    costUsd: 0.75,
    costKnown: true,
    turns: 9,
    breaker: { runsWithoutChanges: 1, sameErrorCount: 2, lastError: 'tests fail' },
    lastGate: { ready: false, reason: 'half', progress: 'p', blockers: ['a', 'b'], extra: {} },
    checkReport: 'The check failed',
    savedAt: '2026-11-22T09:00:00.000Z',
    ...overrides,
  };
}
