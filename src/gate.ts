/**
 * The COMPLETION_GATE parser: how Claude tells the loop whether the task is done.
 *
 *   <COMPLETION_GATE>
 *   ready: true|false
 *   reason: "why"
 *   progress: "what was accomplished"
 *   blockers: ["what stands in the way", "..."]
 *   </COMPLETION_GATE>
 *
 * Pure: text in, value out. Runs in linear time on any input (indexOf scans that only move forward, no regular
 * expressions), and never throws: an unclosed or garbled block is simply not a gate.
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

/** The last complete, well-formed gate in `text`, or undefined when there is none. */
export function parseGate(text: string): Gate | undefined {
  const blocks = findBlocks(text);
  // Later blocks win; a garbled one does not hide the valid one before it.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const [from, to] = blocks[i];
    const gate = parseGateBody(text.slice(from, to));
    if (gate) return gate;
  }
  return undefined;
}

/**
 * Content spans of every complete block. A start tag that is followed by another start tag before any end tag is
 * unclosed and skipped, so each block is paired with its nearest start tag (the seed paired the first start tag of
 * the whole text with every end tag, which returned the wrong block).
 */
function findBlocks(text: string): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  let start = text.indexOf(GATE_START);
  while (start >= 0) {
    const end = text.indexOf(GATE_END, start + GATE_START.length);
    if (end < 0) break;
    let next = text.indexOf(GATE_START, start + GATE_START.length);
    while (next >= 0 && next < end) {
      start = next;
      next = text.indexOf(GATE_START, start + GATE_START.length);
    }
    blocks.push([start + GATE_START.length, end]);
    start = next;
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
  return gateFromLines(content);
}

function gateFromJson(content: string): Gate | undefined {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const gate: Gate = { ready: false, extra: {} };
  let sawReady = false;
  for (const [rawKey, field] of Object.entries(value as Record<string, unknown>)) {
    const key = rawKey.trim().toLowerCase();
    if (key === 'ready') {
      sawReady = true;
      gate.ready = isTruthy(field);
    } else if (key === 'reason' || key === 'progress') {
      gate[key] = typeof field === 'string' ? field : JSON.stringify(field);
    } else if (key === 'blockers') {
      gate.blockers = toStringList(field);
    } else {
      gate.extra[key] = field;
    }
  }
  return sawReady ? gate : undefined;
}

/**
 * `key: value` lines. A key with an empty value followed by YAML list lines (`- item`) takes those items as a list.
 * Lines that are neither are ignored.
 */
function gateFromLines(content: string): Gate | undefined {
  const gate: Gate = { ready: false, extra: {} };
  let sawReady = false;
  let listKey: string | undefined;
  let list: string[] = [];

  const closeList = (): void => {
    if (listKey === undefined) return;
    if (listKey === 'blockers') gate.blockers = list;
    else gate.extra[listKey] = list;
    listKey = undefined;
    list = [];
  };

  for (const rawLine of content.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (listKey !== undefined && line.startsWith('-')) {
      list.push(unquote(line.slice(1)));
      continue;
    }
    closeList();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case 'ready':
        sawReady = true;
        gate.ready = isTruthy(unquote(value));
        break;
      case 'reason':
      case 'progress':
        gate[key] = unquote(value);
        break;
      case 'blockers':
        if (value === '') {
          listKey = key;
          gate.blockers = [];
        } else {
          gate.blockers = parseJsonStringList(value) ?? [unquote(value)];
        }
        break;
      default:
        if (value === '') listKey = key;
        else gate.extra[key] = parseJson(value) ?? unquote(value);
    }
  }
  closeList();
  return sawReady ? gate : undefined;
}

function isTruthy(value: unknown): boolean {
  if (value === true || value === 1) return true;
  if (typeof value !== 'string') return false;
  const lower = value.trim().toLowerCase();
  return lower === 'true' || lower === 'yes' || lower === '1';
}

function toStringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  if (value === null || value === undefined) return [];
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonStringList(value: string): string[] | undefined {
  if (!value.startsWith('[')) return undefined;
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
