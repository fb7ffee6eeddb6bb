/**
 * Folds the CLI's stream-json output (one JSON object per line) into the little that the loop and the reports need.
 * Pure and incremental: feed it one line at a time; it keeps counters and the last of each thing, never the
 * transcript, so memory stays flat however long an iteration runs.
 */
import { parseFinalGate, GATE_START, type Gate } from '../core/gate.js';
import { isUsageLimitText, usageLimitReset } from '../core/failure.js';
import type { RateLimitInfo, ResultInfo, StreamSummary, TokenUsage } from '../core/iteration-run.js';
import { noTokens } from '../core/outcome.js';

/** What one line means for the live log. */
export type StreamEvent =
  | { kind: 'init'; sessionId: string; model: string; version: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; name: string; input: unknown }
  | { kind: 'tool_error'; text: string }
  | { kind: 'api_retry'; attempt: number; maxRetries: number; status: number | undefined; error: string }
  | { kind: 'result'; result: ResultInfo }
  | { kind: 'rate_limit'; info: RateLimitInfo };

const NONE: readonly StreamEvent[] = Object.freeze([]);
/** From this share of a usage limit on, the loop warns that the limit is near. */
export const USAGE_WARNING_UTILIZATION = 0.8;
const NON_BLANK = /\S/;

/** How the CLI (JSON.stringify) starts a user line: the tool results, which make up most of a transcript's bytes. */
const USER_LINE_START = Buffer.from('{"type":"user"');
/**
 * The key `"is_error"` is found by its end, `_error"`, and then checked for its start: a search starts with the
 * first byte of what it looks for, and an underscore is far rarer in a transcript than a quote (BENCHMARKS.md,
 * "three searches made cheaper").
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
  /** Over all result lines: each line's `model_usage_since_last_result` when it counts tokens, else its `usage`. */
  tokens: TokenUsage = noTokens();
  usageLimit: RateLimitInfo | undefined;
  usageWarning: RateLimitInfo | undefined;
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
      case 'rate_limit_event': {
        const event = this.onRateLimit(message.rate_limit_info);
        return event ? [event] : NONE;
      }
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

  /**
   * `rate_limit_event` (2.1.330): `{status: allowed | allowed_warning | rejected, resetsAt: <unix s>, rateLimitType,
   * utilization?: 0–1, isUsingOverage, …}`. A rejected limit that overage (extra usage) covers refuses nothing.
   */
  private onRateLimit(value: unknown): StreamEvent | undefined {
    const info = rateLimitInfo(value);
    if (info === undefined) return undefined;
    if (info.rejected) {
      this.usageLimit = info;
      return { kind: 'rate_limit', info };
    }
    const used = info.utilization ?? 0;
    if (used >= USAGE_WARNING_UTILIZATION && used > (this.usageWarning?.utilization ?? 0)) {
      this.usageWarning = info;
    }
    return undefined;
  }

  /**
   * The CLI's `usage_limit_reached` error, on its synthetic assistant line and on the result line (an error, so its
   * words are the CLI's, never Claude's).
   */
  private onUsageLimitError(message: Record<string, unknown>, text: string): void {
    const params = isRecord(message.api_error_params) ? message.api_error_params : {};
    const fromParams = rateLimitInfo(params.rate_limit_info);
    const byCode = message.api_error === 'usage_limit_reached';
    // The `|<epoch>` and "resets 8:14pm (UTC)" texts (older CLIs say only these).
    const byText = isUsageLimitText(text);
    if (!byCode && !byText && !fromParams?.rejected) return;
    this.usageLimit = {
      rejected: true,
      resetsAt: fromParams?.resetsAt ?? this.usageLimit?.resetsAt ?? usageLimitReset(text),
      limitType: fromParams?.limitType ?? this.usageLimit?.limitType,
      utilization: fromParams?.utilization ?? this.usageLimit?.utilization,
    };
  }

  private onAssistant(message: Record<string, unknown>): readonly StreamEvent[] {
    const sessionId = str(message.session_id);
    if (sessionId) this.sessionId = sessionId;
    // The CLI's own error message: a `<synthetic>` model, flagged as an API error (2.1.330) or not (older CLIs).
    const inner = isRecord(message.message) ? message.message : {};
    const synthetic =
      inner.model === '<synthetic>' ||
      message.api_error !== undefined ||
      message.error !== undefined ||
      message.is_api_error_message === true;
    if (synthetic) {
      const text = contentBlocks(message)
        .map((block) => (typeof block.text === 'string' ? block.text : ''))
        .join('\n');
      this.onUsageLimitError(message, text);
    }
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
      apiError: str(message.api_error),
    };
    if (result.sessionId) this.sessionId = result.sessionId;
    if (result.isError) this.onUsageLimitError(message, result.text);
    this.addTokens(message);
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

  private addTokens(message: Record<string, unknown>): void {
    const sinceLast = isRecord(message.model_usage_since_last_result)
      ? Object.values(message.model_usage_since_last_result).filter(isRecord)
      : [];
    const counted = sinceLast.filter(
      (usage) => isFiniteNumber(usage.inputTokens) || isFiniteNumber(usage.outputTokens),
    );
    if (counted.length > 0) {
      for (const usage of counted) {
        this.tokens.input += count(usage.inputTokens);
        this.tokens.output += count(usage.outputTokens);
        this.tokens.cacheRead += count(usage.cacheReadInputTokens);
        this.tokens.cacheCreation += count(usage.cacheCreationInputTokens);
      }
      return;
    }
    if (!isRecord(message.usage)) return;
    this.tokens.input += count(message.usage.input_tokens);
    this.tokens.output += count(message.usage.output_tokens);
    this.tokens.cacheRead += count(message.usage.cache_read_input_tokens);
    this.tokens.cacheCreation += count(message.usage.cache_creation_input_tokens);
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

/** A token count: a finite, non-negative number, else 0. */
function count(value: unknown): number {
  return isFiniteNumber(value) && value >= 0 ? value : 0;
}

/** The CLI's `rate_limit_info`, read field by field; undefined when it has no status. */
function rateLimitInfo(value: unknown): RateLimitInfo | undefined {
  if (!isRecord(value) || typeof value.status !== 'string') return undefined;
  const windows = isRecord(value.unifiedWindows) ? Object.values(value.unifiedWindows).filter(isRecord) : [];
  const windowUse = windows.map((window) => window.utilization).filter(isFiniteNumber);
  const utilization = isFiniteNumber(value.utilization)
    ? value.utilization
    : windowUse.length > 0
      ? Math.max(...windowUse)
      : undefined;
  return {
    rejected: value.status === 'rejected' && value.isUsingOverage !== true,
    resetsAt: isFiniteNumber(value.resetsAt) && value.resetsAt > 0 ? value.resetsAt * 1000 : undefined,
    limitType: str(value.rateLimitType),
    utilization,
  };
}

function isFiniteNumber(value: unknown): value is number {
  return Number.isFinite(value);
}
