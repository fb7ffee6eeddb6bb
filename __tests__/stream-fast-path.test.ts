/**
 * The shortcuts that keep a long transcript cheap must not change what anything means: lines as bytes give the same
 * events and state as lines as strings, and the live log shortens long text exactly as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/claude/line-splitter.js';
import { formatEvent } from '../src/claude/live-log.js';
import { shorten } from '../src/text/text.js';
import { StreamState } from '../src/claude/stream-json.js';

/** Text that likes to look like the markers the shortcut searches for. */
const tricky = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'is_error',
    '"is_error":true',
    '"is_error": true',
    '\\"is_error\\":true',
    '{"type":"user"',
    'true',
    '<COMPLETION_GATE>\nready: true\nreason: x\n</COMPLETION_GATE>',
  ),
);
const content = fc.oneof(tricky, fc.array(fc.record({ type: fc.constant('text'), text: tricky }), { maxLength: 2 }));
const block = fc.record(
  {
    type: fc.constantFrom('tool_result', 'text'),
    tool_use_id: fc.constant('toolu_1'),
    content,
    is_error: fc.oneof(fc.boolean(), fc.constant('true'), fc.constant(1)),
  },
  { requiredKeys: ['type', 'content'] },
);
const userLine = fc
  .record(
    {
      type: fc.constant('user'),
      message: fc.record({ role: fc.constant('user'), content: fc.array(block, { maxLength: 3 }) }),
      parent_tool_use_id: fc.constantFrom(null, 'toolu_task'),
      tool_use_result: fc.oneof(tricky, fc.record({ stdout: tricky, is_error: fc.boolean() })),
    },
    { requiredKeys: ['type', 'message'] },
  )
  .map((message) => JSON.stringify(message));
/** The same lines as other writers could format them: spaces around colons. */
const spacedUserLine = userLine.map((line) => line.replace(/"is_error":/g, '"is_error" :\t '));
const otherLine = fc.oneof(
  fc.constant('{"type":"system","subtype":"init","session_id":"s1","model":"m","claude_code_version":"1"}'),
  fc
    .record({ text: tricky, parent: fc.constantFrom(null, 'toolu_task') })
    .map(({ text, parent }) =>
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text }] }, parent_tool_use_id: parent }),
    ),
  fc.constant('{"type":"result","subtype":"success","result":"done","num_turns":2,"total_cost_usd":0.5}'),
);
const brokenLine = fc.string({ maxLength: 60 }).map((rest) => `{"type":"user"${rest}`);

function snapshot(state: StreamState) {
  const { sessionId, lastGate, result, lines, toolCalls } = state;
  return { sessionId, lastGate, result, lines, toolCalls };
}

describe('StreamState.consumeBytes', () => {
  it('means the same as consume for any sequence of lines', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(userLine, spacedUserLine, otherLine, brokenLine), { maxLength: 12 }), (lines) => {
        const asText = new StreamState();
        const asBytes = new StreamState();
        for (const line of lines) {
          expect(asBytes.consumeBytes(Buffer.from(line))).toEqual(asText.consume(line));
        }
        expect(snapshot(asBytes)).toEqual(snapshot(asText));
      }),
      { numRuns: 500 },
    );
  });

  it('still reports a tool error in a user line', () => {
    const line = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', content: 'Exit code 1', is_error: true }] },
      parent_tool_use_id: null,
    });
    expect(new StreamState().consumeBytes(Buffer.from(line))).toEqual([{ kind: 'tool_error', text: 'Exit code 1' }]);
  });
});

describe('StreamState.consumeBytes: the user lines it does not parse', () => {
  // Cut off, so that parsing them would count them as malformed: what the state says shows whether they were parsed.
  const start = '{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"x"';
  const parsedAfter = (text: string) => {
    const state = new StreamState();
    expect(state.consumeBytes(Buffer.from(text))).toEqual([]);
    expect(state.lines).toBe(1);
    return state.malformedLines === 1;
  };

  it('skips a user line with no "is_error" key set to a value starting with t, even one that would not parse', () => {
    expect(parsedAfter('{"type":"user"')).toBe(false);
    expect(parsedAfter(start)).toBe(false);
    expect(parsedAfter(`${start},"is_error":false`)).toBe(false);
    expect(parsedAfter(`${start},"is_error" : false,"tags":["is_error",true`)).toBe(false);
    // Other keys that end the same way, or start the same way.
    expect(parsedAfter(`${start},"this_error":true,"xis_error":true,"is_errors":true`)).toBe(false);
    expect(parsedAfter(`${start},"is_error_code":true,"is-error":true`)).toBe(false);
  });

  it('parses a user line with such a key, and lines that do not start like a user line', () => {
    expect(parsedAfter(`${start},"is_error":true`)).toBe(true);
    expect(parsedAfter(`${start},"is_error":false,"is_error":t`)).toBe(true);
    expect(parsedAfter(`${start},"this_error":true,"is_error":true`)).toBe(true);
    expect(parsedAfter('{"type":"assistant","message":{')).toBe(true);
    expect(parsedAfter('{ "type": "user", "message": {')).toBe(true);
  });

  it('means the same as consume for lines shorter than the start of a user line', () => {
    for (const text of ['', 'null', '[]', '{}', '{"type":"us', '{"type":"x"}']) {
      const asText = new StreamState();
      const asBytes = new StreamState();
      expect(asBytes.consumeBytes(Buffer.from(text))).toEqual(asText.consume(text));
      expect([asBytes.lines, asBytes.malformedLines]).toEqual([asText.lines, asText.malformedLines]);
    }
  });

  it('finds a tool error whatever JSON whitespace surrounds the colon', () => {
    const line = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', content: 'Exit code 1', is_error: true }] },
    }).replace('"is_error":', '"is_error"\r\n\t :\r\n\t ');
    expect(new StreamState().consumeBytes(Buffer.from(line))).toEqual([{ kind: 'tool_error', text: 'Exit code 1' }]);
  });
});

describe('LineSplitter', () => {
  it('cuts the same lines as splitting the whole stream at once, wherever the chunks break', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r', 'é✓')), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 4, max: 64 }),
        (parts, cuts, max) => {
          const bytes = Buffer.from(parts.join(''));
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points, bytes.length]
            .slice(1)
            .map((end, i, ends) => bytes.subarray(ends[i - 1] ?? 0, end));
          // The reference: the whole stream split at once; empty lines and lone \r skipped, long lines dropped.
          const expected: string[] = [];
          let expectedDropped = 0;
          for (const piece of bytes.toString('latin1').split('\n')) {
            if (piece === '' || piece === '\r') continue;
            if (piece.length > max) expectedDropped += 1;
            else expected.push(Buffer.from(piece, 'latin1').toString('utf8'));
          }
          const raw: string[] = [];
          const splitter = new LineSplitter((line) => raw.push(line.toString('utf8')), max);
          for (const chunk of chunks) splitter.push(chunk);
          splitter.end();
          expect(raw).toEqual(expected);
          expect(splitter.droppedLines).toBe(expectedDropped);
        },
      ),
    );
  });
});

describe('the live log of long text', () => {
  const spaced = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '\u00a0', '✓'), maxLength: 3000 });
  it('shortens a tool error exactly as collapsing the whole text would', () => {
    fc.assert(
      fc.property(spaced, (text) => {
        expect(formatEvent({ kind: 'tool_error', text })).toBe(
          `✗ tool error: ${shorten(text.replace(/\s+/g, ' ').trim(), 500)}`,
        );
      }),
    );
  });
  it('shortens a tool argument exactly as collapsing the whole text would', () => {
    fc.assert(
      fc.property(spaced, (command) => {
        const collapsed = command.replace(/\s+/g, ' ').trim();
        expect(formatEvent({ kind: 'tool_use', name: 'Bash', input: { command } })).toBe(
          `→ Bash${command === '' ? '' : ` ${shorten(collapsed, 120)}`}`,
        );
      }),
    );
  });
});
