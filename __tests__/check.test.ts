/**
 * What a check's result means to the loop (src/core/check.ts), pure: how it ended in words, when two failures count
 * as the same, and the whole of what the next prompt tells Claude.
 */
import { describe, expect, it } from 'vitest';
import {
  CHECK_ON,
  CHECK_OUTPUT_MAX_BYTES,
  CHECK_OUTPUT_MAX_LINES,
  checkFailureReport,
  checkFailureSignature,
  type CheckResult,
  describeCheckEnd,
} from '../src/core/check.js';

const failed = (output: string, extra: Partial<CheckResult> = {}): CheckResult => ({
  command: 'npm test',
  passed: false,
  exitCode: 1,
  timedOut: false,
  cancelled: false,
  spawnError: undefined,
  durationMs: 10,
  output,
  ...extra,
});

describe('describeCheckEnd', () => {
  it('names the time-out in minutes, at most three decimals, before anything else', () => {
    expect(describeCheckEnd(failed('', { timedOut: true, exitCode: null }), 600_000)).toBe(
      'timed out after 10 min and was stopped',
    );
    expect(describeCheckEnd(failed('', { timedOut: true }), 90_000)).toBe('timed out after 1.5 min and was stopped');
    expect(describeCheckEnd(failed('', { timedOut: true }), 1_000)).toBe('timed out after 0.017 min and was stopped');
    expect(describeCheckEnd(failed('', { timedOut: true, cancelled: true, spawnError: 'x' }), 60_000)).toBe(
      'timed out after 1 min and was stopped',
    );
  });

  it('then a command that could not start, then a cancelled job, then the exit code', () => {
    expect(describeCheckEnd(failed('', { spawnError: 'spawn bash ENOENT', cancelled: true }), 1)).toBe(
      'could not be started: spawn bash ENOENT',
    );
    expect(describeCheckEnd(failed('', { spawnError: '' }), 1)).toBe('could not be started: ');
    expect(describeCheckEnd(failed('', { cancelled: true, exitCode: null }), 1)).toBe(
      'was stopped: the run was cancelled',
    );
    expect(describeCheckEnd(failed('', { exitCode: 2 }), 1)).toBe('exit code 2');
    expect(describeCheckEnd(failed('', { exitCode: null }), 1)).toBe('exit code null');
  });
});

describe('checkFailureSignature', () => {
  const signature = (output: string, extra: Partial<CheckResult> = {}) =>
    checkFailureSignature(failed(output, extra), 600_000);
  const last = (line: string) => signature(`first line\n${line}`).replace('The check failed (exit code 1): ', '');

  it('is the way the check ended and its last line with a letter or digit, whitespace folded', () => {
    expect(signature('a\n  FAIL \t  a.test.ts  \n---\n   \n')).toBe('The check failed (exit code 1): FAIL a.test.ts');
    expect(signature('a\n\u00e9\n***')).toBe('The check failed (exit code 1): \u00e9');
    expect(signature('a\n\u0663\n***')).toBe('The check failed (exit code 1): \u0663');
    expect(signature('x', { timedOut: true })).toBe('The check failed (timed out after 10 min and was stopped): x');
  });

  it('says only how it ended when no line has a letter or digit', () => {
    expect(signature('')).toBe('The check failed (exit code 1)');
    expect(signature('---\n  \n***')).toBe('The check failed (exit code 1)');
  });

  it('takes dates with clock times out, in every ISO form', () => {
    expect(last('at 2026-11-22T12:01:02Z ok')).toBe('at <time> ok');
    expect(last('at 2026-11-22 12:01 ok')).toBe('at <time> ok');
    expect(last('at 2026-11-22T12:01:02.123+02:00 ok')).toBe('at <time> ok');
    expect(last('at 2026-11-22T12:01:02-0500 ok')).toBe('at <time> ok');
    expect(last('at 2026-11-22T12:01:02.5 ok')).toBe('at <time> ok');
    // Not a date with a time: kept.
    expect(last('at 2026-11-22X12:01 ok')).toBe('at 2026-11-22X12:01 ok');
    expect(last('at 2026-11-22 ok')).toBe('at 2026-11-22 ok');
    expect(last('at 202-11-22T12:01 ok')).toBe('at 202-11-22T12:01 ok');
    expect(last('at x2026-11-22T12:01 ok')).toBe('at x2026-11-22T12:01 ok');
  });

  it('takes clock times out, with their fractions, but not numbers that only end like one', () => {
    expect(last('at 12:01:02 ok')).toBe('at <time> ok');
    expect(last('at 9:05:07.250 ok')).toBe('at <time> ok');
    expect(last('at 123:01:02 ok')).toBe('at 123:01:02 ok');
    expect(last('at 12:01 ok')).toBe('at 12:01 ok');
    expect(last('at 12:01:02x ok')).toBe('at 12:01:02x ok');
  });

  it('takes durations out in every unit, but not counts', () => {
    for (const duration of [
      '3.2s',
      '3.25s',
      '0.125 seconds',
      '41 ms',
      '41ms',
      '10 seconds',
      '1 second',
      '7 secs',
      '1 sec',
      '12 s',
      '3m',
      '2 min',
      '5 mins',
      '1 minute',
      '4 minutes',
    ])
      expect(last(`took ${duration} ok`), duration).toBe('took <duration> ok');
    expect(last('Tests: 2 failed, 40 passed')).toBe('Tests: 2 failed, 40 passed');
    expect(last('took 4 msx ok')).toBe('took 4 msx ok');
    expect(last('took x3s ok')).toBe('took x3s ok');
    expect(last('took 3.s ok')).toBe('took 3.s ok');
  });

  it('takes hexadecimal ids of 7 to 40 digits out', () => {
    expect(last('commit 3f2a9bc ok')).toBe('commit <id> ok');
    expect(last(`commit ${'a1'.repeat(20)} ok`)).toBe('commit <id> ok');
    expect(last(`commit ${'a1'.repeat(20)}b ok`)).toBe(`commit ${'a1'.repeat(20)}b ok`);
    expect(last('commit 3f2a9b ok')).toBe('commit 3f2a9b ok');
    expect(last('commit 3F2A9BC1 ok')).toBe('commit 3F2A9BC1 ok');
    expect(last('commit x3f2a9bc ok')).toBe('commit x3f2a9bc ok');
    expect(last('commit 3f2a9bcx ok')).toBe('commit 3f2a9bcx ok');
  });
});

describe('checkFailureReport', () => {
  it('says all the next prompt needs: the command, how it ended, and the end of its output in a fence', () => {
    expect(checkFailureReport(failed('FAIL a.test.ts\n1 failed', { command: 'npm run check' }), 600_000)).toBe(
      [
        'The loop ran the check command after your last reply, and it failed: the task is not complete until it passes.',
        '',
        'Command: npm run check',
        'Result: exit code 1',
        'The end of its output (stdout and stderr, at most 200 lines):',
        '```',
        'FAIL a.test.ts',
        '1 failed',
        '```',
        '',
        'Fix what it reports, then end your reply with the completion gate again.',
      ].join('\n'),
    );
  });

  it('says when there was no output, and fences output with backticks in a longer fence', () => {
    expect(checkFailureReport(failed('', { timedOut: true }), 120_000)).toContain(
      'Result: timed out after 2 min and was stopped\nThe end of its output (stdout and stderr, at most 200 lines):\n(no output)\n\nFix',
    );
    expect(checkFailureReport(failed('a ```` b'), 1)).toContain('lines):\n`````\na ```` b\n`````\n\nFix');
  });

  it('keeps at most 200 lines and 16 KiB, and is run on ready or on every iteration', () => {
    expect([CHECK_OUTPUT_MAX_LINES, CHECK_OUTPUT_MAX_BYTES]).toEqual([200, 16_384]);
    expect(CHECK_ON).toEqual(['ready', 'every-iteration']);
  });
});
