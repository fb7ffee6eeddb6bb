import { describe, expect, it } from 'vitest';
import {
  boundedForSaving,
  earlierRuns,
  isSessionId,
  MAX_SAVED_TEXT,
  MAX_STATE_BYTES,
  parseLoopState,
  pausedByUsageLimit,
  resumeDecision,
  resumePrompt,
  runFacts,
  type ParsedState,
} from '../src/core/loop-state.js';
import { loopState } from './helpers/builders.js';

const state = loopState;
const identity = { repository: 'octo/widgets', workingDirectory: '.' };
const problemOf = (parsed: ParsedState): string => ('problem' in parsed ? parsed.problem : 'no problem');

describe('parseLoopState', () => {
  it('reads back what was written, through JSON', () => {
    expect(parseLoopState(JSON.stringify(state()))).toEqual({ state: state() });
    const bare = state({
      lastGate: undefined,
      checkReport: undefined,
      breaker: { ...state().breaker, lastError: undefined },
    });
    expect(parseLoopState(JSON.stringify(bare))).toEqual({ state: bare });
  });

  it('reads a state saved while a run was under way', () => {
    expect(parseLoopState(JSON.stringify(state({ status: 'running' })))).toEqual({
      state: state({ status: 'running' }),
    });
  });

  it('takes zero for the counts and the cost', () => {
    const zero = state({
      costUsd: 0,
      turns: 0,
      breaker: { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
    });
    expect(parseLoopState(JSON.stringify(zero))).toEqual({ state: zero });
  });

  it('takes null for the optional fields, as other JSON writers put a missing value', () => {
    const parsed = parseLoopState(
      JSON.stringify({
        ...state(),
        checkReport: null,
        lastGate: null,
        breaker: { ...state().breaker, lastError: null },
      }),
    );
    expect(parsed).toEqual({
      state: state({
        checkReport: undefined,
        lastGate: undefined,
        breaker: { ...state().breaker, lastError: undefined },
      }),
    });
  });

  it('takes a text of 64 KiB, the most it accepts', () => {
    const long = state({ prompt: 'x'.repeat(64 * 1024) });
    expect(parseLoopState(JSON.stringify(long))).toEqual({ state: long });
  });

  it('names every problem it found', () => {
    expect(problemOf(parseLoopState(JSON.stringify({ ...state(), status: 'won', runs: -1 })))).toBe(
      "'status' is not a status, 'runs' is not a whole number from 0 to 1000000",
    );
  });

  it('refuses a cost too large for a number, which JSON reads as Infinity', () => {
    const text = JSON.stringify(state()).replace('"costUsd":0.75', '"costUsd":1e400');
    expect(problemOf(parseLoopState(text))).toBe("'costUsd' is not a number of dollars from 0 to 1000000");
  });

  it.each([
    ['not JSON', '{"version": 1', /^it is not JSON/],
    ['an array', '[1]', /^it is not a JSON object$/],
    ['a string', '"state"', /^it is not a JSON object$/],
    ['a number', '1', /^it is not a JSON object$/],
    ['null', 'null', /^it is not a JSON object$/],
    ['another version', JSON.stringify({ ...state(), version: 2 }), /^its version is 2, not 1$/],
    ['no version', JSON.stringify({ ...state(), version: undefined }), /^its version is undefined, not 1$/],
  ])('refuses a state that is %s', (_what, text, problem) => {
    expect(problemOf(parseLoopState(text))).toMatch(problem);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a session id that is a flag', { sessionId: '--resume-anything' }, "'sessionId' is not a session id"],
    ['a session id that is a path', { sessionId: '../x' }, "'sessionId' is not a session id"],
    ['an unknown status', { status: 'won' }, "'status' is not a status"],
    ['a negative cost', { costUsd: -1 }, "'costUsd' is not a number of dollars from 0 to 1000000"],
    ['a cost that is text', { costUsd: '1' }, "'costUsd' is not a number of dollars from 0 to 1000000"],
    ['a fractional count', { iterations: 1.5 }, "'iterations' is not a whole number from 0 to 1000000"],
    ['a negative count', { runs: -1 }, "'runs' is not a whole number from 0 to 1000000"],
    ['iterations at 2^53−1', { iterations: 2 ** 53 - 1 }, "'iterations' is not a whole number from 0 to 1000000"],
    ['a count one above the bound', { turns: 1_000_001 }, "'turns' is not a whole number from 0 to 1000000"],
    [
      'a cost of 1.8e308 (the largest number)',
      { costUsd: Number.MAX_VALUE },
      "'costUsd' is not a number of dollars from 0 to 1000000",
    ],
    ['a cost above the bound', { costUsd: 1_000_000.01 }, "'costUsd' is not a number of dollars from 0 to 1000000"],
    [
      'a breaker count at 2^53−1',
      { breaker: { ...state().breaker, sameErrorCount: 2 ** 53 - 1 } },
      "'sameErrorCount' is not a whole number from 0 to 1000000",
    ],
    [
      'a breaker count above the bound',
      { breaker: { ...state().breaker, runsWithoutChanges: 1_000_001 } },
      "'runsWithoutChanges' is not a whole number from 0 to 1000000",
    ],
    ['a repository that is not text', { repository: 7 }, "'repository' is not a string"],
    ['a required text that is null', { savedAt: null }, "'savedAt' is not a string"],
    ['a required text that is missing', { reason: undefined }, "'reason' is not a string"],
    ['an overlong prompt', { prompt: 'x'.repeat(64 * 1024 + 1) }, "'prompt' is not a string"],
    ['costKnown that is not a boolean', { costKnown: 'yes' }, "'costKnown' is not true or false"],
    ['no breaker', { breaker: null }, "'breaker' is not an object"],
    [
      'a breaker count that is text',
      { breaker: { ...state().breaker, sameErrorCount: '2' } },
      "'sameErrorCount' is not a whole number from 0 to 1000000",
    ],
    [
      'a last error that is not text',
      { breaker: { ...state().breaker, lastError: 3 } },
      "'breaker.lastError' is not a string",
    ],
    ['a gate without ready', { lastGate: { reason: 'x' } }, "'lastGate' is not a completion gate"],
    [
      'a gate whose reason is not text',
      { lastGate: { ready: true, reason: 1 } },
      "'lastGate' is not a completion gate",
    ],
    [
      'a gate whose progress is not text',
      { lastGate: { ready: true, progress: ['p'] } },
      "'lastGate' is not a completion gate",
    ],
    [
      'a gate with one blocker that is not text',
      { lastGate: { ready: false, blockers: ['a', 1] } },
      "'lastGate' is not a completion gate",
    ],
    ['a gate that is not an object', { lastGate: 'ready' }, "'lastGate' is not a completion gate"],
    [
      'a gate with blockers that are not text',
      { lastGate: { ready: false, blockers: [1] } },
      "'lastGate' is not a completion gate",
    ],
  ])('refuses %s, naming the field', (_what, change, problem) => {
    expect(problemOf(parseLoopState(JSON.stringify({ ...state(), ...change })))).toContain(problem);
  });

  it('drops gate keys the protocol does not define', () => {
    const parsed = parseLoopState(JSON.stringify({ ...state(), lastGate: { ready: true, extra: { x: 1 }, evil: 2 } }));
    expect('state' in parsed && parsed.state.lastGate).toEqual({
      ready: true,
      reason: undefined,
      progress: undefined,
      blockers: undefined,
      extra: {},
    });
  });
});

describe('isSessionId', () => {
  it('takes a UUID only', () => {
    expect(isSessionId('0B7C6A52-3F51-4F8E-9D4E-2A0C4B1D9E77')).toBe(true);
    expect(isSessionId('0b7c6a52-3f51-4f8e-9d4e-2a0c4b1d9e77\n')).toBe(false);
    expect(isSessionId('../0b7c6a52-3f51-4f8e-9d4e-2a0c4b1d9e77')).toBe(false);
    // A value that only prints as a UUID is not one.
    expect(isSessionId(['0b7c6a52-3f51-4f8e-9d4e-2a0c4b1d9e77'])).toBe(false);
    expect(isSessionId('session-1')).toBe(false);
    expect(isSessionId(undefined)).toBe(false);
  });
});

describe('resumeDecision', () => {
  it('continues a loop of this repository and directory that has not completed', () => {
    for (const status of ['running', 'iteration_limit_reached', 'failed', 'cancelled', 'time_limit_reached'] as const) {
      expect(resumeDecision({ state: state({ status }) }, identity)).toEqual({
        resume: true,
        state: state({ status }),
      });
    }
  });

  it('starts a new loop without a word when there is no state, and after a completed one', () => {
    expect(resumeDecision(undefined, identity)).toEqual({
      resume: false,
      why: 'no saved state: starting a new loop',
      warn: false,
    });
    expect(resumeDecision({ state: state({ status: 'completed' }) }, identity)).toEqual({
      resume: false,
      why: 'the saved loop completed: starting a new loop',
      warn: false,
    });
  });

  it('warns and starts a new loop for a state that is not usable, or not of this loop', () => {
    expect(resumeDecision({ problem: 'it is not JSON' }, identity)).toEqual({
      resume: false,
      why: 'the saved state is not usable (it is not JSON): starting a new loop',
      warn: true,
    });
    expect(resumeDecision({ state: state({ repository: 'evil/fork' }) }, identity)).toEqual({
      resume: false,
      why: 'the saved state belongs to another repository (evil/fork): starting a new loop',
      warn: true,
    });
    expect(resumeDecision({ state: state({ workingDirectory: 'packages/b' }) }, identity)).toEqual({
      resume: false,
      why: 'the saved state belongs to another working directory (packages/b): starting a new loop',
      warn: true,
    });
  });
});

describe('resumePrompt', () => {
  const noCheck = runFacts('');

  it('sends the continuation prompt, the run facts and the failed check when the prompt is the task it started with', () => {
    expect(resumePrompt(state(), ' Build the widget\n', 'Go on.', '')).toBe(`Go on.\n\n${noCheck}\n\nThe check failed`);
    expect(resumePrompt(state({ checkReport: undefined }), 'Build the widget', 'Go on.', '')).toBe(
      `Go on.\n\n${noCheck}`,
    );
  });

  it('takes the task for the same when the saved one differs only in surrounding whitespace', () => {
    expect(resumePrompt(state({ prompt: 'Build the widget\n' }), 'Build the widget', 'Go on.', '')).toBe(
      `Go on.\n\n${noCheck}\n\nThe check failed`,
    );
  });

  it('puts a new prompt first', () => {
    expect(resumePrompt(state({ checkReport: undefined }), '/continue: docs first', 'Go on.', '')).toBe(
      `/continue: docs first\n\nGo on.\n\n${noCheck}`,
    );
  });

  it("names this run's check command and the gate: the resumed conversation may know another one", () => {
    const prompt = resumePrompt(state(), 'Build the widget', 'Go on.', 'npm run check-b');
    expect(prompt).toContain('the task is complete only when it passes: npm run check-b');
    expect(prompt).toContain('End your reply with the <COMPLETION_GATE> block');
    expect(prompt.indexOf('npm run check-b')).toBeLessThan(prompt.indexOf('The check failed'));
    expect(resumePrompt(state(), 'Build the widget', 'Go on.', '')).toContain(
      'No check command runs in this run: ready: true alone completes the task.',
    );
  });
});

describe('earlierRuns', () => {
  it('tells a continued loop the task, the runs, the iterations and the cost so far', () => {
    expect(earlierRuns(state({ runs: 2, iterations: 7, costUsd: 1.5, costKnown: false }))).toEqual({
      prompt: 'Build the widget',
      runs: 2,
      iterations: 7,
      costUsd: 1.5,
      costKnown: false,
    });
  });
});

describe('boundedForSaving', () => {
  it('keeps a state of short texts as it is, but for gate keys the protocol does not define', () => {
    const saved = state({ lastGate: { ready: true, reason: 'done', progress: 'all', blockers: [], extra: { x: 1 } } });
    expect(boundedForSaving(saved)).toEqual({
      ...saved,
      lastGate: { ready: true, reason: 'done', progress: 'all', blockers: [], extra: {} },
    });
  });

  it('keeps what is missing missing', () => {
    const bare = state({
      checkReport: undefined,
      lastGate: { ready: false, extra: {} },
      breaker: { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
    });
    expect(boundedForSaving(bare)).toEqual(bare);
    expect(boundedForSaving(state({ lastGate: undefined })).lastGate).toBeUndefined();
  });

  it('keeps counts and cost within what the reader accepts, so that what it writes it reads back', () => {
    const big = state({
      runs: 2_000_000,
      iterations: 2_000_000,
      turns: 5_000_000,
      costUsd: 3e6,
      breaker: { runsWithoutChanges: 2e6, sameErrorCount: 2e6, lastError: 'e' },
    });
    const bounded = boundedForSaving(big);
    expect(bounded).toMatchObject({
      runs: 1_000_000,
      iterations: 1_000_000,
      turns: 1_000_000,
      costUsd: 1_000_000,
      breaker: { runsWithoutChanges: 1_000_000, sameErrorCount: 1_000_000, lastError: 'e' },
    });
    expect(parseLoopState(JSON.stringify(bounded))).toEqual({ state: bounded });
  });

  it('shortens the task, the reason and the check report to 16 KiB, marking the cut', () => {
    const long = 'y'.repeat(MAX_SAVED_TEXT + 10);
    const cut = 'y'.repeat(MAX_SAVED_TEXT - 1) + '…';
    expect(boundedForSaving(state({ prompt: long, reason: long, checkReport: long }))).toMatchObject({
      prompt: cut,
      reason: cut,
      checkReport: cut,
    });
  });

  it("shortens the last error and the gate's texts to 1000 characters, and keeps 20 blockers", () => {
    const long = 'z'.repeat(1500);
    const cut = 'z'.repeat(999) + '…';
    const blockers = Array.from({ length: 25 }, (_, i) => `${i} ${long}`);
    const bounded = boundedForSaving(
      state({
        breaker: { runsWithoutChanges: 1, sameErrorCount: 2, lastError: long },
        lastGate: { ready: false, reason: long, progress: long, blockers, extra: {} },
      }),
    );
    expect(bounded.breaker).toEqual({ runsWithoutChanges: 1, sameErrorCount: 2, lastError: cut });
    expect(bounded.lastGate).toEqual({
      ready: false,
      reason: cut,
      progress: cut,
      blockers: blockers.slice(0, 20).map((blocker) => blocker.slice(0, 999) + '…'),
      extra: {},
    });
  });

  it('writes even the largest state in less than the most a reader takes, and reads it back', () => {
    // A control character is escaped to six bytes, the most JSON makes of one character.
    const worst = '\u0001'.repeat(100_000);
    const bounded = boundedForSaving(
      state({
        prompt: worst,
        reason: worst,
        checkReport: worst,
        breaker: { runsWithoutChanges: 1, sameErrorCount: 2, lastError: worst },
        lastGate: { ready: false, reason: worst, progress: worst, blockers: Array(100).fill(worst), extra: {} },
      }),
    );
    const text = JSON.stringify(bounded);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_STATE_BYTES);
    expect(parseLoopState(text)).toEqual({ state: bounded });
  });
});

describe('the reset time of a usage limit in the state', () => {
  const resetsAt = '2026-12-07T22:14:00.000Z';
  const paused = state({ status: 'usage_limited', resetsAt });
  const at = (iso: string) => Date.parse(iso);

  it('is read back, and a state written before it existed still reads', () => {
    expect(parseLoopState(JSON.stringify(paused))).toEqual({ state: paused });
    expect(parseLoopState(JSON.stringify(state()))).toEqual({ state: state() });
    expect(problemOf(parseLoopState(JSON.stringify({ ...paused, resetsAt: 'soon' })))).toBe("'resetsAt' is not a time");
  });

  it('pauses a run that starts before it, of this repository and directory only', () => {
    const parsed = parseLoopState(JSON.stringify(paused));
    expect(pausedByUsageLimit(parsed, identity, at('2026-12-07T21:00:00Z'))).toEqual({
      state: paused,
      resetsAt: at(resetsAt),
    });
    expect(pausedByUsageLimit(parsed, identity, at(resetsAt))).toBeUndefined();
    expect(pausedByUsageLimit(parsed, { ...identity, workingDirectory: 'other' }, 0)).toBeUndefined();
    expect(pausedByUsageLimit(parsed, { ...identity, repository: 'o/x' }, 0)).toBeUndefined();
    // Another status (a later run that went on) or no reset time: nothing to wait for.
    expect(pausedByUsageLimit({ state: { ...paused, status: 'running' } }, identity, 0)).toBeUndefined();
    expect(pausedByUsageLimit({ state: state({ status: 'usage_limited' }) }, identity, 0)).toBeUndefined();
    expect(pausedByUsageLimit({ problem: 'x' }, identity, 0)).toBeUndefined();
    expect(pausedByUsageLimit(undefined, identity, 0)).toBeUndefined();
  });
});
