/**
 * The parts of the job summary and the outputs a reader relies on: the head of every status, the rows of the table
 * and their cells, the check that failed last, the hint how to continue, and the limits that keep both within what
 * GitHub takes.
 */
import { describe, expect, it } from 'vitest';
import type { Gate } from '../src/core/gate.js';
import { endedBeforeStart, STATUSES, type IterationRecord, type LoopOutcome } from '../src/core/outcome.js';
import {
  checkCell,
  continueHint,
  failedCheck,
  MAX_OUTPUT_TEXT,
  outcomeOutputs,
  renderSummary,
  STATUS_ICON,
  SUMMARY_LIMIT_BYTES,
} from '../src/actions/report.js';
import { outcome as loopOutcome, record as iterationRecord } from './helpers/builders.js';

const gate = (extra: Partial<Gate> = {}): Gate => ({ ready: false, reason: 'r', blockers: [], extra: {}, ...extra });

const record = (number: number, extra: Partial<IterationRecord> = {}): IterationRecord =>
  iterationRecord(number, {
    durationMs: 2_000,
    turns: 3,
    toolCalls: 1,
    costUsd: 0.01,
    changed: false,
    gate: gate(),
    ...extra,
  });

const outcome = (extra: Partial<LoopOutcome> = {}): LoopOutcome =>
  loopOutcome({
    status: 'no_progress',
    reason: 'No progress for 3 iterations',
    iterations: 1,
    maxIterations: 5,
    records: [record(1)],
    lastGate: gate({ reason: 'still failing', progress: 'some' }),
    costUsd: 0.01,
    turns: 3,
    filesChanged: 0,
    transcriptFile: '/tmp/t.jsonl',
    wallTimeMs: 1_000,
    ...extra,
  });

const lastCheck = {
  passed: false,
  end: 'exit code 1',
  durationMs: 10,
  command: 'npm test',
  iteration: 4,
  output: 'FAIL x',
  stale: false,
};

/** The table rows of the iterations (their first cell is a number). */
const rows = (summary: string): string[] => summary.split('\n').filter((line) => /^\| \d+ \|/.test(line));
/** The cell of a row by its column (0 is the number). */
const cell = (row: string, column: number): string => row.split(/(?<!\\)\|/)[column + 1].trim();

describe('outputs', () => {
  it('says whether the last check passed or failed, and nothing when none ran', () => {
    expect(outcomeOutputs(outcome({ lastCheck: { ...lastCheck, passed: true } })).check).toBe('passed');
    expect(outcomeOutputs(outcome({ lastCheck })).check).toBe('failed');
    expect(outcomeOutputs(outcome()).check).toBe('');
  });

  it('says stale, never passed, when the work tree changed after the last check', () => {
    const stale = { ...lastCheck, passed: true, stale: true };
    expect(outcomeOutputs(outcome({ status: 'failed', lastCheck: stale })).check).toBe('stale');
    expect(outcomeOutputs(outcome({ status: 'timed_out', lastCheck: { ...stale, passed: false } })).check).toBe(
      'stale',
    );
    const summary = renderSummary(outcome({ status: 'failed', lastCheck: stale }));
    expect(summary).toContain(
      '**Check:** stale. The last check passed after iteration 4, but the work tree changed after it',
    );
    expect(summary).toContain('the final work tree was not checked.');
    expect(renderSummary(outcome({ status: 'failed', lastCheck: { ...stale, stale: false } }))).not.toContain(
      '**Check:** stale',
    );
  });

  it('gives empty values for an issue, a progress and a check that are not there', () => {
    expect(outcomeOutputs(outcome({ lastGate: undefined }))).toMatchObject({
      progress: '',
      check: '',
      'issue-number': '',
      'issue-url': '',
      'status-comment-url': '',
    });
  });

  it('fills the blockers output up to 200 characters below the limit, and no further', () => {
    // 32 blockers of 1,997 characters take 2,000 each in the array ("…" and a comma), one of 1,331 the rest.
    const blockers = [...Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(1997, 'x')), 'y'.repeat(1331)];
    const full = JSON.parse(outcomeOutputs(outcome({ lastGate: gate({ blockers }) })).blockers) as string[];
    expect(full).toEqual(blockers);
    const over = JSON.parse(outcomeOutputs(outcome({ lastGate: gate({ blockers: [...blockers, 'z'] }) })).blockers);
    expect(over).toHaveLength(34);
    expect(over.at(-1)).toBe("… and 1 more blockers, left out to keep the outputs within GitHub's limit");
    expect(JSON.stringify(over).length).toBeLessThanOrEqual(MAX_OUTPUT_TEXT);
  });
});

describe('the head of the summary', () => {
  it('shows a distinct icon for every status in the title', () => {
    const icons = STATUSES.map((status) => {
      const title = renderSummary(outcome({ status })).split('\n')[0];
      expect(title).toBe(`## ${STATUS_ICON[status]} Autonomous loop: \`${status}\``);
      return STATUS_ICON[status];
    });
    expect(icons.every((icon) => icon.trim() !== '')).toBe(true);
    expect(new Set(icons).size).toBe(STATUSES.length);
  });

  it("gives Claude's last assessment, between the reason and the numbers, for every status where a limit stopped the loop", () => {
    const stoppedShort = [
      'iteration_limit_reached',
      'no_progress',
      'repeated_error',
      'budget_exceeded',
      'time_limit_reached',
      'timed_out',
    ] as const;
    for (const status of stoppedShort) {
      expect(renderSummary(outcome({ status })), status).toContain(
        "**Reason:** No progress for 3 iterations\n\n**Claude's last assessment:** still failing\n\n| | |\n|---|---|\n",
      );
    }
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      expect(renderSummary(outcome({ status })), status).toContain(
        '**Reason:** No progress for 3 iterations\n\n| | |\n|---|---|\n| Iterations | 1 of 5 |',
      );
    }
    expect(renderSummary(outcome({ lastGate: gate({ reason: '' }) }))).not.toContain('last assessment');
  });

  it('says when no reason was given', () => {
    expect(renderSummary(outcome({ reason: '' }))).toContain('**Reason:** (none given)');
    expect(renderSummary(endedBeforeStart('cancelled', ' '))).toContain('**Reason:** (none given)');
  });

  it('gives the turns, the session id as code with its pipes escaped, or (none)', () => {
    const summary = renderSummary(outcome({ turns: 17, sessionId: 'a|b' }));
    expect(summary).toContain('| Turns | 17 |\n');
    expect(summary).toContain('| Session id | `a\\|b` |');
    expect(renderSummary(outcome({ sessionId: '' }))).toContain('| Session id | (none) |');
  });

  it('goes from the cost straight to the turns when the loop was not continued', () => {
    expect(renderSummary(outcome())).toContain('| Total cost | $0.0100 |\n| Turns | 3 |');
  });

  it('links the issue of the loop in the table', () => {
    const summary = renderSummary(outcome(), { number: 12, url: 'https://github.com/o/r/issues/12' });
    expect(summary).toContain('| Issue | [#12](https://github.com/o/r/issues/12) |');
    expect(renderSummary(outcome())).not.toContain('| Issue |');
  });

  it('puts the hint how to continue between the table and the blockers, and only there when there is one', () => {
    const hint = continueHint(outcome({ stateSaved: true }))!;
    expect(renderSummary(outcome({ stateSaved: true }))).toContain(
      `| Session id | \`sess-1\` |\n\n${hint}\n\n### Blockers`,
    );
    expect(renderSummary(outcome())).toContain('| Session id | `sess-1` |\n\n### Blockers');
  });

  it('tells how to continue: the same state directory, the same conversation, a new prompt first', () => {
    const hint = continueHint(outcome({ stateSaved: true }));
    expect(hint).toMatch(/^\*\*To continue:\*\* this loop's state and Claude's session are saved in `state-dir`\./);
    expect(hint).toContain(
      'Run the workflow again with the same state directory (restored from your cache or artifact)',
    );
    expect(hint).toContain('the loop goes on where it stopped, in the same conversation');
    expect(hint).toContain('a new `prompt` is passed to Claude first.');
    expect(continueHint(outcome({ stateSaved: false }))).toBeUndefined();
    expect(continueHint(outcome({ stateSaved: true, status: 'completed' }))).toBeUndefined();
  });
});

describe('the summary of a loop where nothing ran', () => {
  it('gives the reason, not an error, when the loop was cancelled during set-up, and no link without a run', () => {
    expect(renderSummary(endedBeforeStart('cancelled', 'Cancelled during set-up'))).toBe(
      '## 🚫 Autonomous loop: `cancelled`\n\n**Reason:** Cancelled during set-up\n\nNo iteration ran.\n',
    );
  });

  it('ends with the hint how to continue when the state was saved', () => {
    const ended = { ...endedBeforeStart('time_limit_reached', 'Out of time'), stateSaved: true };
    expect(renderSummary(ended, undefined, 'https://run')).toMatch(
      /No iteration ran\.\n\n\[Workflow run\]\(https:\/\/run\)\n\n\*\*To continue:\*\* [^\n]+\n$/,
    );
  });
});

describe('blockers and progress', () => {
  const blockers = (count: number) => Array.from({ length: count }, (_, i) => `b${i + 1}`);

  it('lists 50 blockers and says how many more there are', () => {
    const summary = renderSummary(outcome({ lastGate: gate({ blockers: blockers(53) }) }));
    expect(summary).toContain('- b50\n- … and 3 more\n\n### Progress');
    expect(summary).not.toContain('- b51');
  });

  it('lists exactly 50 blockers without a line for more', () => {
    const summary = renderSummary(outcome({ lastGate: gate({ blockers: blockers(50) }) }));
    expect(summary).toContain('- b50\n\n### Progress');
    expect(summary).not.toContain('more');
  });

  it('gives the blockers and the progress each a section after a blank line', () => {
    const summary = renderSummary(outcome({ lastGate: gate({ blockers: ['one'], progress: 'half' }) }));
    expect(summary).toContain('|\n\n### Blockers\n\n- one\n\n### Progress\n\nhalf\n\n### Iterations\n\n');
  });

  it('says when no progress was reported', () => {
    expect(renderSummary(outcome({ lastGate: undefined }))).toContain('### Progress\n\nNone reported.\n');
    expect(renderSummary(outcome({ lastGate: gate({ progress: '  ' }) }))).toContain(
      '### Progress\n\nNone reported.\n',
    );
  });
});

describe('the iteration table', () => {
  it('starts right after its heading, with its header row, when it is not folded', () => {
    const summary = renderSummary(outcome());
    expect(summary).toContain(
      '\n\n### Iterations\n\n| # | Duration | Turns | Cost | Changed | Gate | Check | Notes |\n|---|---|---|---|---|---|---|---|\n| 1 |',
    );
    expect(summary.endsWith(`${rows(summary)[0]}\n`)).toBe(true);
  });

  it('closes the folded table after its last row', () => {
    const records = Array.from({ length: 11 }, (_, i) => record(i + 1));
    const summary = renderSummary(outcome({ records, iterations: 11 }));
    expect(summary.endsWith(`${rows(summary)[10]}\n\n</details>\n`)).toBe(true);
  });

  it('shows the check after each iteration: a dash when none ran, passed, or how it failed', () => {
    expect(checkCell(record(1))).toBe('—');
    expect(checkCell(record(1, { check: { passed: true, end: 'exit code 0', durationMs: 1 } }))).toBe('passed');
    expect(checkCell(record(1, { check: { passed: false, end: 'exit | 2', durationMs: 1 } }))).toBe(
      'failed: exit \\| 2',
    );
    const summary = renderSummary(
      outcome({ records: [record(1, { check: { passed: true, end: '', durationMs: 1 } })] }),
    );
    expect(cell(rows(summary)[0], 6)).toBe('passed');
  });

  it("shows the gate's verdict and reason, and its blockers only when there are some", () => {
    const summary = renderSummary(
      outcome({
        records: [
          record(1, { gate: gate({ ready: true, reason: 'done' }) }),
          record(2, { gate: gate({ reason: undefined, blockers: undefined }) }),
          record(3, { gate: gate({ blockers: [] }) }),
          record(4, { gate: undefined }),
        ],
      }),
    );
    expect(rows(summary).map((row) => cell(row, 5))).toEqual(['ready: done', 'not ready:', 'not ready: r', 'no gate']);
  });

  it('tells blockers that changed from blockers that did not, whatever the gate before had', () => {
    const summary = renderSummary(
      outcome({
        records: [
          record(1, { gate: gate({ blockers: ['a'] }) }),
          record(2, { gate: gate({ blockers: ['a', 'b'] }) }),
          record(3, { gate: gate({ blockers: ['a', 'c'] }) }),
          record(4, { gate: gate({ blockers: ['x', 'c'] }) }),
          record(5, { gate: gate({ blockers: ['x'] }) }),
          record(6, { gate: gate({ blockers: undefined }) }),
          record(7, { gate: gate({ blockers: ['x'] }) }),
          record(8, { gate: gate({ blockers: ['x'] }) }),
        ],
      }),
    );
    expect(rows(summary).map((row) => cell(row, 5).replace(/^not ready: r ?/, ''))).toEqual([
      '(blockers: a)',
      '(blockers: a; b)',
      '(blockers: a; c)',
      '(blockers: x; c)',
      '(blockers: x)',
      '',
      '(blockers: x)',
      '(blockers unchanged)',
    ]);
  });

  it('gives the notes of an iteration in order: the stop, the denied tools, the retries, the error', () => {
    const turns = record(1, {
      subtype: 'error_max_turns',
      deniedTools: { Bash: 1 },
      retryNotes: ['attempt 1 failed'],
      error: 'boom',
    });
    const budget = record(2, { subtype: 'error_max_budget_usd' });
    const summary = renderSummary(outcome({ records: [turns, budget, record(3)] }));
    expect(rows(summary).map((row) => cell(row, 7))).toEqual([
      'turn limit reached<br>denied: Bash (1)<br>retry: attempt 1 failed<br>error: boom',
      'the CLI stopped at the budget',
      '',
    ]);
  });

  it('keeps the notes of a row to 1,000 characters, and says how many it left out', () => {
    const note = (length: number) => 'n'.repeat(length - 'retry: '.length);
    const fits = renderSummary(outcome({ records: [record(1, { retryNotes: [note(500), note(500)] })] }));
    expect(cell(rows(fits)[0], 7)).toBe(`retry: ${note(500)}<br>retry: ${note(500)}`);
    const over = renderSummary(
      outcome({ records: [record(1, { retryNotes: [note(500), note(500), note(8)], error: 'e' })] }),
    );
    expect(cell(rows(over)[0], 7)).toBe(`retry: ${note(500)}<br>retry: ${note(500)}<br>… and 2 more`);
  });

  it('shows the first note of a row even when escaping made it longer than the cell', () => {
    const summary = renderSummary(outcome({ records: [record(1, { error: '<'.repeat(900), retryNotes: ['x'] })] }));
    expect(cell(rows(summary)[0], 7)).toBe('retry: x<br>… and 1 more');
    const alone = renderSummary(outcome({ records: [record(1, { error: '<'.repeat(900) })] }));
    expect(cell(rows(alone)[0], 7)).toBe(`error: ${'&lt;'.repeat(900)}`);
  });
});

describe('the check that failed last', () => {
  it('gives the command, how it ended and the end of its output, folded, after the head', () => {
    const summary = renderSummary(outcome({ lastCheck: { ...lastCheck, output: 'FAIL ```x```' } }));
    expect(summary).toContain(
      [
        '### Progress',
        '',
        'some',
        '',
        '### Last check',
        '',
        'After iteration 4, `npm test` failed (exit code 1).',
        '',
        '<details><summary>The end of its output</summary>',
        '',
        '````',
        'FAIL ```x```',
        '````',
        '',
        '</details>',
        '',
        '### Iterations',
      ].join('\n'),
    );
  });

  it('is left out when the check passed, the loop completed, or no check ran', () => {
    expect(failedCheck(outcome({ lastCheck: { ...lastCheck, passed: true } }))).toEqual([]);
    expect(failedCheck(outcome({ lastCheck, status: 'completed' }))).toEqual([]);
    expect(failedCheck(outcome())).toEqual([]);
    expect(failedCheck(outcome({ lastCheck, status: 'failed' }))).toContain('### Last check');
  });
});

describe('the size of the summary', () => {
  /** A loop of `count` iterations whose first row's notes are `extra` characters longer. */
  const long = (count: number, extra = 0) =>
    outcome({
      iterations: count,
      records: Array.from({ length: count }, (_, i) =>
        record(i + 1, { error: 'e'.repeat(i === 0 ? 300 + extra : 300) }),
      ),
    });
  const bytes = (text: string) => Buffer.byteLength(text);

  it('keeps a summary of exactly the limit whole, well below 1 MiB, and drops rows from one byte more', () => {
    // From row 1000 on every row has the same length: find the count that just fits, then lengthen the first row by
    // what is left.
    const base = renderSummary(long(1000));
    const rowBytes = bytes(rows(base)[999]) + 1;
    const count = 1000 + Math.floor((SUMMARY_LIMIT_BYTES - bytes(base)) / rowBytes);
    const room = SUMMARY_LIMIT_BYTES - bytes(renderSummary(long(count)));
    expect(room).toBeGreaterThanOrEqual(0);
    expect(room).toBeLessThan(rowBytes);

    const exact = renderSummary(long(count, room));
    expect(bytes(exact)).toBe(SUMMARY_LIMIT_BYTES);
    expect(bytes(exact)).toBeLessThanOrEqual(1024 * 1024 - 8 * 1024);
    expect(rows(exact)).toHaveLength(count);
    const over = renderSummary(long(count, room + 1));
    const kept = rows(over).length;
    expect(kept).toBeLessThan(count);
    expect(over).toContain(`| … | ${count - kept} iterations omitted to stay under GitHub's 1 MiB summary limit |`);
  });

  it('keeps the first and the last rows, the first half of the kept ones before the gap', () => {
    const summary = renderSummary(long(4000));
    const numbers = rows(summary).map((row) => Number(cell(row, 0)));
    const gap = numbers.findIndex((n, i) => i > 0 && n !== numbers[i - 1] + 1);
    expect(numbers[0]).toBe(1);
    expect(numbers.at(-1)).toBe(4000);
    expect(gap).toBe(Math.ceil(numbers.length / 2));
    expect(summary).toContain(`| … | ${4000 - numbers.length} iterations omitted`);
  });

  it('gives the head alone, cut to the limit, when not even the first and last rows fit beside it', () => {
    const huge = { ...lastCheck, output: 'o'.repeat(SUMMARY_LIMIT_BYTES) };
    const summary = renderSummary(outcome({ lastCheck: huge, records: [record(1), record(2), record(3)] }));
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(bytes(summary)).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 100);
    expect(summary.startsWith('## ⏸️ Autonomous loop: `no_progress`')).toBe(true);
    expect(summary.endsWith('o\n\n… (truncated to stay under 1 MiB)\n')).toBe(true);
    expect(summary).not.toContain('### Iterations');
  });

  it('keeps the first and the last rows or none, however little room the head leaves', () => {
    const records = [record(1), record(2), record(3), record(4)];
    const withOutput = (length: number) =>
      renderSummary(outcome({ lastCheck: { ...lastCheck, output: 'o'.repeat(length) }, records }));
    const probe = withOutput(0);
    // The longest output beside which a table still fits: between all rows fitting and none.
    const headBytes = bytes(probe.slice(0, probe.indexOf('\n### Iterations')));
    // A head of exactly the limit is given whole.
    const headOnly = withOutput(SUMMARY_LIMIT_BYTES - headBytes);
    expect(bytes(headOnly)).toBe(SUMMARY_LIMIT_BYTES);
    expect(headOnly.endsWith('</details>\n')).toBe(true);
    let fits = SUMMARY_LIMIT_BYTES - bytes(probe);
    let fails = SUMMARY_LIMIT_BYTES - headBytes;
    while (fails - fits > 1) {
      const middle = Math.floor((fits + fails) / 2);
      if (withOutput(middle).includes('### Iterations')) fits = middle;
      else fails = middle;
    }
    const tightest = withOutput(fits);
    expect(bytes(tightest)).toBe(SUMMARY_LIMIT_BYTES);
    expect(rows(tightest).map((row) => cell(row, 0))).toEqual(['1', '4']);
    const none = withOutput(fails);
    expect(none).not.toContain('### Iterations');
    expect(none).not.toContain('truncated');
    expect(none.endsWith('</details>\n')).toBe(true);
  });
});
