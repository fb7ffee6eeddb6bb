/**
 * Turns stream events into the lines a person reads in the live log: Claude's text, one line per tool call (the
 * tool's name and its main argument), tool errors. Pure, so the wording is tested without a CLI.
 */
import type { StreamEvent } from './stream-json.js';
import { LOG_TEXT } from '../text/bounds.js';
import { oneLine, shorten } from '../text/text.js';
import { isoTime } from '../core/failure.js';

const MAX_ARGUMENT = 120;
const MAX_TOOL_ERROR = 500;

/** The input field that says best what a tool call does, for the tools Claude uses most. */
const MAIN_ARGUMENT: Record<string, string> = {
  Bash: 'command',
  Read: 'file_path',
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  Glob: 'pattern',
  Grep: 'pattern',
  WebFetch: 'url',
  WebSearch: 'query',
  Task: 'description',
  Agent: 'description',
  TodoWrite: 'todos',
};

export function formatEvent(event: StreamEvent): string | undefined {
  switch (event.kind) {
    case 'init':
      return `Claude Code ${event.version || '(version unknown)'} · model ${event.model || 'default'} · session ${event.sessionId}`;
    case 'text':
      return shorten(event.text.trim(), LOG_TEXT);
    case 'tool_use':
      return `→ ${event.name}${describeToolInput(event.name, event.input)}`;
    case 'tool_error':
      return `✗ tool error: ${oneLineShortened(event.text, MAX_TOOL_ERROR)}`;
    case 'api_retry':
      return `… API error${event.status ? ` ${event.status}` : ''} (${event.error}), the CLI retries (${event.attempt}/${event.maxRetries})`;
    case 'result':
      return undefined;
    case 'rate_limit': {
      const which = event.info.limitType ? ` (${event.info.limitType})` : '';
      const until = event.info.resetsAt ? ` until ${isoTime(event.info.resetsAt)}` : '';
      return `⏸ the usage limit${which} refuses requests${until}`;
    }
  }
}

function describeToolInput(name: string, input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  const key = MAIN_ARGUMENT[name] ?? Object.keys(fields)[0];
  if (key === undefined) return '';
  const value = fields[key];
  if (name === 'TodoWrite' && Array.isArray(value)) return ` (${value.length} items)`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined || text === '' ? '' : ` ${oneLineShortened(text, MAX_ARGUMENT)}`;
}

/**
 * `shorten(oneLine(text), max)` without collapsing the whole of a long text (a tool error can be megabytes of test
 * output). Collapsing a prefix gives a prefix of the collapsed whole, so once that is longer than `max` it decides.
 */
function oneLineShortened(text: string, max: number): string {
  const window = 4 * max;
  if (text.length > window) {
    const head = oneLine(text.slice(0, window));
    if (head.length > max) return shorten(head, max);
  }
  return shorten(oneLine(text), max);
}
