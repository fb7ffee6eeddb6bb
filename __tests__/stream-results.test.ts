/**
 * What a run's result lines add up to: the cost over all of them (a background sub-agent makes the CLI print two),
 * costs that cannot be right, and the tool calls that the permission mode denied.
 */
import { describe, expect, it } from 'vitest';
import { StreamState } from '../src/claude/stream-json.js';

const resultLine = (fields: Record<string, unknown>): string =>
  JSON.stringify({ type: 'result', subtype: 'success', is_error: false, session_id: 's', ...fields });

const usage = (costUSD: unknown) => ({ 'claude-sonnet-4-5': { costUSD } });

describe('the result lines of one run', () => {
  it('adds up the cost of every result line, also when the last one says nothing of cost', () => {
    const state = new StreamState();
    // 2.1.330 with a background sub-agent: total_cost_usd is the session's running total, each line's own share is
    // in model_usage_since_last_result, and the second line's share is empty.
    state.consume(resultLine({ num_turns: 3, total_cost_usd: 0.9, model_usage_since_last_result: usage(0.25) }));
    state.consume(resultLine({ num_turns: 1, total_cost_usd: 1.0, model_usage_since_last_result: usage(0.1) }));
    state.consume(resultLine({ num_turns: 0, total_cost_usd: 1.0, model_usage_since_last_result: {} }));
    expect(state.resultLines).toBe(3);
    expect(state.costUsd).toBeCloseTo(0.35, 10);
    expect(state.turns).toBe(4);
  });

  it('takes the last total_cost_usd of a CLI that reports the run’s own cost there', () => {
    const state = new StreamState();
    state.consume(resultLine({ total_cost_usd: 0.2 }));
    state.consume(resultLine({ total_cost_usd: 0.3 }));
    expect(state.costUsd).toBe(0.3);
  });

  it('ignores a negative, infinite or non-numeric cost and says which', () => {
    const state = new StreamState();
    state.consume(resultLine({ model_usage_since_last_result: { a: { costUSD: -5 }, b: { costUSD: 0.5 } } }));
    state.consume(resultLine({ model_usage_since_last_result: usage('0.7') }));
    // JSON has no Infinity, but a number too large for a double parses as one.
    state.consume(`{"type":"result","subtype":"success","model_usage_since_last_result":{"c":{"costUSD":1e999}}}`);
    expect(state.costUsd).toBe(0.5);
    expect(state.invalidCosts).toEqual([
      'costUSD of a -5',
      'costUSD of claude-sonnet-4-5 "0.7"',
      'costUSD of c Infinity',
    ]);
  });

  it('ignores a total_cost_usd that is not a number of dollars', () => {
    const state = new StreamState();
    state.consume(resultLine({ total_cost_usd: -0.01 }));
    expect(state.costUsd).toBe(0);
    expect(state.invalidCosts).toEqual(['total_cost_usd -0.01']);
  });

  it('counts denied tool calls by tool, each call once even when a later result line repeats it', () => {
    const state = new StreamState();
    const denial = (id: string, tool: string) => ({ tool_name: tool, tool_use_id: id, tool_input: { file_path: 'x' } });
    state.consume(
      resultLine({
        permission_denials: [denial('toolu_1', 'Write'), denial('toolu_2', 'Write'), denial('toolu_3', 'Bash')],
      }),
    );
    state.consume(resultLine({ permission_denials: [denial('toolu_3', 'Bash'), denial('toolu_4', 'Edit')] }));
    state.consume(resultLine({ permission_denials: 'not a list' }));
    expect(state.deniedTools).toEqual({ Write: 2, Bash: 1, Edit: 1 });
  });

  it('keeps a cost of zero, and says nothing of models without a cost or usage that is not an object', () => {
    const state = new StreamState();
    state.consume(
      resultLine({ model_usage_since_last_result: { a: { costUSD: 0 }, b: { inputTokens: 5 }, c: null, d: 3 } }),
    );
    state.consume(resultLine({ model_usage_since_last_result: usage(0.4) }));
    expect(state.costUsd).toBe(0.4);
    expect(state.invalidCosts).toEqual([]);
  });

  it('keeps the last total_cost_usd when a later result line has no cost at all', () => {
    const state = new StreamState();
    state.consume(resultLine({ total_cost_usd: 0 }));
    expect(state.costUsd).toBe(0);
    state.consume(resultLine({ total_cost_usd: 0.3 }));
    state.consume(resultLine({ num_turns: 1 }));
    expect(state.costUsd).toBe(0.3);
    expect(state.invalidCosts).toEqual([]);
  });

  it('counts a denial without a tool name under "unknown tool", and every denial without an id', () => {
    const state = new StreamState();
    state.consume(
      resultLine({
        permission_denials: [{ tool_name: 'Write' }, { tool_name: 'Write' }, { tool_use_id: 'toolu_1' }, null, 'Bash'],
      }),
    );
    expect(state.deniedTools).toEqual({ Write: 2, 'unknown tool': 1 });
  });
});

describe('what a result line says', () => {
  it('says "unknown" for a missing or empty subtype, and nothing for an HTTP status that is not a number', () => {
    const state = new StreamState();
    state.consume(JSON.stringify({ type: 'result', api_error_status: '529' }));
    expect(state.result).toMatchObject({ subtype: 'unknown', apiErrorStatus: undefined });
    state.consume(resultLine({ subtype: '' }));
    expect(state.result?.subtype).toBe('unknown');
  });

  it('takes the session from the result line, and keeps the known one when it has none', () => {
    const state = new StreamState();
    state.consume(resultLine({ session_id: 's1' }));
    expect(state.sessionId).toBe('s1');
    state.consume(resultLine({ session_id: '' }));
    expect(state.result?.sessionId).toBeUndefined();
    state.consume(resultLine({ session_id: 42 }));
    expect(state.result?.sessionId).toBeUndefined();
    expect(state.sessionId).toBe('s1');
  });

  it('joins the error texts of a result without a result text, and is empty without either', () => {
    const state = new StreamState();
    const [event] = state.consume(
      resultLine({ subtype: 'error_max_turns', is_error: true, errors: ['Max turns reached', 3, 'Stopped'] }),
    );
    expect(event).toEqual({ kind: 'result', result: state.result });
    expect(state.result?.text).toBe('Max turns reached; Stopped');
    state.consume(resultLine({ result: 42 }));
    expect(state.result?.text).toBe('');
  });

  it('counts turns that are not a finite number as none', () => {
    const state = new StreamState();
    state.consume(resultLine({ num_turns: 2 }));
    state.consume(resultLine({ num_turns: '3' }));
    state.consume('{"type":"result","subtype":"success","num_turns":1e999}');
    expect(state.turns).toBe(2);
    expect(state.result?.turns).toBe(0);
  });
});
