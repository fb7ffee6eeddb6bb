/**
 * Folds the CLI's stream-json output (one JSON object per line) into the little that the loop and the reports need.
 * Pure and incremental: feed it one line at a time; it keeps counters and the last of each thing, never the
 * transcript, so memory stays flat however long an iteration runs.
 */
import { parseFinalGate, GATE_START, type Gate } from '../core/gate.js';
import type { ResultInfo, StreamSummary } from '../core/iteration-run.js';

/** What one line means for the live log. */
export type StreamEvent =
  | { kind: 'init'; sessionId: string; model: string; version: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; name: string; input: unknown }
  | { kind: 'tool_error'; text: string }
  | { kind: 'api_retry'; attempt: number; maxRetries: number; status: number | undefined; error: string }
  | { kind: 'result'; result: ResultInfo };

const NONE: readonly StreamEvent[] = Object.freeze([]);
const NON_BLANK = /\S/;

/** How the CLI (JSON.stringify) starts a user line: the tool results, which make up most of a transcript's bytes. */
const USER_LINE_START = Buffer.from('{"type":"user"');
/**
 * The key `"is_error"` is found by its end, `_error"`, and then checked for its start: a search starts with the
 * first byte of what it looks for, and an underscore is far rarer in a transcript than a quote (twice as fast on
 * the benchmark's stream, which is full of both).
 */
const IS_ERROR_END = Buffer.from('_error"');
const IS_ERROR_START = Buffer.from('"is');
/** The bytes JSON allows between tokens: space, tab, line feed, carriage return. */
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export class StreamState implements StreamSummary {
  sessionId: string | undefined;
  /** The gate that ends Claude's own top-level reply so far (no text or tool call after it), if there is one. */
  lastGate: Gate | undefined;
  /** The last result line: it says how the run ended. */
  result: ResultInfo | undefined;
  /** A run prints more than one result line when a background sub-agent wakes Claude up again. */
  resultLines = 0;
  /** Turns over all result lines. */
  turns = 0;
  lines = 0;
  malformedLines = 0;
  toolCalls = 0;
  /** Tool calls denied by the permission mode, by tool name, each call counted once over all result lines. */
  deniedTools: Record<string, number> = {};
  /** Cost fields that were not a finite, non-negative number: ignored, and said in the log. */
  invalidCosts: string[] = [];
  private readonly deniedCallIds = new Set<string>();
  /** Newer CLIs: the sum of each result line's `model_usage_since_last_result`. */
  private costSinceLastResults: number | undefined;
  /** Older CLIs: `total_cost_usd` of the last result line, which covers the whole run. */
  private lastTotalCost: number | undefined;

  /**
   * The same as `consume(line.toString('utf8'))`, except that a user line with no `"is_error": true` in it is
   * neither decoded nor parsed: it can mean nothing (only tool errors in user lines do), and such lines are most of
   * the bytes a session writes. It still counts as a line, not as a malformed one even if it were.
   */
  consumeBytes(line: Buffer): readonly StreamEvent[] {
    if (isQuietUserLine(line)) {
      this.lines += 1;
      return NONE;
    }
    return this.consume(line.toString('utf8'));
  }

  /** Consumes one line; returns what it means for the log (nothing for lines the log does not show). */
  consume(line: string): readonly StreamEvent[] {
    this.lines += 1;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      // Not JSON: `message` stays undefined, and the line counts as malformed below.
    }
    if (!isRecord(message)) {
      this.malformedLines += 1;
      return NONE;
    }
    switch (message.type) {
      case 'system': {
        const event = this.onSystem(message);
        return event ? [event] : NONE;
      }
      case 'assistant':
        return this.onAssistant(message);
      case 'user':
        return onUser(message);
      case 'result':
        return [this.onResult(message)];
      default:
        return NONE;
    }
  }

  private onSystem(message: Record<string, unknown>): StreamEvent | undefined {
    if (message.subtype === 'init') {
      const sessionId = str(message.session_id);
      if (sessionId) this.sessionId = sessionId;
      return {
        kind: 'init',
        sessionId: sessionId ?? '',
        model: str(message.model) ?? '',
        version: str(message.claude_code_version) ?? '',
      };
    }
    if (message.subtype === 'api_retry') {
      return {
        kind: 'api_retry',
        attempt: num(message.attempt),
        maxRetries: num(message.max_retries),
        status: typeof message.error_status === 'number' ? message.error_status : undefined,
        error: str(message.error) ?? '',
      };
    }
    return undefined;
  }

  private onAssistant(message: Record<string, unknown>): readonly StreamEvent[] {
    const sessionId = str(message.session_id);
    if (sessionId) this.sessionId = sessionId;
    // A sub-agent's messages carry the id of the Task call that started them: they are not Claude's own word.
    const topLevel = message.parent_tool_use_id === null || message.parent_tool_use_id === undefined;
    const events: StreamEvent[] = [];
    // The CLI prints one content block per line; older ones put several in one line, so walk them all.
    for (const block of contentBlocks(message)) {
      if (block.type === 'text' && typeof block.text === 'string') {
        if (!topLevel) continue;
        // Claude's verdict is the gate that ends its own text: any later word of it (tool calls aside) takes it back.
        if (NON_BLANK.test(block.text)) {
          this.lastGate = block.text.includes(GATE_START) ? parseFinalGate(block.text) : undefined;
        }
        events.push({ kind: 'text', text: block.text });
      } else if (block.type === 'tool_use' && typeof block.name === 'string') {
        this.toolCalls += 1;
        if (!topLevel) continue;
        // A tool call after the gate means the reply went on: a run cut short there (turn cap, budget) never
        // finished it, so the gate is not its last word.
        this.lastGate = undefined;
        events.push({ kind: 'tool_use', name: block.name, input: block.input });
      }
    }
    return events;
  }

  /**
   * This run's own cost over all its result lines. Newer CLIs (2.1.2xx and later) report `total_cost_usd`
   * cumulatively over a resumed session and each line's own share in `model_usage_since_last_result` (the second
   * line after a background sub-agent has `{}` there); older ones report the run's cost in `total_cost_usd`.
   */
  get costUsd(): number {
    return this.costSinceLastResults ?? this.lastTotalCost ?? 0;
  }

  private onResult(message: Record<string, unknown>): StreamEvent {
    const result: ResultInfo = {
      subtype: str(message.subtype) ?? 'unknown',
      isError: message.is_error === true,
      apiErrorStatus: typeof message.api_error_status === 'number' ? message.api_error_status : undefined,
      text: resultText(message),
      sessionId: str(message.session_id),
      turns: num(message.num_turns),
    };
    if (result.sessionId) this.sessionId = result.sessionId;
    this.result = result;
    this.resultLines += 1;
    this.turns += result.turns;
    this.addCost(message);
    this.addDenials(message.permission_denials);
    return { kind: 'result', result };
  }

  private addCost(message: Record<string, unknown>): void {
    const sinceLast = message.model_usage_since_last_result;
    if (isRecord(sinceLast)) {
      let sum = 0;
      for (const [model, usage] of Object.entries(sinceLast)) {
        if (isRecord(usage) && usage.costUSD !== undefined) sum += this.validCost(usage.costUSD, `costUSD of ${model}`);
      }
      this.costSinceLastResults = (this.costSinceLastResults ?? 0) + sum;
    } else if (message.total_cost_usd !== undefined) {
      this.lastTotalCost = this.validCost(message.total_cost_usd, 'total_cost_usd');
    }
  }

  private validCost(value: unknown, field: string): number {
    if (isFiniteNumber(value) && value >= 0) return value;
    this.invalidCosts.push(`${field} ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`);
    return 0;
  }

  private addDenials(denials: unknown): void {
    if (!Array.isArray(denials)) return;
    for (const denial of denials) {
      if (!isRecord(denial)) continue;
      const tool = str(denial.tool_name) ?? 'unknown tool';
      const id = str(denial.tool_use_id);
      if (id !== undefined) {
        // A later result line may list the same denial again.
        if (this.deniedCallIds.has(id)) continue;
        this.deniedCallIds.add(id);
      }
      this.deniedTools[tool] = (this.deniedTools[tool] ?? 0) + 1;
    }
  }
}

/** Tool output is never searched for a gate: it can hold any text from the repository. Only errors are logged. */
function onUser(message: Record<string, unknown>): readonly StreamEvent[] {
  if (message.parent_tool_use_id !== null && message.parent_tool_use_id !== undefined) return NONE;
  const events: StreamEvent[] = [];
  for (const block of contentBlocks(message)) {
    if (block.type === 'tool_result' && block.is_error === true) {
      events.push({ kind: 'tool_error', text: toolResultText(block.content) });
    }
  }
  return events;
}

/**
 * A line that starts the way the CLI starts a user line and has nowhere the bytes `"is_error"`, a colon and a value
 * starting with `t`. A tool error is a real `"is_error":true` key, which JSON.stringify writes as those very bytes;
 * text inside a string can only add false alarms (its quotes are escaped), and a false alarm just means parsing.
 */
function isQuietUserLine(line: Buffer): boolean {
  if (line.length < USER_LINE_START.length) return false;
  if (line.compare(USER_LINE_START, 0, USER_LINE_START.length, 0, USER_LINE_START.length) !== 0) return false;
  for (let at = line.indexOf(IS_ERROR_END); at !== -1; at = line.indexOf(IS_ERROR_END, at + IS_ERROR_END.length)) {
    const keyStart = at - IS_ERROR_START.length;
    if (line.compare(IS_ERROR_START, 0, IS_ERROR_START.length, keyStart, at) !== 0) continue;
    let next = skipJsonSpace(line, at + IS_ERROR_END.length);
    if (line[next] !== 0x3a /* : */) continue;
    next = skipJsonSpace(line, next + 1);
    if (line[next] === 0x74 /* t */) return false;
  }
  return true;
}

/** Past the end of the line, `line[at]` is undefined, which is no space either. */
function skipJsonSpace(line: Buffer, from: number): number {
  let at = from;
  while (JSON_SPACE.has(line[at])) at++;
  return at;
}

function resultText(message: Record<string, unknown>): string {
  if (typeof message.result === 'string') return message.result;
  if (Array.isArray(message.errors)) return message.errors.filter((e) => typeof e === 'string').join('; ');
  return '';
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
      .filter((text) => text !== '')
      .join('\n');
  }
  return '';
}

function contentBlocks(message: Record<string, unknown>): Array<Record<string, unknown>> {
  const inner = message.message;
  // Stryker disable next-line ArrayDeclaration: the callers only look at blocks that are records, and the mutant's string is none
  if (!isRecord(inner) || !Array.isArray(inner.content)) return [];
  return inner.content.filter(isRecord);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number {
  return isFiniteNumber(value) ? value : 0;
}

function isFiniteNumber(value: unknown): value is number {
  return Number.isFinite(value);
}
