/**
 * A byte string and a fast way to find it in a larger buffer (secrets, and the parts of their wrapped base64 forms).
 */
/**
 * Bytes are searched from their rarest character in ordinary text, capitals first: rare in prose, code and JSON,
 * but in nearly every random token. Anything not listed (digits, punctuation) comes last.
 */
const RAREST_FIRST = 'QZXJKVWYUGHBFMPDOLNTRSCEAIqzjxkvwybgfmpuhdlcrsniotae';
/** The part of a secret that is searched for is at least this long, so that it is still selective. */
const MIN_ANCHOR = 16;

/** How common a byte is in ordinary text: 0 for the rarest. */
export function rarity(byte: number): number {
  const found = RAREST_FIRST.indexOf(String.fromCharCode(byte));
  return found === -1 ? RAREST_FIRST.length : found;
}

/**
 * A secret as bytes, and how to find it quickly. Buffer.indexOf first runs through the text looking for the first
 * byte of what it searches (memchr, which skips a rare byte's absence far faster than any pattern search), so the
 * search is for the secret's end from its rarest character on, and a find is then checked for the start (what it
 * saves: BENCHMARKS.md, "three searches made cheaper"). Used by the wrapped-form matcher too.
 */
export class SecretBytes {
  private readonly anchorAt: number;
  /** The part searched for first: from the rarest character on. */
  readonly anchor: Buffer;

  constructor(readonly bytes: Buffer) {
    let best = 0;
    const rank = (at: number): number => rarity(bytes[at]);
    for (let at = 1; at <= bytes.length - MIN_ANCHOR; at++) if (rank(at) < rank(best)) best = at;
    this.anchorAt = best;
    this.anchor = bytes.subarray(best);
  }

  /** Where the secret starts in `data` at or after `from`, or -1. */
  indexIn(data: Buffer, from: number): number {
    const head = this.anchorAt;
    for (let at = data.indexOf(this.anchor, from + head); at !== -1; at = data.indexOf(this.anchor, at + 1)) {
      if (data.compare(this.bytes, 0, head, at - head, at) === 0) return at - head;
    }
    return -1;
  }
}

/** Capitals: rare enough in ordinary text that a search for the byte alone stops seldom. */
const RARE = 26;

/**
 * Whether any of many needles may be in a buffer, in one pass per first byte of their anchors rather than one per
 * needle: those of secrets and of the parts of their wrapped base64 forms mostly start with the same few capitals.
 * A needle whose anchor starts with a common byte is searched for on its own. May say yes for a needle's anchor
 * without its head: the search that follows finds nothing then.
 */
export class NeedleGate {
  private readonly byFirstByte = new Map<number, Buffer[]>();
  private readonly alone: SecretBytes[] = [];

  constructor(needles: readonly SecretBytes[]) {
    for (const needle of needles) {
      const first = needle.anchor[0];
      if (rarity(first) >= RARE) this.alone.push(needle);
      else this.byFirstByte.set(first, [...(this.byFirstByte.get(first) ?? []), needle.anchor]);
    }
  }

  mayBeIn(data: Buffer): boolean {
    for (const needle of this.alone) if (needle.indexIn(data, 0) !== -1) return true;
    for (const [byte, anchors] of this.byFirstByte) {
      for (let at = data.indexOf(byte); at !== -1; at = data.indexOf(byte, at + 1)) {
        for (const anchor of anchors) {
          const end = at + anchor.length;
          if (end <= data.length && data.compare(anchor, 0, anchor.length, at, end) === 0) return true;
        }
      }
    }
    return false;
  }
}
