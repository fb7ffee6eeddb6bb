/**
 * A subscription's usage limit in every form the CLI prints it (lines as 2.1.330 printed them against a fake API that
 * answered 429 with the `anthropic-ratelimit-unified-*` headers), read by the stream and classified by failure.ts.
 */
import { describe, expect, it } from 'vitest';
import { iterationFailure, usageLimitReset } from '../src/core/failure.js';
import { StreamState } from '../src/claude/stream-json.js';
import { processOutcome } from './helpers/builders.js';

const withToken = { anthropicApiKey: '', claudeCodeOauthToken: 'sk-ant-oat01-x' };
const RESET = 1_796_673_485;
const SESSION = '18fa2ed3-3d4b-4589-9f75-288675ed0aed';
const INFO = {
  status: 'rejected',
  resetsAt: RESET,
  rateLimitType: 'five_hour',
  overageStatus: 'rejected',
  isUsingOverage: false,
};

const rateLimitEvent = (info: object = INFO) => ({
  type: 'rate_limit_event',
  rate_limit_info: info,
  uuid: '5a7bbfbf-c373-41db-91a3-f02f6789df00',
  session_id: SESSION,
});
const syntheticAssistant = (text: string, extra: object = {}) => ({
  type: 'assistant',
  message: { id: 'x', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text }] },
  parent_tool_use_id: null,
  session_id: SESSION,
  error: 'rate_limit',
  is_api_error_message: true,
  api_error_status: 429,
  ...extra,
});
const resultLine = (text: string, extra: object = {}) => ({
  type: 'result',
  subtype: 'success',
  is_error: true,
  num_turns: 1,
  api_error_status: 429,
  api_error_type: 'rate_limit_error',
  result: text,
  session_id: SESSION,
  total_cost_usd: 0,
  usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  model_usage_since_last_result: {},
  ...extra,
});
const TEXT = "You've hit your limit · resets 7:58pm (UTC)";

function streamOf(lines: object[]): StreamState {
  const stream = new StreamState();
  for (const line of lines) stream.consume(JSON.stringify(line));
  return stream;
}

describe('the stream reads a usage limit', () => {
  it("from the CLI's three lines: the event, the synthetic message and the result line", () => {
    const stream = streamOf([
      rateLimitEvent(),
      syntheticAssistant(TEXT, { api_error: 'usage_limit_reached', api_error_params: { rate_limit_info: INFO } }),
      resultLine(TEXT, { api_error: 'usage_limit_reached' }),
    ]);
    expect(stream.usageLimit).toEqual({
      rejected: true,
      resetsAt: RESET * 1000,
      limitType: 'five_hour',
      utilization: undefined,
    });
    expect(stream.result?.apiError).toBe('usage_limit_reached');
  });

  it('from the rate_limit_event line alone, weekly limits too', () => {
    const stream = streamOf([rateLimitEvent({ ...INFO, rateLimitType: 'seven_day' })]);
    expect(stream.usageLimit).toMatchObject({ rejected: true, resetsAt: RESET * 1000, limitType: 'seven_day' });
  });

  it('from api_error usage_limit_reached with its api_error_params.rate_limit_info alone', () => {
    const stream = streamOf([
      syntheticAssistant('You have hit a limit', {
        api_error: 'usage_limit_reached',
        api_error_params: { rate_limit_info: { ...INFO, rateLimitType: 'seven_day_opus' } },
      }),
    ]);
    expect(stream.usageLimit).toMatchObject({ resetsAt: RESET * 1000, limitType: 'seven_day_opus' });
  });

  it('from the texts of a synthetic message or a result line: "|<epoch>" and "resets 8:14pm (UTC)"', () => {
    expect(streamOf([syntheticAssistant(`Claude AI usage limit reached|${RESET}`)]).usageLimit?.resetsAt).toBe(
      RESET * 1000,
    );
    const now = Date.UTC(2026, 11, 7, 18, 58);
    expect(usageLimitReset(TEXT, now)).toBe(Date.UTC(2026, 11, 7, 19, 58));
    // An older CLI's synthetic message: only its model says it is the CLI's.
    const older = {
      type: 'assistant',
      message: { model: '<synthetic>', content: [{ type: 'text', text: `Claude AI usage limit reached|${RESET}` }] },
      parent_tool_use_id: null,
    };
    expect(streamOf([older]).usageLimit?.resetsAt).toBe(RESET * 1000);
    const fromResult = streamOf([resultLine(`Claude AI usage limit reached|${RESET}`)]).usageLimit;
    expect(fromResult?.resetsAt).toBe(RESET * 1000);
  });

  it('not from a rejected limit that overage covers, nor from Claude quoting the words', () => {
    expect(streamOf([rateLimitEvent({ ...INFO, isUsingOverage: true })]).usageLimit).toBeUndefined();
    const quoted = {
      type: 'assistant',
      message: { content: [{ type: 'text', text: `The docs say: Claude AI usage limit reached|${RESET}` }] },
      parent_tool_use_id: null,
    };
    expect(streamOf([quoted]).usageLimit).toBeUndefined();
  });

  it('warns from 80% of a limit that still allows requests, keeping the highest', () => {
    const warning = (utilization: number) =>
      rateLimitEvent({
        status: 'allowed_warning',
        resetsAt: RESET,
        rateLimitType: 'five_hour',
        utilization,
        isUsingOverage: false,
        surpassedThreshold: 0.8,
      });
    expect(streamOf([warning(0.79)]).usageWarning).toBeUndefined();
    const stream = streamOf([warning(0.85), warning(0.81)]);
    expect(stream.usageWarning).toMatchObject({ rejected: false, utilization: 0.85, limitType: 'five_hour' });
    expect(stream.usageLimit).toBeUndefined();
    // Only the per-window figures (`unifiedWindows`) say how much is used.
    const windows = streamOf([
      rateLimitEvent({
        status: 'allowed',
        isUsingOverage: false,
        unifiedWindows: { seven_day: { utilization: 0.92, resetsAt: RESET, status: 'allowed_warning' } },
      }),
    ]);
    expect(windows.usageWarning?.utilization).toBe(0.92);
  });
});

describe('tokens over the result lines', () => {
  it("sums each line's usage, or its model_usage_since_last_result when that counts tokens", () => {
    const stream = streamOf([
      {
        type: 'result',
        subtype: 'success',
        usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
      },
      {
        type: 'result',
        subtype: 'success',
        usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 1, cache_creation_input_tokens: 1 },
      },
      {
        type: 'result',
        subtype: 'success',
        usage: { input_tokens: 999, output_tokens: 999 },
        model_usage_since_last_result: {
          a: { inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 5, cacheCreationInputTokens: 6, costUSD: 0.1 },
          b: { inputTokens: 1, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
        },
      },
      // A line of only costs: its own usage counts.
      {
        type: 'result',
        subtype: 'success',
        usage: { input_tokens: 7, output_tokens: -5, cache_read_input_tokens: 'x' },
        model_usage_since_last_result: { a: { costUSD: 0.1 } },
      },
    ]);
    expect(stream.tokens).toEqual({ input: 22, output: 7, cacheRead: 106, cacheCreation: 12 });
  });
});

describe('iterationFailure: a usage limit', () => {
  it('is its own kind with the reset time, never rejected credentials nor a transient error', () => {
    const stream = streamOf([
      rateLimitEvent(),
      syntheticAssistant(TEXT, { api_error: 'usage_limit_reached', api_error_params: { rate_limit_info: INFO } }),
      resultLine(TEXT, { api_error: 'usage_limit_reached' }),
    ]);
    const failure = iterationFailure(processOutcome(stream), withToken);
    expect(failure).toMatchObject({ kind: 'usage_limit', resetAt: RESET * 1000, limitType: 'five_hour' });
    expect(failure?.message).toContain('it resets at 2026-12-07T19:58:05.000Z');
    expect(failure?.message).toContain(TEXT);
  });

  it.each([
    ['api_error alone', resultLine('Limited', { api_error: 'usage_limit_reached' })],
    ['the "|<epoch>" text', resultLine(`Claude AI usage limit reached|${RESET}`)],
    ['the "resets …" text', resultLine(TEXT)],
    ['a 5-hour text', resultLine("You've hit your 5-hour limit · resets 8:14pm (UTC)", { api_error_status: null })],
    ['a text that mentions the OAuth token', resultLine("You've hit your limit · resets 7:58pm (UTC) (oauth token)")],
  ])('from %s', (_name, line) => {
    expect(iterationFailure(processOutcome(streamOf([line])), withToken)?.kind).toBe('usage_limit');
  });

  it('from the event when the CLI died before its result line', () => {
    const failure = iterationFailure(processOutcome(streamOf([rateLimitEvent()])), withToken);
    expect(failure).toMatchObject({ kind: 'usage_limit', resetAt: RESET * 1000 });
  });

  it('from the words on stderr when the CLI died before its result line and its event', () => {
    const failure = iterationFailure(
      processOutcome(streamOf([]), { stderrTail: `Claude AI usage limit reached|${RESET}` }),
      withToken,
    );
    expect(failure).toMatchObject({ kind: 'usage_limit', resetAt: RESET * 1000 });
  });

  it('not when the run succeeded after a warning', () => {
    const stream = streamOf([
      rateLimitEvent({ status: 'allowed_warning', utilization: 0.9, resetsAt: RESET }),
      { type: 'result', subtype: 'success', is_error: false, result: 'done' },
    ]);
    expect(iterationFailure(processOutcome(stream, { exitCode: 0 }), withToken)).toBeUndefined();
  });

  it('an ordinary 429 stays transient', () => {
    const line = resultLine('API Error: Request rejected (429) · Rate limited');
    expect(iterationFailure(processOutcome(streamOf([line])), withToken)?.kind).toBe('transient');
  });
});

describe('usageLimitReset: the clock forms', () => {
  const now = Date.UTC(2026, 11, 7, 18, 58, 30);
  it.each([
    ['resets 8:14pm (UTC)', Date.UTC(2026, 11, 7, 20, 14)],
    ['resets 6:58pm (UTC)', Date.UTC(2026, 11, 7, 18, 58)],
    ['resets 5am (UTC)', Date.UTC(2026, 11, 8, 5, 0)],
    ['resets 12am (UTC)', Date.UTC(2026, 11, 8, 0, 0)],
    ['resets Dec 11, 6:18am (UTC)', Date.UTC(2026, 11, 11, 6, 18)],
    ['resets Jan 2, 1pm (UTC)', Date.UTC(2027, 0, 2, 13, 0)],
    ['Your limit will reset at 3pm (America/New_York)', Date.UTC(2026, 11, 7, 20, 0)],
    ['resets 9pm (Europe/Berlin)', Date.UTC(2026, 11, 7, 20, 0)],
    ['usage limit reached|1796673485', 1_796_673_485_000],
    ['resets in 90 seconds', now + 90_000],
  ])('%s', (text, expected) => {
    expect(usageLimitReset(text, now)).toBe(expected);
  });

  it('is undefined when the text says no time, or a zone nobody knows', () => {
    expect(usageLimitReset("You've hit your limit", now)).toBeUndefined();
    expect(usageLimitReset('resets 8pm (Mars/Olympus)', now)).toBeUndefined();
  });
});
