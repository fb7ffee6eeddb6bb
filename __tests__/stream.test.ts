import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/claude/line-splitter.js';
import { formatEvent } from '../src/claude/live-log.js';
import { StreamState } from '../src/claude/stream-json.js';

const gate = '<COMPLETION_GATE>\nready: true\nreason: done\n</COMPLETION_GATE>';
const assistant = (block: object, parent: string | null = null) =>
  JSON.stringify({
    type: 'assistant',
    message: { id: 'm1', content: [block] },
    parent_tool_use_id: parent,
    session_id: 's1',
  });

describe('StreamState', () => {
  it('reads the session, the last top-level gate and the result', () => {
    const state = new StreamState();
    state.consume(
      JSON.stringify({ type: 'system', subtype: 'init', session_id: 's1', model: 'm', claude_code_version: '2.1.330' }),
    );
    state.consume(assistant({ type: 'text', text: gate.replace('true', 'false') }));
    state.consume(assistant({ type: 'text', text: gate }));
    const [event] = state.consume(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: false,
        num_turns: 4,
        total_cost_usd: 0.02,
        result: 'ok',
        session_id: 's1',
      }),
    );
    expect(state.sessionId).toBe('s1');
    expect(state.lastGate).toMatchObject({ ready: true, reason: 'done' });
    expect(state.result).toEqual({
      subtype: 'success',
      isError: false,
      apiErrorStatus: undefined,
      text: 'ok',
      sessionId: 's1',
      turns: 4,
    });
    expect(state.costUsd).toBe(0.02);
    expect(event.kind).toBe('result');
  });

  it('ignores gates in tool results, sub-agent messages and user prompts', () => {
    const state = new StreamState();
    state.consume(
      JSON.stringify({
        type: 'user',
        message: { content: [{ type: 'tool_result', content: gate, is_error: false }] },
        parent_tool_use_id: null,
      }),
    );
    state.consume(JSON.stringify({ type: 'user', message: { content: gate }, parent_tool_use_id: null }));
    state.consume(assistant({ type: 'text', text: gate }, 'toolu_123'));
    expect(state.lastGate).toBeUndefined();
  });

  it('takes the per-run cost from model_usage_since_last_result when present', () => {
    const state = new StreamState();
    state.consume(
      JSON.stringify({
        type: 'result',
        total_cost_usd: 0.0032,
        model_usage_since_last_result: { a: { costUSD: 0.0005 }, b: { costUSD: 0.0003 } },
      }),
    );
    expect(state.costUsd).toBeCloseTo(0.0008);
  });

  it('reads API errors from the result line', () => {
    const state = new StreamState();
    state.consume(
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: true,
        api_error_status: 529,
        result: 'API Error: Repeated 529 Overloaded errors',
      }),
    );
    expect(state.result).toMatchObject({
      isError: true,
      apiErrorStatus: 529,
      text: 'API Error: Repeated 529 Overloaded errors',
    });
  });

  it('counts malformed lines and skips unknown types without events', () => {
    const state = new StreamState();
    expect(state.consume('{oops')).toEqual([]);
    expect(state.consume('"a string"')).toEqual([]);
    expect(state.consume('{"type":"stream_event","event":{}}')).toEqual([]);
    expect(state.consume('{"type":"system","subtype":"hook_response"}')).toEqual([]);
    expect(state.malformedLines).toBe(2);
    expect(state.lines).toBe(4);
  });

  it('walks every block of a line that holds several', () => {
    const state = new StreamState();
    const events = state.consume(
      JSON.stringify({
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: 'Let me look' },
            { type: 'tool_use', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        parent_tool_use_id: null,
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['text', 'tool_use']);
    expect(state.toolCalls).toBe(1);
  });
});

describe("StreamState: the gate must end Claude's top-level text", () => {
  const notReady = gate.replace('true', 'false');
  const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm test' } };
  const gateAfter = (...blocks: Array<{ block: object; parent?: string }>) => {
    const state = new StreamState();
    for (const { block, parent } of blocks) state.consume(assistant(block, parent ?? null));
    return state.lastGate;
  };
  const textBlock = (text: string) => ({ block: { type: 'text', text } });

  it('a later top-level text block cancels the gate', () => {
    expect(gateAfter(textBlock(gate), textBlock('Wait, one test still fails. Let me fix it.'))).toBeUndefined();
  });

  it('whitespace-only text and sub-agent text after the gate do not cancel it', () => {
    expect(
      gateAfter(textBlock(gate), textBlock('\n  \n'), {
        block: { type: 'text', text: 'sub-agent chatter' },
        parent: 'toolu_9',
      }),
    ).toMatchObject({ ready: true });
  });

  it('a tool call after the gate cancels it: the reply went on, and a run cut short there never finished it', () => {
    expect(gateAfter(textBlock(gate), { block: toolUse })).toBeUndefined();
    expect(gateAfter(textBlock(gate), { block: toolUse, parent: 'toolu_9' })).toMatchObject({ ready: true });
  });

  it('a later block that ends with its own gate replaces the earlier one', () => {
    expect(gateAfter(textBlock(gate), textBlock(`Found one more bug.\n${notReady}`))).toMatchObject({ ready: false });
  });

  it('a gate quoted in a fence in the middle of prose does not count, and cancels an earlier one', () => {
    const quoted = `The docs say to print:\n\`\`\`\n${gate}\n\`\`\`\nso I will do that once the tests pass.`;
    expect(gateAfter(textBlock(quoted))).toBeUndefined();
    expect(gateAfter(textBlock(notReady), textBlock(quoted))).toBeUndefined();
  });

  it('a gate fenced at the end of the reply counts', () => {
    expect(gateAfter(textBlock(`All green.\n\`\`\`text\n${gate}\n\`\`\``))).toMatchObject({ ready: true });
  });
});

describe('formatEvent', () => {
  it('puts a tool call on one line with its main argument', () => {
    expect(
      formatEvent({
        kind: 'tool_use',
        name: 'Bash',
        input: { command: 'npm test\n  -- --watch=false', description: 'x' },
      }),
    ).toBe('→ Bash npm test -- --watch=false');
    expect(formatEvent({ kind: 'tool_use', name: 'Edit', input: { file_path: 'src/a.ts', old_string: 'x' } })).toBe(
      '→ Edit src/a.ts',
    );
    expect(formatEvent({ kind: 'tool_use', name: 'mcp__x__y', input: { query: 'q' } })).toBe('→ mcp__x__y q');
    expect(formatEvent({ kind: 'tool_use', name: 'TodoWrite', input: { todos: [1, 2, 3] } })).toBe(
      '→ TodoWrite (3 items)',
    );
    expect(formatEvent({ kind: 'tool_use', name: 'Write', input: { file_path: 'a'.repeat(300) } })).toHaveLength(128);
  });

  it('shows tool errors and API retries on one line', () => {
    expect(formatEvent({ kind: 'tool_error', text: 'Exit code 1\nnpm ERR! missing script' })).toBe(
      '✗ tool error: Exit code 1 npm ERR! missing script',
    );
    expect(formatEvent({ kind: 'api_retry', attempt: 2, maxRetries: 10, status: 429, error: 'rate_limit' })).toBe(
      '… API error 429 (rate_limit), the CLI retries (2/10)',
    );
  });
});

describe('LineSplitter', () => {
  const split = (chunks: string[], max?: number) => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line.toString('utf8')), max);
    for (const chunk of chunks) splitter.push(Buffer.from(chunk));
    splitter.end();
    return { lines, dropped: splitter.droppedLines };
  };

  it('joins lines split across chunks and keeps a last line without newline', () => {
    expect(split(['{"a":', '1}\n{"b"', ':2}\n\n', '{"c":3}']).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const bytes = Buffer.from('"héllo ✓"\n');
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line.toString('utf8')));
    splitter.push(bytes.subarray(0, 3));
    splitter.push(bytes.subarray(3, 12));
    splitter.push(bytes.subarray(12));
    expect(lines).toEqual(['"héllo ✓"']);
  });

  it('drops a line longer than the cap and goes on with the next', () => {
    expect(split(['short\n', 'x'.repeat(50), 'y'.repeat(50), '\nafter\n'], 64)).toEqual({
      lines: ['short', 'after'],
      dropped: 1,
    });
    expect(split([`${'z'.repeat(100)}\nok\n`], 64)).toEqual({ lines: ['ok'], dropped: 1 });
  });
});
