/**
 * The one door for untrusted text (from Claude, a tool, the CLI, the repository or a restored cache) on its way out:
 * `Secrets` replaces secrets by `***`, also a piece of one cut at a text's edge; `LogDoor` keeps a log line from being
 * read as a workflow command; the `markdown…` helpers keep HTML, @-mentions, remote images and break-outs out of a
 * summary, issue or comment; `terminalText` keeps escape sequences from a terminal. Pure but for `LogDoor`.
 */
import { randomBytes } from 'node:crypto';
import { NeedleGate, SecretBytes } from './secret-bytes.js';
import { oneLine, shorten, windows } from './text.js';
import { MIN_WRAPPED_FORM, WrappedBase64 } from './wrapped-base64.js';

export { SecretBytes };

export const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);

/**
 * The shortest piece of a secret that a cut can leave behind and that is still redacted. Shorter pieces carry too
 * little of the secret to matter, and redacting them would blank out ordinary words that happen to share a prefix.
 */
export const MIN_PARTIAL_SECRET = 6;

/**
 * Shorter values are not redacted: a dummy key such as `x` would blank out every x of every text. The runner still
 * masks them in the log.
 */
export const MIN_SECRET_LENGTH = 8;

/** Text waiting for the end of the event loop's turn is written at once when it reaches this length. */
const MAX_PENDING_LOG = 64 * 1024;

/** The ellipsis `shorten` leaves where it cut: a secret cut there is followed by it. */
const CUT_MARK = '…';

export class Secrets {
  /** Longest first, so that a secret containing another is replaced whole. */
  private values: readonly string[] = [];
  private needles: readonly SecretBytes[] = [];
  /** Every form of every secret as bytes, for a search that joins lines itself (the secret guard's scanner). */
  private allNeedles: readonly SecretBytes[] = [];
  /** Base64 forms long enough to be cut into lines: found by their matcher, wrapped or not. */
  private wrapped: readonly WrappedBase64[] = [];
  private readonly wrappedForms = new Set<string>();
  /** Says in one pass over a chunk whether any needle or wrapped form may be in it (nearly always: no). */
  private gate = new NeedleGate([]);
  /** Every run of MIN_PARTIAL_SECRET characters in a secret: what a piece of one must start and end with. */
  private readonly pieceEdges = new Set<string>();

  constructor(values: Iterable<string | undefined>) {
    this.add(...values);
  }

  /**
   * More secrets, known from now on to every user of this object: a value the run makes up (a stand-in token) is
   * redacted like the ones the action started with. Stream redactors made before keep the secrets they were made with.
   */
  add(...values: Array<string | undefined>): void {
    const unique = new Set<string>(this.values);
    const wrappedForms = this.wrappedForms;
    for (const value of values) {
      // A secret saved with a newline or blanks around it shows without them too (in JSON, after a `trim()`): the
      // blanks are no secret, so the value without them is what is redacted.
      const secret = value?.trim();
      if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
      unique.add(secret);
      // As the runner's masker does: a secret inside base64 (actions/checkout keeps the token in .git/config as
      // base64 of "x-access-token:TOKEN", which `git config -l` prints) at each of the three byte offsets.
      for (const encoded of base64Forms(secret)) {
        unique.add(encoded);
        if (encoded.length >= MIN_WRAPPED_FORM) wrappedForms.add(encoded);
      }
    }
    this.values = [...unique].sort((a, b) => b.length - a.length);
    // Streams search the wrapped forms by their matcher alone: it finds them unwrapped as well.
    this.needles = this.values
      .filter((value) => !wrappedForms.has(value))
      .map((value) => new SecretBytes(Buffer.from(value)));
    this.allNeedles = this.values.map((value) => new SecretBytes(Buffer.from(value)));
    this.wrapped = [...wrappedForms].map((form) => new WrappedBase64(form));
    this.gate = new NeedleGate([...this.needles, ...this.wrapped.flatMap((form) => form.anchorNeedles)]);
    for (const value of this.values) for (const piece of windows(value, MIN_PARTIAL_SECRET)) this.pieceEdges.add(piece);
  }

  /**
   * Every whole secret, and a piece of one (at least `MIN_PARTIAL_SECRET` characters) where a cut left it: the end
   * of a secret at the start of the text (a tail of a longer output), or the start of one at the end of the text or
   * just before a `…` (a shortened text).
   */
  redact(text: string): string {
    let result = text;
    for (const secret of this.values) {
      result = result.replaceAll(secret, REDACTED);
    }
    if (this.wrapped.some((form) => form.mayBeIn(result))) {
      result = replaceSecrets(Buffer.from(result), [], this.wrapped, undefined).toString();
    }
    // A cut leaves a piece at the start (a tail of a longer output), at the end, or before a `…` (`shorten`). A text
    // without a `…` that neither starts nor ends with characters of a secret has none (nearly every log line): it
    // is spared the search for each secret's pieces, which cost more than the rest of logging a transcript.
    // Stryker disable ConditionalExpression,BlockStatement: without the shortcut the search below finds nothing more;
    // the mutants that take it more often are caught by the tests (checked by hand)
    if (
      !result.includes(CUT_MARK) &&
      !this.pieceEdges.has(result.slice(0, MIN_PARTIAL_SECRET)) &&
      !this.pieceEdges.has(result.slice(-MIN_PARTIAL_SECRET))
    ) {
      return result;
    }
    // Stryker restore ConditionalExpression,BlockStatement
    const pieces = result.split(CUT_MARK);
    for (const secret of this.values) {
      pieces[0] = redactLeadingTail(pieces[0], secret);
      for (let i = 0; i < pieces.length; i++) pieces[i] = redactTrailingHead(pieces[i], secret);
    }
    return pieces.join(CUT_MARK);
  }

  /** A copy of a plain value (objects, arrays, strings) with every string redacted. */
  redactDeep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = this.walk(item);
      return copy;
    }
    return value;
  }

  /** A redactor for a byte stream whose chunks may split a secret (the transcript, stderr). */
  streamRedactor(): StreamRedactor {
    return new StreamRedactor(this.needles, this.wrapped, this.gate);
  }

  /** A search of a byte stream (a file, a git object) for any secret, in chunks that may split one. */
  scanner(): SecretScanner {
    return new SecretScanner(this.allNeedles);
  }
}

/**
 * The base64 text that `value` always turns into when it stands at byte offset 0, 1 or 2 of what is encoded: the
 * characters that depend only on its own bytes.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  // Each character holds 6 bits: keep those whose bits all come from the value's bytes. Of a secret's 8 or more
  // bytes that is at least 10 characters, long enough to redact.
  return [0, 1, 2].map((offset) =>
    Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6)),
  );
}

/** `text` starts with the last `k ≥ MIN_PARTIAL_SECRET` characters of `secret` (and not with all of it). */
function redactLeadingTail(text: string, secret: string): string {
  // Such a start holds the secret's last MIN_PARTIAL_SECRET characters within its first `secret.length - 1` (a whole
  // secret is gone already): they start at `lastStart` at the latest.
  const end = secret.slice(-MIN_PARTIAL_SECRET);
  // Stryker disable next-line ArithmeticOperator: a later bound only lengthens the search: no piece longer than the secret's length minus one is left to find
  const lastStart = secret.length - 1 - MIN_PARTIAL_SECRET;
  // From there backwards: the first match that fits is the longest, and the search never reads past the secret's
  // length into the text (a log line can be thousands of characters). A match at 0 always fits: the search ends there.
  for (let at = text.lastIndexOf(end, lastStart); at >= 0; at = text.lastIndexOf(end, at - 1)) {
    if (secret.endsWith(text.slice(0, at + MIN_PARTIAL_SECRET))) return REDACTED + text.slice(at + MIN_PARTIAL_SECRET);
  }
  return text;
}

/** `text` ends with the first `k ≥ MIN_PARTIAL_SECRET` characters of `secret` (and not with all of it). */
function redactTrailingHead(text: string, secret: string): string {
  // Such an end starts with the secret's first MIN_PARTIAL_SECRET characters within its last `secret.length` (a
  // whole secret there is gone already); the first match that fits is the longest.
  const start = secret.slice(0, MIN_PARTIAL_SECRET);
  for (let at = text.indexOf(start, text.length - secret.length); at >= 0; at = text.indexOf(start, at + 1)) {
    if (secret.startsWith(text.slice(at))) return text.slice(0, at) + REDACTED;
  }
  return text;
}

/**
 * Redacts secrets in a stream of chunks. The end of a chunk that could be the start of a secret is held back until
 * the next chunk shows whether it is; at the end of the stream a held-back piece long enough to matter is redacted.
 * Chunks without any of it (nearly all) pass through as they are, without a copy.
 */
export class StreamRedactor {
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    private readonly secrets: readonly SecretBytes[],
    private readonly wrapped: readonly WrappedBase64[] = [],
    private readonly gate = new NeedleGate([...secrets, ...wrapped.flatMap((form) => form.anchorNeedles)]),
  ) {}

  push(chunk: Buffer): Buffer {
    const data = replaceSecrets(
      this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk,
      this.secrets,
      this.wrapped,
      this.gate,
    );
    const hold = this.heldBackLength(data);
    this.carry = Buffer.from(data.subarray(data.length - hold));
    return hold > 0 ? data.subarray(0, data.length - hold) : data;
  }

  /** What is still held back, redacted if it is a long enough piece of a secret. */
  end(): Buffer {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest.length >= MIN_PARTIAL_SECRET ? REDACTED_BYTES : rest;
  }

  /** The length of the longest end of `data` that is the start of a secret (but not a whole one). */
  private heldBackLength(data: Buffer): number {
    let earliest = data.length;
    for (const form of this.wrapped) earliest = Math.min(earliest, form.partialStart(data));
    for (const { bytes: secret } of this.secrets) {
      // Such an end starts within the last `secret.length` bytes (a whole secret there is gone already).
      const first = secret[0];
      for (
        let at = data.indexOf(first, Math.max(0, data.length - secret.length));
        at >= 0;
        at = data.indexOf(first, at + 1)
      ) {
        if (data.subarray(at).equals(secret.subarray(0, data.length - at))) {
          earliest = Math.min(earliest, at);
          break;
        }
      }
    }
    return data.length - earliest;
  }
}

function replaceSecrets(
  data: Buffer,
  secrets: readonly SecretBytes[],
  wrapped: readonly WrappedBase64[],
  gate: NeedleGate | undefined,
): Buffer {
  // Most chunks hold no secret: look before building anything (a caller without a gate has looked).
  if (gate !== undefined && !gate.mayBeIn(data)) return data;
  const parts: Buffer[] = [];
  let position = 0;
  for (;;) {
    let at = -1;
    let end = -1;
    for (const secret of secrets) {
      const index = secret.indexIn(data, position);
      // Secrets are sorted longest first: on a tie the longer one wins.
      if (index >= 0 && (at < 0 || index < at)) {
        at = index;
        end = index + secret.bytes.length;
      }
    }
    for (const form of wrapped) {
      const found = form.findIn(data, position);
      if (found && (at < 0 || found[0] < at || (found[0] === at && found[1] > end))) [at, end] = found;
    }
    if (at < 0) break;
    parts.push(data.subarray(position, at), REDACTED_BYTES);
    position = end;
  }
  parts.push(data.subarray(position));
  return Buffer.concat(parts);
}

/** What the runner could read as a command somewhere in a text: `::` (a command at a line's start) or `##[`. */
const COMMAND_SHAPED = /::|##\[/;

/**
 * Whether a stream of bytes holds a secret, searched as `StreamRedactor` does: the secrets and their base64 forms.
 * Also with line breaks taken out, as base64 is often wrapped (`base64` at 76 characters, PEM at 64, MIME with CR LF):
 * a secret split across lines is still one. Each search keeps the end of what it saw that could hold the start of a
 * secret cut by the next chunk.
 */
export class SecretScanner {
  private found = false;
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);
  private joinedCarry: Buffer = Buffer.alloc(0);
  private heldBackslash = false;

  constructor(private readonly secrets: readonly SecretBytes[]) {
    this.keep = Math.max(0, ...secrets.map((secret) => secret.bytes.length - 1));
  }

  /** Searches the next chunk; true once a secret has been seen in the stream so far. */
  push(chunk: Buffer): boolean {
    if (this.found || this.secrets.length === 0) return this.found;
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // A `\n` that the cut split in two is joined in the next chunk: a backslash that ends a chunk waits for it.
    const raw = this.heldBackslash ? Buffer.concat([BACKSLASH_BYTES, chunk]) : chunk;
    this.heldBackslash = raw.length > 0 && raw[raw.length - 1] === BACKSLASH;
    const joined = withoutLineBreaks(this.heldBackslash ? raw.subarray(0, raw.length - 1) : raw);
    const joinedData = this.joinedCarry.length > 0 ? Buffer.concat([this.joinedCarry, joined]) : joined;
    // Without a line break in the chunk or in what was kept, the second search would see the same bytes.
    const sameBytes = joined === chunk && this.carry.equals(this.joinedCarry);
    this.found = this.holdsSecret(data) || (!sameBytes && this.holdsSecret(joinedData));
    this.carry = Buffer.from(data.subarray(Math.max(0, data.length - this.keep)));
    this.joinedCarry = Buffer.from(joinedData.subarray(Math.max(0, joinedData.length - this.keep)));
    return this.found;
  }

  get seen(): boolean {
    return this.found;
  }

  private holdsSecret(data: Buffer): boolean {
    return this.secrets.some((secret) => secret.indexIn(data, 0) !== -1);
  }
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BACKSLASH = 0x5c;
const BACKSLASH_BYTES = Buffer.from('\\');

/**
 * `data` without what a wrap of base64 leaves between its lines: CR and LF bytes, spaces (a log joins lines with
 * them), and the two characters `\n` or `\r` (JSON writes a line break so); `data` itself when it has none.
 */
function withoutLineBreaks(data: Buffer): Buffer {
  if (
    data.indexOf(LF) === -1 &&
    data.indexOf(CR) === -1 &&
    data.indexOf(SPACE) === -1 &&
    data.indexOf(BACKSLASH) === -1
  ) {
    return data;
  }
  const out = Buffer.allocUnsafe(data.length);
  let length = 0;
  for (let at = 0; at < data.length; at++) {
    const byte = data[at];
    if (byte === LF || byte === CR || byte === SPACE) continue;
    if (byte === BACKSLASH && (data[at + 1] === 0x6e || data[at + 1] === 0x72)) {
      at++;
      continue;
    }
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/**
 * The log. The runner reads a line as a workflow command when, after leading whitespace, it starts with `::`, and
 * also when `##[` stands anywhere in it; between `::stop-commands::TOKEN` and `::TOKEN::` it reads none. So text that
 * could hold a command is written inside such a window, with a token nobody can guess, and the window is closed
 * before each of the action's own commands (a group, a warning, the outputs' annotations). Consecutive lines share
 * one window. Lines of one turn of the event loop are written together once it is over (a write per line cost more
 * than everything else the action does with a transcript); closing the window writes them first, so order is kept.
 */
export class LogDoor {
  private openToken: string | undefined;
  private pending = '';
  private scheduledFlush: NodeJS.Immediate | undefined;

  constructor(
    private readonly secrets: Secrets,
    private readonly write: (text: string) => void,
    private readonly newToken: () => string = () => randomBytes(16).toString('hex'),
  ) {}

  /**
   * Untrusted (or any) text for the log: redacted, and inert however it is written. Text with no `::` and no `##[`
   * anywhere cannot be a command (the runner reads `::` at a line's start and `##[` anywhere), so it needs no window:
   * most lines go out without the two extra lines of one.
   */
  text(message: string): void {
    const text = `${this.secrets.redact(message)}\n`;
    if (this.openToken === undefined && COMMAND_SHAPED.test(text)) {
      this.flush();
      this.openToken = this.newToken();
      this.write(`::stop-commands::${this.openToken}\n`);
    }
    this.pending += text;
    if (this.pending.length >= MAX_PENDING_LOG) this.flush();
    else
      this.scheduledFlush ??= setImmediate(() => {
        this.scheduledFlush = undefined;
        this.flush();
      });
  }

  /** Writes the text given so far. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }

  /** Call before the action writes a command of its own: it must be read as one. */
  closeWindow(): void {
    // Text written without a window goes out first too: the action's own command must come after it.
    this.flush();
    if (this.openToken === undefined) return;
    this.write(`::${this.openToken}::\n`);
    this.openToken = undefined;
  }

  /** A message for an annotation (`::warning::`): its data is escaped by `@actions/core`, so only secrets matter. */
  annotation(message: string): string {
    this.closeWindow();
    return this.secrets.redact(message);
  }
}

/**
 * One line of Markdown that renders as the text it is: HTML and comment delimiters escaped, @-mentions that would
 * notify someone broken with a zero-width space, images turned into plain text, at most `max` characters.
 */
export function markdownInline(text: string, max: number): string {
  return escapeMarkdown(shorten(oneLine(text), max));
}

/** `markdownInline` for a table cell: a `|` would end the cell. */
export function markdownCell(text: string, max: number): string {
  return markdownInline(text, max).replace(/\|/g, '\\|');
}

function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=[\w-])/g, '@\u200B')
    .replace(/!\[/g, '!\\[');
}

/**
 * One line of text as inline code: code spans show entities as typed, so nothing is escaped but what would end the
 * span (a backtick) or, in a table, the cell (a `|`).
 */
export function markdownCode(text: string, max: number, inTable = false): string {
  const code = shorten(oneLine(text), max).replace(/`/g, "'");
  return `\`${inTable ? code.replace(/\|/g, '\\|') : code}\``;
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
export function codeFence(text: string): string {
  let longest = 0;
  let run = 0;
  for (const char of text) {
    run = char === '`' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Text as the terminal may show it: `::` and `##[` broken invisibly; control characters other than tab and newline
 * dropped (ESC starts every sequence a terminal acts on, and C1's CSI is one alone), and the bidirectional overrides
 * that would show a line in another order than it is.
 */
export function terminalText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/::/g, `:${ZERO_WIDTH_SPACE}:`)
      .replace(/##\[/g, `#${ZERO_WIDTH_SPACE}#[`)
  );
}
