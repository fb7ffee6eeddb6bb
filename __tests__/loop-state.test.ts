import { describe, expect, it } from 'vitest';
import {
  isSessionId,
  parseLoopState,
  resumeDecision,
  resumePrompt,
  type LoopState,
  type ParsedState,
} from '../src/loop-state.js';

const state = (extra: Partial<LoopState> = {}): LoopState => ({
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
  ...extra,
});
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

  it.each([
    ['not JSON', '{"version": 1', /^it is not JSON/],
    ['an array', '[1]', /^it is not a JSON object$/],
    ['another version', JSON.stringify({ ...state(), version: 2 }), /^its version is 2, not 1$/],
    ['no version', JSON.stringify({ ...state(), version: undefined }), /^its version is undefined, not 1$/],
  ])('refuses a state that is %s', (_what, text, problem) => {
    expect(problemOf(parseLoopState(text))).toMatch(problem);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a session id that is a flag', { sessionId: '--resume-anything' }, "'sessionId' is not a session id"],
    ['a session id that is a path', { sessionId: '../x' }, "'sessionId' is not a session id"],
    ['an unknown status', { status: 'won' }, "'status' is not a status"],
    ['a negative cost', { costUsd: -1 }, "'costUsd' is not a non-negative number"],
    ['a cost that is text', { costUsd: '1' }, "'costUsd' is not a non-negative number"],
    ['a fractional count', { iterations: 1.5 }, "'iterations' is not a whole number"],
    ['a negative count', { runs: -1 }, "'runs' is not a whole number"],
    ['a repository that is not text', { repository: 7 }, "'repository' is not a string"],
    ['an overlong prompt', { prompt: 'x'.repeat(64 * 1024 + 1) }, "'prompt' is not a string"],
    ['costKnown that is not a boolean', { costKnown: 'yes' }, "'costKnown' is not true or false"],
    ['no breaker', { breaker: null }, "'breaker' is not an object"],
    [
      'a breaker count that is text',
      { breaker: { ...state().breaker, sameErrorCount: '2' } },
      "'sameErrorCount' is not a whole number",
    ],
    [
      'a last error that is not text',
      { breaker: { ...state().breaker, lastError: 3 } },
      "'breaker.lastError' is not a string",
    ],
    ['a gate without ready', { lastGate: { reason: 'x' } }, "'lastGate' is not a completion gate"],
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
    expect(resumeDecision({ problem: 'it is not JSON' }, identity)).toMatchObject({ resume: false, warn: true });
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
  it('sends the continuation prompt and the failed check when the prompt is the task the loop started with', () => {
    expect(resumePrompt(state(), ' Build the widget\n', 'Go on.')).toBe('Go on.\n\nThe check failed');
    expect(resumePrompt(state({ checkReport: undefined }), 'Build the widget', 'Go on.')).toBe('Go on.');
  });

  it('puts a new prompt first', () => {
    expect(resumePrompt(state({ checkReport: undefined }), '/continue: docs first', 'Go on.')).toBe(
      '/continue: docs first\n\nGo on.',
    );
  });
});
