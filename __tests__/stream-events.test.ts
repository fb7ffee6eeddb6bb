/**
 * What each kind of line means for the live log and the state: system lines (init, API retries), Claude's text and
 * tool calls, tool errors in user lines, and lines that are not JSON objects.
 */
import { describe, expect, it } from 'vitest';
import { StreamState } from '../src/claude/stream-json.js';

const line = (message: Record<string, unknown>): string => JSON.stringify(message);
const assistant = (content: unknown[], fields: Record<string, unknown> = {}) =>
  line({ type: 'assistant', message: { content }, parent_tool_use_id: null, ...fields });
const user = (content: unknown[], fields: Record<string, unknown> = {}) =>
  line({ type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, ...fields });
const toolError = (content: unknown) => ({ type: 'tool_result', tool_use_id: 'toolu_1', content, is_error: true });
const gate = '<COMPLETION_GATE>\nready: true\nreason: done\n</COMPLETION_GATE>';

describe('system lines', () => {
  it('an init line gives the session, the model and the CLI version, and sets the session', () => {
    const state = new StreamState();
    const events = state.consume(
      line({ type: 'system', subtype: 'init', session_id: 's1', model: 'claude-x', claude_code_version: '2.1.330' }),
    );
    expect(events).toEqual([{ kind: 'init', sessionId: 's1', model: 'claude-x', version: '2.1.330' }]);
    expect(state.sessionId).toBe('s1');
  });

  it('an init line without those fields gives empty ones and keeps the session already known', () => {
    const state = new StreamState();
    state.consume(line({ type: 'system', subtype: 'init', session_id: 's1' }));
    expect(state.consume(line({ type: 'system', subtype: 'init', session_id: '', model: 7 }))).toEqual([
      { kind: 'init', sessionId: '', model: '', version: '' },
    ]);
    expect(state.sessionId).toBe('s1');
  });

  it('an api_retry line says the attempt, the limit, the HTTP status and the error', () => {
    const state = new StreamState();
    expect(
      state.consume(
        line({
          type: 'system',
          subtype: 'api_retry',
          attempt: 2,
          max_retries: 10,
          error_status: 529,
          error: 'overloaded',
        }),
      ),
    ).toEqual([{ kind: 'api_retry', attempt: 2, maxRetries: 10, status: 529, error: 'overloaded' }]);
  });

  it('an api_retry line without a status (a connection error) or with fields of the wrong kind gives neutral values', () => {
    const state = new StreamState();
    expect(
      state.consume(line({ type: 'system', subtype: 'api_retry', attempt: '2', error_status: null, error: 42 })),
    ).toEqual([{ kind: 'api_retry', attempt: 0, maxRetries: 0, status: undefined, error: '' }]);
  });

  it('other system lines mean nothing for the log', () => {
    const state = new StreamState();
    expect(state.consume(line({ type: 'system', subtype: 'hook_started', session_id: 's2' }))).toEqual([]);
    expect(state.consume(line({ type: 'system' }))).toEqual([]);
    expect(state.sessionId).toBeUndefined();
  });
});

describe("Claude's own lines", () => {
  it('an assistant line sets the session, and one without a session keeps it', () => {
    const state = new StreamState();
    state.consume(assistant([{ type: 'text', text: 'hi' }], { session_id: 's1' }));
    expect(state.sessionId).toBe('s1');
    state.consume(assistant([{ type: 'text', text: 'again' }]));
    expect(state.sessionId).toBe('s1');
  });

  it('a line without a parent_tool_use_id is top-level: its text is shown and its gate counts', () => {
    const state = new StreamState();
    const events = state.consume(line({ type: 'assistant', message: { content: [{ type: 'text', text: gate }] } }));
    expect(events).toEqual([{ kind: 'text', text: gate }]);
    expect(state.lastGate).toMatchObject({ ready: true, reason: 'done' });
  });

  it('a sub-agent’s text is not shown, but its tool calls are counted', () => {
    const state = new StreamState();
    const events = state.consume(
      assistant(
        [
          { type: 'text', text: 'sub-agent words' },
          { type: 'tool_use', name: 'Read', input: {} },
        ],
        { parent_tool_use_id: 'toolu_task' },
      ),
    );
    expect(events).toEqual([]);
    expect(state.toolCalls).toBe(1);
  });

  it('only text blocks with text are words, and only tool_use blocks with a name are tool calls', () => {
    const state = new StreamState();
    const events = state.consume(
      assistant([
        { type: 'text', text: 42 },
        { type: 'thinking', thinking: 'hmm', text: gate },
        { type: 'tool_use', input: { command: 'ls' } },
        { type: 'other_use', name: 'Bash', input: {} },
        null,
        'a bare string',
        { type: 'tool_use', name: 'Bash', input: { command: 'ls' } },
      ]),
    );
    expect(events).toEqual([{ kind: 'tool_use', name: 'Bash', input: { command: 'ls' } }]);
    expect(state.toolCalls).toBe(1);
    expect(state.lastGate).toBeUndefined();
  });

  it('a line whose message has no content list means nothing', () => {
    const state = new StreamState();
    expect(state.consume(line({ type: 'assistant', message: { content: 'text' }, parent_tool_use_id: null }))).toEqual(
      [],
    );
    expect(state.consume(line({ type: 'assistant', message: 'text', parent_tool_use_id: null }))).toEqual([]);
    expect(state.malformedLines).toBe(0);
  });
});

describe('tool errors in user lines', () => {
  it('shows a top-level tool error, also from a line without parent_tool_use_id', () => {
    const state = new StreamState();
    expect(state.consume(user([toolError('Exit code 1')]))).toEqual([{ kind: 'tool_error', text: 'Exit code 1' }]);
    expect(state.consume(line({ type: 'user', message: { content: [toolError('Exit code 2')] } }))).toEqual([
      { kind: 'tool_error', text: 'Exit code 2' },
    ]);
  });

  it('does not show a sub-agent’s tool errors', () => {
    expect(new StreamState().consume(user([toolError('Exit code 1')], { parent_tool_use_id: 'toolu_task' }))).toEqual(
      [],
    );
  });

  it('shows only tool results that are errors', () => {
    const state = new StreamState();
    expect(
      state.consume(
        user([
          { type: 'tool_result', content: 'fine', is_error: false },
          { type: 'tool_result', content: 'fine too' },
          { type: 'text', text: 'a prompt', is_error: true },
          null,
          toolError('the one'),
        ]),
      ),
    ).toEqual([{ kind: 'tool_error', text: 'the one' }]);
  });

  it('joins the text parts of a tool error with newlines, leaving out images and empty parts', () => {
    const content = [
      { type: 'text', text: 'first' },
      { type: 'image', source: { type: 'base64', data: 'AAAA' } },
      { type: 'text', text: '' },
      'a bare string',
      null,
      { type: 'text', text: 'second' },
    ];
    expect(new StreamState().consume(user([toolError(content)]))).toEqual([
      { kind: 'tool_error', text: 'first\nsecond' },
    ]);
  });

  it('an error without readable content is shown with empty text', () => {
    const state = new StreamState();
    expect(state.consume(user([toolError(42)]))).toEqual([{ kind: 'tool_error', text: '' }]);
    expect(state.consume(user([{ type: 'tool_result', is_error: true }]))).toEqual([{ kind: 'tool_error', text: '' }]);
  });
});

describe('lines that are not JSON objects', () => {
  it('counts JSON null, lists and numbers as malformed, as well as text that is not JSON', () => {
    const state = new StreamState();
    for (const text of ['null', '[1,2]', '42', 'not json', '']) expect(state.consume(text)).toEqual([]);
    expect(state.malformedLines).toBe(5);
    expect(state.lines).toBe(5);
  });

  it('does not count an object of an unknown type as malformed', () => {
    const state = new StreamState();
    expect(state.consume('{}')).toEqual([]);
    expect(state.consume(line({ type: 'rate_limit_event' }))).toEqual([]);
    expect(state.malformedLines).toBe(0);
  });
});
