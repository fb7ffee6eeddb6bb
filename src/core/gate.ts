/**
 * The COMPLETION_GATE parser: how Claude tells the loop whether the task is done (`ready`, `reason`, `progress`,
 * `blockers`, one per line between the tags; `formatGate` writes one). Pure, linear in time on any input (one split
 * at the end tags, one pass over the lines, no regular expressions), and never throws: a garbled block is no gate.
 */

export const GATE_START = '<COMPLETION_GATE>';
export const GATE_END = '</COMPLETION_GATE>';

export interface Gate {
  ready: boolean;
  reason?: string;
  progress?: string;
  blockers?: string[];
  /** Keys the protocol does not define, kept as Claude wrote them. */
  extra: Record<string, unknown>;
}

/** The last complete, well-formed gate anywhere in `text`, or undefined when there is none. */
export function parseGate(text: string): Gate | undefined {
  const blocks = findBlocks(text);
  // Later blocks win; a garbled one does not hide the valid one before it.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const { from, to } = blocks[i];
    const gate = parseGateBody(text.slice(from, to));
    if (gate) return gate;
  }
  return undefined;
}

/**
 * The gate that ends `text`, or undefined. Claude is told to print its gate as the very last thing of its reply; a
 * gate with more text after it is one it quoted (from a file, the docs, its plan), not its verdict. After the end tag
 * only whitespace may follow, or a closing code fence when a fence was opened just before the start tag. There is
 * no falling back to an earlier block: if the last block does not end the text, nothing does.
 */
export function parseFinalGate(text: string): Gate | undefined {
  const last = findBlocks(text).at(-1);
  if (last === undefined) return undefined;
  const { from, to } = last;
  const after = text.slice(to + GATE_END.length).trim();
  if (after !== '' && !closesFence(after, lastLine(text.slice(0, from - GATE_START.length)))) return undefined;
  return parseGateBody(text.slice(from, to));
}

/**
 * `text` without the gate that ends it (the block `parseFinalGate` reads, with the code fence around it, if any):
 * Claude's final words for a reader. Text that a gate does not end comes back as it is.
 */
export function withoutFinalGate(text: string): string {
  const last = findBlocks(text).at(-1);
  if (last === undefined) return text;
  const before = text.slice(0, last.from - GATE_START.length);
  const after = text.slice(last.to + GATE_END.length).trim();
  const opening = lastLine(before);
  if (after !== '' && !closesFence(after, opening)) return text;
  const kept = after === '' ? before : before.trimEnd().slice(0, -opening.length);
  return kept.trimEnd();
}

/** Whether `closing` is a fence that closes the one `opening` opens: the marker alone, same character, no shorter. */
function closesFence(closing: string, opening: string): boolean {
  const open = fenceMarker(opening);
  const close = fenceMarker(closing);
  return open !== undefined && close === closing && close[0] === open[0] && close.length >= open.length;
}

/** The run of three or more backticks or tildes that starts `line`, or undefined when it is not a fence. */
function fenceMarker(line: string): string | undefined {
  const char = line[0];
  if (char !== '`' && char !== '~') return undefined;
  let end = 1;
  while (line[end] === char) end++;
  return end >= 3 ? line.slice(0, end) : undefined;
}

/** The last non-blank line of `text`, trimmed. */
function lastLine(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.slice(trimmed.lastIndexOf('\n') + 1).trim();
}

/**
 * Content spans of every complete block: each end tag closes the nearest start tag before it, if one comes after the
 * end tag before it. So a start tag followed by another start tag before any end tag is unclosed and skipped (pairing
 * the first start tag of the whole text with every end tag would return the wrong block), and so is one that no end
 * tag follows.
 */
function findBlocks(text: string): Array<{ from: number; to: number }> {
  const blocks: Array<{ from: number; to: number }> = [];
  let offset = 0;
  // Every piece but the last is followed by an end tag.
  for (const piece of text.split(GATE_END).slice(0, -1)) {
    const start = piece.lastIndexOf(GATE_START);
    if (start !== -1) blocks.push({ from: offset + start + GATE_START.length, to: offset + piece.length });
    offset += piece.length + GATE_END.length;
  }
  return blocks;
}

/** A gate from the text between the tags; undefined when it does not say `ready`. */
export function parseGateBody(body: string): Gate | undefined {
  const content = body.trim();
  if (content.startsWith('{')) {
    const fromJson = gateFromJson(content);
    if (fromJson) return fromJson;
  }
  return gateFromLines(body);
}

/** A gate being read: `ready` is unset until its key is seen. */
type GateDraft = Partial<Gate> & Pick<Gate, 'extra'>;

/** The gate, when the draft has read its `ready`. */
function finished(gate: GateDraft): Gate | undefined {
  return gate.ready === undefined ? undefined : { ready: gate.ready, ...gate };
}

/** `content` starts with `{`: when it parses at all, it is an object. */
function gateFromJson(content: string): Gate | undefined {
  const value = parseJson(content) as Record<string, unknown> | undefined;
  if (value === undefined) return undefined;
  const gate: GateDraft = { extra: {} };
  for (const [rawKey, field] of Object.entries(value)) {
    const key = rawKey.trim().toLowerCase();
    if (key === 'ready') {
      gate.ready = isTruthy(field);
    } else if (key === 'reason' || key === 'progress') {
      gate[key] = typeof field === 'string' ? field : JSON.stringify(field);
    } else if (key === 'blockers') {
      gate.blockers = realBlockers(toStringList(field));
    } else {
      gate.extra[key] = field;
    }
  }
  return finished(gate);
}

/** Keys whose value is one string: empty, they are empty, not the start of a list. */
const SCALAR_KEYS = new Set(['ready', 'reason', 'progress']);

/** A key whose value goes on in the lines below it: YAML list items, or the lines of a block scalar. */
type OpenValue =
  { kind: 'list'; key: string; items: string[] } | { kind: 'block'; key: string; folded: boolean; lines: string[] };

/**
 * `key: value` lines, read as a small YAML subset. Only a line at the body's own indentation (that of its first
 * non-blank line) is a key, so text nested under a key can never set `ready`. Nested lines are list items (`- x`)
 * under a key with an empty value, or the lines of a block scalar (`>` folds them with spaces, `|` keeps the
 * newlines), and are ignored anywhere else. List items at the key's own indentation are read too, as YAML does.
 */
function gateFromLines(body: string): Gate | undefined {
  const gate: GateDraft = { extra: {} };
  let topIndent: number | undefined;
  let open: OpenValue | undefined;

  const closeOpenValue = (): void => {
    if (open?.kind === 'list') {
      if (open.key === 'blockers') gate.blockers = realBlockers(open.items);
      else gate.extra[open.key] = open.items;
    } else if (open?.kind === 'block') {
      setKey(gate, open.key, open.folded ? foldLines(open.lines) : literalLines(open.lines), true);
    }
    open = undefined;
  };

  for (const rawLine of body.split('\n')) {
    const line = rawLine.trim();
    if (line === '') {
      if (open?.kind === 'block' && open.lines.length > 0) open.lines.push('');
      continue;
    }
    topIndent ??= indentation(rawLine);
    if (open?.kind === 'list' && line.startsWith('-')) {
      open.items.push(unquote(line.slice(1)));
      continue;
    }
    // Deeper than the keys: never a key, whatever it says.
    if (indentation(rawLine) > topIndent) {
      if (open?.kind === 'block') open.lines.push(rawLine.trimEnd());
      continue;
    }
    closeOpenValue();
    open = keyLine(gate, line);
  }
  closeOpenValue();
  return finished(gate);
}

/** A line at the keys' indentation: a key and its value, or a key whose list or block scalar the next lines hold. */
function keyLine(gate: GateDraft, line: string): OpenValue | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  const key = line.slice(0, colon).trim().toLowerCase();
  const value = line.slice(colon + 1).trim();
  if (isBlockScalarHeader(value)) return { kind: 'block', key, folded: value[0] === '>', lines: [] };
  if (value === '' && !SCALAR_KEYS.has(key)) return { kind: 'list', key, items: [] };
  setKey(gate, key, value, false);
  return undefined;
}

/**
 * Sets one top-level key from the text after its colon, or from the text of its block scalar (`fromBlock`), which is
 * taken as it is: no quotes to strip, no JSON to read.
 */
function setKey(gate: GateDraft, key: string, value: string, fromBlock: boolean): void {
  const text = fromBlock ? value : unquote(value);
  switch (key) {
    case 'ready':
      gate.ready = isTruthy(text);
      break;
    case 'reason':
    case 'progress':
      gate[key] = text;
      break;
    case 'blockers':
      gate.blockers = realBlockers((fromBlock ? undefined : parseJsonStringList(value)) ?? [text]);
      break;
    default:
      gate.extra[key] = (fromBlock ? undefined : parseJson(value)) ?? text;
  }
}

/** `>` or `|`, with an optional chomping indicator: the value is in the more indented lines that follow. */
function isBlockScalarHeader(value: string): boolean {
  return (
    (value[0] === '>' || value[0] === '|') && (value.length === 1 || (value.length === 2 && '+-'.includes(value[1])))
  );
}

/** A folded block scalar: lines joined with spaces; a blank line between them becomes a newline. */
function foldLines(lines: string[]): string {
  const parts: string[] = [];
  let blankBefore = false;
  for (const line of lines) {
    const content = line.trim();
    if (content === '') {
      blankBefore = true;
      continue;
    }
    if (parts.length > 0) parts.push(blankBefore ? '\n' : ' ');
    parts.push(content);
    blankBefore = false;
  }
  return parts.join('');
}

/** A literal block scalar: newlines kept, the indentation of its first line taken off every line. */
function literalLines(lines: string[]): string {
  const indent = lines.length > 0 ? indentation(lines[0]) : 0;
  return lines
    .map((line) => line.slice(Math.min(indent, indentation(line))))
    .join('\n')
    .trimEnd();
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

function isTruthy(value: unknown): boolean {
  if (value === true || value === 1) return true;
  if (typeof value !== 'string') return false;
  const lower = value.trim().toLowerCase();
  return lower === 'true' || lower === 'yes' || lower === '1';
}

/** Blockers as strings; `null` becomes `"null"`, a placeholder that is then dropped. */
function toStringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}

/**
 * What Claude writes when there is nothing in the way. Kept out of `blockers`, so that the reports say "None
 * reported" and the breaker never sees `none` as the same error repeated.
 */
const PLACEHOLDERS = new Set(['', 'none', 'n/a', 'na', '-', '~', 'nothing', 'null']);
const TRAILING_PUNCTUATION = '.,;:!?';

function realBlockers(blockers: string[]): string[] {
  return blockers.filter((blocker) => !isPlaceholder(blocker));
}

/** Empty, or a placeholder word in any case, whatever punctuation follows it (`None.`, `N/A!`). */
function isPlaceholder(blocker: string): boolean {
  const word = blocker.trim().toLowerCase();
  let end = word.length;
  while (end > 0 && TRAILING_PUNCTUATION.includes(word.charAt(end - 1))) end--;
  return PLACEHOLDERS.has(word.slice(0, end));
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonStringList(value: string): string[] | undefined {
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? toStringList(parsed) : undefined;
}

/** Strips one pair of surrounding quotes; a double-quoted value is read as a JSON string when it is one. */
export function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2) {
    const first = value[0];
    const last = value[value.length - 1];
    if (first === '"' && last === '"') {
      const parsed = parseJson(value);
      return typeof parsed === 'string' ? parsed : value.slice(1, -1);
    }
    if (first === "'" && last === "'") return value.slice(1, -1);
  }
  return value;
}

/** The block Claude is asked to print; also what the round-trip tests feed back to the parser. */
export function formatGate(gate: Pick<Gate, 'ready' | 'reason' | 'progress' | 'blockers'>): string {
  const lines = [GATE_START, `ready: ${gate.ready}`];
  if (gate.reason !== undefined) lines.push(`reason: ${JSON.stringify(gate.reason)}`);
  if (gate.progress !== undefined) lines.push(`progress: ${JSON.stringify(gate.progress)}`);
  if (gate.blockers !== undefined) lines.push(`blockers: ${JSON.stringify(gate.blockers)}`);
  lines.push(GATE_END);
  return lines.join('\n');
}
