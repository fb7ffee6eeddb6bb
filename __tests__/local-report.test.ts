/* eslint-disable no-control-regex -- the tests look for the control characters Claude could send. */
import { describe, expect, it } from 'vitest';
import { failedBeforeStart, type IterationRecord, type LoopOutcome } from '../src/core/outcome.js';
import { renderSummary } from '../src/actions/report.js';
import {
  continueHint,
  finalLine,
  iterationLine,
  localOutputs,
  outputsJson,
  renderLocalSummary,
} from '../src/local/report.js';
import { painter } from '../src/local/terminal.js';
import { record as iterationRecord } from './helpers/builders.js';

const plain = painter(false);

const record = (extra: Partial<IterationRecord> = {}): IterationRecord =>
  iterationRecord(1, {
    durationMs: 1000,
    turns: 2,
    toolCalls: 1,
    costUsd: 0.1234,
    gate: { ready: false, reason: 'tests\nstill fail', extra: {} },
    ...extra,
  });

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

  it('keeps its own colour but drops the escape sequences and workflow commands in what Claude wrote', () => {
    const hostile = record({
      gate: { ready: false, reason: '\x1b]0;pwned\x07\x1b[2J::add-mask::x\u009b31m', extra: {} },
      error: 'bad\x1b[31m ::error::y',
      check: { passed: false, end: 'exit 1\x1b[8m', durationMs: 5 },
    });
    const line = iterationLine(hostile, 10, painter(true));
    expect(line).toContain('\x1b[1mIteration 1 of 10:\x1b[22m');
    expect(line).toContain('\x1b[33mgate not ready\x1b[39m');
    const withoutOurs = line.replace(/\x1b\[(1|22|2|33|39|31)m/g, '');
    expect(withoutOurs).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(withoutOurs).not.toContain('::');
    expect(withoutOurs.replace(/\u200b/g, '')).toBe(
      'Iteration 1 of 10: changed files · $0.1234 · gate not ready: ]0;pwned[2J::add-mask::x31m · check failed ' +
        '(exit 1[8m) · error: bad[31m ::error::y',
    );
    const final = finalLine(outcome({ reason: 'done\x1b[2J\n::warning::z' }), painter(true));
    expect(final.replace(/\x1b\[(1|22|32|39)m/g, '')).toBe(
      'Autonomous loop: completed after 0 of 10 iterations, $0.0000: done[2J :\u200b:warning:\u200b:z',
    );
  });

  it('writes the Markdown summary the action writes, with how to continue in the flags’ words', () => {
    const done = outcome({ records: [record({ gate: { ready: true, reason: 'a | b <img src=x>', extra: {} } })] });
    expect(renderLocalSummary(done)).toBe(renderSummary(done));
    expect(renderLocalSummary(done)).toMatch(/^## ✅ Autonomous loop: `completed`\n/);
    expect(renderLocalSummary(done)).not.toContain('<img');
    expect(renderLocalSummary(done)).toContain('a \\| b');

    const saved = outcome({ status: 'no_progress', stateSaved: true });
    expect(continueHint(saved)).toContain('run autonomous-loop again with the same --state-dir');
    expect(renderLocalSummary(saved)).toContain(`**To continue:** ${continueHint(saved)}`);
    expect(renderLocalSummary(saved)).not.toContain('workflow');
    expect(renderSummary(saved)).toContain('Run the workflow again');
    expect(continueHint(outcome({ status: 'no_progress', stateSaved: false }))).toBeUndefined();
    expect(continueHint(outcome({ stateSaved: true }))).toBeUndefined();
    expect(continueHint(outcome({ status: 'usage_limited', resetsAt: Date.UTC(2030, 0, 1) }))).toContain(
      'paused by the usage limit until 2030-01-01T00:00:00.000Z. Run autonomous-loop again after that time',
    );
  });

  it('the summary gives the tokens, a stale failed check, and Claude’s view when a usage limit stopped it', () => {
    const tokens = { input: 11, output: 22, cacheRead: 33, cacheCreation: 44 };
    const stale = {
      passed: false,
      end: 'exit code 1',
      durationMs: 5,
      output: '',
      command: 'npm test',
      iteration: 1,
      stale: true,
    };
    const summary = renderLocalSummary(
      outcome({
        status: 'usage_limited',
        tokens,
        lastCheck: stale,
        lastGate: { ready: false, reason: 'half way', extra: {} },
      }),
    );
    expect(summary).toContain('| Tokens | 11 input, 22 output, 33 cache read, 44 cache creation |');
    expect(summary).toContain('\n\n**Check:** stale. The last check failed after iteration 1, but the work tree');
    expect(summary).toContain("**Claude's last assessment:** half way");
  });

  it('prints the outputs as JSON that no terminal acts on', () => {
    const json = outputsJson(outcome({ reason: 'a\x1b[2J\u009b2J\u2028b' }));
    expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028]/);
    expect(JSON.parse(json)).toMatchObject({ reason: 'a\x1b[2J\u009b2J\u2028b' });
  });
});
