/**
 * A secret's base64 form as `base64` prints it by default: cut into lines of 76 characters, wherever the secret
 * starts on a line. The pieces are joined by a newline, by `\n` or `\r\n` as JSON writes them (the transcript, a saved
 * session), or by a space (the live log joins lines so). One matcher finds every such variant, the unwrapped form too.
 */
import { rarity, SecretBytes } from './secret-bytes.js';

/** GNU `base64` puts this many characters on every line but the last (`-w 76`, its default). */
const LINE = 76;
const SEPARATORS = ['\n', '\r\n', '\\n', '\\r\\n', ' '].map((separator) => Buffer.from(separator));
/** Each length a separator can have, to find where a match starts from an anchor found after a break. */
const SEPARATOR_LENGTHS = [...new Set(SEPARATORS.map((separator) => separator.length))];
const ANCHOR = 16;
/**
 * Shorter forms are searched for whole only: with two anchors of 16 characters, whose every break leaves one whole,
 * a shorter form has no room.
 */
export const MIN_WRAPPED_FORM = 2 * ANCHOR - 1;

/** Data ran out in the middle of a match: what is left may be the start of one. */
export const PARTIAL = -2;

export class WrappedBase64 {
  private readonly form: Buffer;
  /** Two parts of the form that line breaks cannot both cut: breaks are 76 apart, and the two are 15 to 61 apart. */
  private readonly anchors: Array<{ at: number; bytes: SecretBytes; text: string }>;

  constructor(form: string) {
    this.form = Buffer.from(form);
    if (this.form.length < MIN_WRAPPED_FORM) throw new Error('too short to be found wrapped');
    // Each starts at the rarest character it can (a search runs through the text for its first byte): the first
    // within the form's first 23 characters, the second where a break cannot cut both, and at most one break comes
    // before it (by the 77th character).
    const first = this.rarestIn(0, Math.min(22, this.form.length - 2 * ANCHOR + 1));
    const second = this.rarestIn(
      first + ANCHOR - 1,
      Math.min(first + LINE - ANCHOR - 1, LINE, this.form.length - ANCHOR),
    );
    this.anchors = [first, second].map((at) => ({
      at,
      bytes: new SecretBytes(this.form.subarray(at, at + ANCHOR)),
      text: form.slice(at, at + ANCHOR),
    }));
  }

  /** The position from `from` to `to` (both included) whose character is the rarest; the first on a tie. */
  private rarestIn(from: number, to: number): number {
    let best = from;
    for (let at = from + 1; at <= to; at++) if (rarity(this.form[at]) < rarity(this.form[best])) best = at;
    return best;
  }

  /** What every variant holds one of, for a gate. */
  get anchorNeedles(): SecretBytes[] {
    return this.anchors.map((anchor) => anchor.bytes);
  }

  /** Whether `text` may hold a variant: every variant holds one of the anchors whole. */
  mayBeIn(text: string): boolean {
    return this.anchors.some((anchor) => text.includes(anchor.text));
  }

  /** The first variant at or after `from`, as [start, end), or undefined. */
  findIn(data: Buffer, from: number): [number, number] | undefined {
    let found: [number, number] | undefined;
    for (const anchor of this.anchors) {
      for (let hit = anchor.bytes.indexIn(data, from); hit !== -1; hit = anchor.bytes.indexIn(data, hit + 1)) {
        if (found && hit - anchor.at - 4 >= found[0]) break;
        // At most one break before either anchor: the match starts the anchor's offset, and maybe a separator, earlier.
        for (const before of [0, ...SEPARATOR_LENGTHS]) {
          const start = hit - anchor.at - before;
          if (start < from || (found && start >= found[0])) continue;
          const end = this.matchAt(data, start);
          if (end >= 0) found = [start, end];
        }
      }
    }
    return found;
  }

  /** The earliest start, in the last bytes of `data`, of a variant that the data ends in the middle of. */
  partialStart(data: Buffer): number {
    const longest = this.form.length + Math.ceil(this.form.length / LINE) * 4;
    const first = this.form[0];
    for (
      let at = data.indexOf(first, Math.max(0, data.length - longest));
      at !== -1;
      at = data.indexOf(first, at + 1)
    ) {
      if (this.matchAt(data, at) === PARTIAL) return at;
    }
    return data.length;
  }

  /**
   * Where the variant that starts at `at` ends, -1 when none does, or PARTIAL when the data ends within one. The first
   * line holds 1 to 76 characters of the form, each further line 76.
   */
  matchAt(data: Buffer, at: number): number {
    const { form } = this;
    let i = at;
    let lastBreak: number | undefined;
    for (let p = 0; p < form.length;) {
      if (i >= data.length) return PARTIAL;
      if (data[i] === form[p]) {
        i++;
        p++;
        continue;
      }
      const breakAllowed = p > 0 && (lastBreak === undefined ? p <= LINE : p === lastBreak + LINE);
      if (!breakAllowed) return -1;
      const separator = SEPARATORS.find((candidate) => startsWithAt(data, i, candidate));
      if (separator === undefined) {
        return SEPARATORS.some((candidate) => endsWithStartOf(data, i, candidate)) ? PARTIAL : -1;
      }
      i += separator.length;
      lastBreak = p;
    }
    return i;
  }
}

function startsWithAt(data: Buffer, at: number, bytes: Buffer): boolean {
  return at + bytes.length <= data.length && data.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;
}

/** `data` ends, from `at`, with the first bytes of `bytes`. */
function endsWithStartOf(data: Buffer, at: number, bytes: Buffer): boolean {
  const rest = data.length - at;
  return rest > 0 && rest < bytes.length && data.compare(bytes, 0, rest, at) === 0;
}
