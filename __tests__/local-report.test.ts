import { describe, expect, it } from 'vitest';
import { failedBeforeStart, type IterationRecord, type LoopOutcome } from '../src/core/outcome.js';
import { finalLine, iterationLine, localOutputs, renderLocalSummary } from '../src/local/report.js';
import { painter } from '../src/local/terminal.js';

const plain = painter(false);

function record(extra: Partial<IterationRecord> = {}): IterationRecord {
  return {
    number: 1,
    durationMs: 1000,
    turns: 2,
    toolCalls: 1,
    costUsd: 0.1234,
    costKnown: true,
    changed: true,
    gate: { ready: false, reason: 'tests\nstill fail', extra: {} },
    retryNotes: [],
    subtype: 'success',
    error: undefined,
    deniedTools: {},
    check: undefined,
    ...extra,
  };
}

function outcome(extra: Partial<LoopOutcome> = {}): LoopOutcome {
  return { ...failedBeforeStart('x', 10), status: 'completed', reason: 'done', records: [record()], ...extra };
}

describe('the local report', () => {
  it('says per iteration what changed, what it cost and what the gate said, on one line', () => {
    expect(iterationLine(record(), 10, plain)).toBe(
      'Iteration 1 of 10: changed files · $0.1234 · gate not ready: tests still fail',
    );
    expect(iterationLine(record({ changed: false, costKnown: false, gate: undefined, error: 'boom' }), 3, plain)).toBe(
      'Iteration 1 of 3: no changes · at least $0.1234 · no gate · error: boom',
    );
  });

  it('colours only when asked', () => {
    expect(finalLine(outcome(), plain)).not.toContain('\x1b[');
    expect(finalLine(outcome(), painter(true))).toContain('\x1b[32mcompleted\x1b[39m');
  });

  it('gives the outputs typed, under the action output names', () => {
    const outputs = localOutputs(outcome({ costUsd: 0.5, filesChanged: 2 }));
    expect(outputs).toMatchObject({ status: 'completed', iterations: 0, 'cost-usd': 0.5, 'files-changed': 2 });
    expect(JSON.parse(JSON.stringify(outputs))).toEqual(outputs);
  });

  it('escapes what Claude wrote in the Markdown summary', () => {
    const summary = renderLocalSummary(
      outcome({ records: [record({ gate: { ready: true, reason: 'a | b <img src=x>', extra: {} } })] }),
    );
    expect(summary).toMatch(/^# Autonomous loop: completed\n/);
    expect(summary).not.toContain('<img');
    expect(summary).toContain('a \\| b');
  });
});
