/**
 * The matcher of a secret's wrapped base64 form, on its own (src/text/wrapped-base64.ts): where a variant starts and
 * ends, which line breaks it allows, what a chunk that ends within one holds back, and the redaction an attacker
 * who splits the form across lines and chunks still meets.
 */
import { describe, expect, it } from 'vitest';
import { Secrets } from '../src/text/untrusted-text.js';
import { MIN_WRAPPED_FORM, PARTIAL, WrappedBase64 } from '../src/text/wrapped-base64.js';

/** A base64 form with capitals, small letters, digits, + and /, 200 characters long. */
const FORM = Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 97 + 13) % 256))
  .toString('base64')
  .slice(0, 200);
const SEPARATORS = ['\n', '\r\n', '\\n', '\\r\\n', ' '];

/** `form` with `first` characters on its first line and 76 on each further one, joined by `separator`. */
function wrap(form: string, first: number, separator: string): string {
  const lines = [form.slice(0, first)];
  for (let at = first; at < form.length; at += 76) lines.push(form.slice(at, at + 76));
  return lines.filter((line) => line !== '').join(separator);
}

const bytes = (text: string) => Buffer.from(text);

describe('WrappedBase64', () => {
  const matcher = new WrappedBase64(FORM);

  it('takes forms of 31 characters or more, and no shorter one', () => {
    expect(MIN_WRAPPED_FORM).toBe(31);
    expect(() => new WrappedBase64(FORM.slice(0, 30))).toThrow('too short to be found wrapped');
    const shortest = new WrappedBase64(FORM.slice(0, 31));
    expect(shortest.findIn(bytes(`..${FORM.slice(0, 31)}..`), 0)).toEqual([2, 33]);
    expect(shortest.findIn(bytes(`..${FORM.slice(0, 15)}\n${FORM.slice(15, 31)}..`), 0)).toEqual([2, 34]);
  });

  it('finds the form wherever the first break comes (1 to 76 characters in), with each separator', () => {
    for (const separator of SEPARATORS) {
      for (const first of [1, 2, 15, 16, 22, 23, 38, 60, 75, 76]) {
        const shown = wrap(FORM, first, separator);
        const data = bytes(`ab${shown}cd`);
        expect(matcher.matchAt(data, 2), `${first} ${JSON.stringify(separator)}`).toBe(2 + data.length - 4);
        expect(matcher.findIn(data, 0), `${first} ${JSON.stringify(separator)}`).toEqual([2, data.length - 2]);
      }
    }
    expect(matcher.findIn(bytes(`ab${FORM}cd`), 0)).toEqual([2, 202]);
    expect(matcher.matchAt(bytes(FORM), 0)).toBe(200);
  });

  it('finds nothing where the lines are not those of base64: a first line too long, a later one of another length', () => {
    const tooLong = `${FORM.slice(0, 77)}\n${FORM.slice(77)}`;
    expect(matcher.matchAt(bytes(tooLong), 0)).toBe(-1);
    expect(matcher.findIn(bytes(tooLong), 0)).toBeUndefined();
    const shortSecond = `${FORM.slice(0, 10)}\n${FORM.slice(10, 85)}\n${FORM.slice(85)}`;
    expect(matcher.matchAt(bytes(shortSecond), 0)).toBe(-1);
    const longSecond = `${FORM.slice(0, 10)}\n${FORM.slice(10, 87)}\n${FORM.slice(87)}`;
    expect(matcher.matchAt(bytes(longSecond), 0)).toBe(-1);
    const twoBreaks = `${FORM.slice(0, 10)}\n\n${FORM.slice(10)}`;
    expect(matcher.matchAt(bytes(twoBreaks), 0)).toBe(-1);
    expect(matcher.findIn(bytes(twoBreaks), 0)).toBeUndefined();
    const tab = `${FORM.slice(0, 10)}\t${FORM.slice(10)}`;
    expect(matcher.matchAt(bytes(tab), 0)).toBe(-1);
    // A break before the first character is no part of it: the form starts after it.
    expect(matcher.matchAt(bytes(`\n${FORM}`), 0)).toBe(-1);
    expect(matcher.findIn(bytes(`\n${FORM}`), 0)).toEqual([1, 201]);
    // Another character where the form goes on.
    const wrong = `${FORM.slice(0, 150)}${FORM[150] === 'A' ? 'B' : 'A'}${FORM.slice(151)}`;
    expect(matcher.matchAt(bytes(wrong), 0)).toBe(-1);
    expect(matcher.findIn(bytes(wrong), 0)).toBeUndefined();
    expect(matcher.findIn(bytes(wrap(wrong, 40, '\n')), 0)).toBeUndefined();
  });

  it('finds the first variant at or after where it is told to start', () => {
    const one = wrap(FORM, 30, '\\n');
    const data = bytes(`${one}--${FORM}--${wrap(FORM, 70, '\r\n')}`);
    const second = one.length + 2;
    const third = second + FORM.length + 2;
    expect(matcher.findIn(data, 0)).toEqual([0, one.length]);
    expect(matcher.findIn(data, 1)).toEqual([second, second + FORM.length]);
    expect(matcher.findIn(data, second)).toEqual([second, second + FORM.length]);
    expect(matcher.findIn(data, second + 1)).toEqual([third, data.length]);
    expect(matcher.findIn(data, third + 1)).toBeUndefined();
  });

  it('finds the earlier of two variants when a break cuts one anchor of the first', () => {
    // Each break position in turn: whichever anchor it cuts, the other finds the variant.
    for (let first = 1; first <= 76; first++) {
      const early = wrap(FORM, first, ' ');
      const data = bytes(`x${early}y${FORM}z`);
      expect(matcher.findIn(data, 0), String(first)).toEqual([1, 1 + early.length]);
    }
  });

  it('keeps its second anchor clear of the first, so that no one break cuts both', () => {
    // Rarest characters at 0 and 14: the second anchor must still start at 15 or later, or a break after the
    // fifteenth character cuts both anchors and the variant goes unseen.
    const form = `Q${'e'.repeat(13)}Z${'e'.repeat(60)}`;
    const shown = `x${form.slice(0, 15)}\n${form.slice(15)}`;
    expect(new WrappedBase64(form).findIn(bytes(shown), 0)).toEqual([1, shown.length]);
  });

  it('keeps its second anchor within a line of the first, so that two breaks 76 apart cannot cut both', () => {
    // The rarest characters at 0 and 70 (or 80): breaks after 8 and 84 characters would cut anchors there.
    for (const far of [70, 80]) {
      const form = `Q${'e'.repeat(far - 1)}Z${'e'.repeat(199 - far)}`;
      const shown = wrap(form, 8, '\n');
      expect(new WrappedBase64(form).findIn(bytes(`-${shown}-`), 0), String(far)).toEqual([1, 1 + shown.length]);
    }
  });

  it('takes anchors of 16 characters inside the form, however short the form and wherever its rare characters', () => {
    for (let length = MIN_WRAPPED_FORM; length <= 60; length++) {
      for (const rare of [length - 1, length - 8, 30]) {
        const form = [...'Q'.padEnd(length, 'e')].map((char, at) => (at === rare ? 'Z' : char)).join('');
        const anchors = new WrappedBase64(form).anchorNeedles.map((needle) => needle.bytes.toString());
        for (const anchor of anchors) {
          expect(anchor, `${length} ${rare}`).toHaveLength(16);
          expect(form).toContain(anchor);
        }
      }
    }
  });

  it('finds the earliest start of a form that repeats itself', () => {
    const form = 'Qee'.repeat(11);
    expect(new WrappedBase64(form).findIn(bytes('Qee'.repeat(12)), 0)).toEqual([0, 33]);
    expect(new WrappedBase64(form).findIn(bytes(`x${'Qee'.repeat(12)}`), 0)).toEqual([1, 34]);
  });

  it('finds the earliest of two variants that overlap, the wrapped one first', () => {
    const form = 'Q'.repeat(31);
    // From 0: one Q, a break, thirty more; from 3: thirty-one Qs in a row.
    expect(new WrappedBase64(form).findIn(bytes(`Q\r\n${'Q'.repeat(31)}`), 0)).toEqual([0, 33]);
  });

  it('starts each anchor at the rarest character of its range, the first on a tie, for the gate to search fast', () => {
    /** 'e' everywhere but at the positions given. */
    const formWith = (length: number, rare: Record<number, string>) =>
      Array.from({ length }, (_, at) => rare[at] ?? 'e').join('');
    const anchorsOf = (form: string) => new WrappedBase64(form).anchorNeedles.map((needle) => needle.bytes.toString());
    // The first within the first 23 characters, the last of them included; the second from 15 after it to the
    // 77th character, the first of two alike.
    let form = formWith(200, { 5: 'Z', 22: 'Q', 50: 'Q', 60: 'Q', 90: 'Q' });
    expect(anchorsOf(form)).toEqual([form.slice(22, 38), form.slice(50, 66)]);
    // The second no further than 59 after the first.
    form = formWith(200, { 0: 'Q', 30: 'Z', 60: 'Q' });
    expect(anchorsOf(form)).toEqual([form.slice(0, 16), form.slice(30, 46)]);
    // A short form: the first leaves room for the second (here up to the 10th character of 40).
    form = formWith(40, { 2: 'Z', 9: 'Q', 30: 'Q' });
    expect(anchorsOf(form)).toEqual([form.slice(9, 25), form.slice(24, 40)]);
  });

  it('finds an early variant that only its second anchor sees, before a later whole one', () => {
    // Anchors at 0 and 40 of 60 characters: a break after 8 cuts the first in the early variant, and the later
    // unwrapped one is found first by it; the early one must win, or it would stay unredacted.
    const form = `Q${'e'.repeat(39)}Z${'e'.repeat(19)}`;
    const early = `${form.slice(0, 8)} ${form.slice(8)}`;
    expect(new WrappedBase64(form).findIn(bytes(`${early}${form}`), 0)).toEqual([0, early.length]);
  });

  it('says when the data ends within a variant, in the form or in a separator', () => {
    const shown = wrap(FORM, 40, '\\r\\n');
    for (let end = 1; end < shown.length; end++) {
      const data = bytes(`ab${shown.slice(0, end)}`);
      expect(matcher.matchAt(data, 2), String(end)).toBe(PARTIAL);
      expect(matcher.partialStart(data), String(end)).toBe(2);
    }
    for (const separator of SEPARATORS) {
      for (let cut = 1; cut < separator.length; cut++) {
        const data = bytes(`${FORM.slice(0, 40)}${separator.slice(0, cut)}`);
        expect(matcher.matchAt(data, 0), JSON.stringify(separator.slice(0, cut))).toBe(PARTIAL);
      }
    }
    expect(matcher.matchAt(bytes(`${FORM.slice(0, 40)}\\t`), 0)).toBe(-1);
    expect(matcher.matchAt(bytes(`${FORM.slice(0, 40)}\t`), 0)).toBe(-1);
    expect(matcher.matchAt(bytes(`${FORM.slice(0, 40)}\\`), 0)).toBe(PARTIAL);
    expect(matcher.matchAt(bytes(`${FORM.slice(0, 40)}`), 0)).toBe(PARTIAL);
    // Not where a break is not allowed: a first line of 77 characters cannot go on.
    expect(matcher.matchAt(bytes(`${FORM.slice(0, 77)}\r`), 0)).toBe(-1);
  });

  it('holds back the earliest start of a variant the data ends in, however long, and nothing else', () => {
    // The longest: a break after the first character, each separator four bytes; the data lacks only the last one.
    const longest = wrap(FORM, 1, '\\r\\n');
    expect(longest.length).toBe(FORM.length + 3 * 4);
    expect(matcher.partialStart(bytes(`ab${longest.slice(0, -1)}`))).toBe(2);
    expect(matcher.partialStart(bytes(`${'x'.repeat(500)}${longest.slice(0, -1)}`))).toBe(500);
    expect(matcher.partialStart(bytes('ab'))).toBe(2);
    expect(matcher.partialStart(bytes(''))).toBe(0);
    // A whole variant is no partial one, nor is a start that goes wrong.
    expect(matcher.partialStart(bytes(`ab${FORM}`))).toBe(202);
    expect(matcher.partialStart(bytes(`ab${FORM}cd`))).toBe(204);
    expect(matcher.partialStart(bytes(`${FORM.slice(0, 5)}!${FORM.slice(0, 9)}`))).toBe(6);
    // Two starts: the earliest one that may go on.
    expect(matcher.partialStart(bytes(`${FORM[0]}x${FORM[0]}${FORM.slice(1, 50)}`))).toBe(2);
  });

  it('gives two anchors of 16 characters, one of which every variant holds whole', () => {
    const anchors = matcher.anchorNeedles.map((needle) => needle.bytes.toString());
    expect(anchors).toHaveLength(2);
    for (const anchor of anchors) {
      expect(anchor).toHaveLength(16);
      expect(FORM).toContain(anchor);
    }
    const [a, b] = anchors.map((anchor) => FORM.indexOf(anchor));
    // Far enough apart that no break cuts both, and no further than a line: the first within the first 23 characters.
    expect(b - a).toBeGreaterThanOrEqual(15);
    expect(b - a).toBeLessThanOrEqual(61);
    expect(a).toBeLessThanOrEqual(22);
    for (let first = 1; first <= 76; first++) {
      const shown = wrap(FORM, first, '\n');
      expect(matcher.mayBeIn(shown), String(first)).toBe(true);
      expect(
        anchors.some((anchor) => shown.includes(anchor)),
        String(first),
      ).toBe(true);
    }
    expect(matcher.mayBeIn(FORM.slice(0, a + 15))).toBe(false);
    expect(matcher.mayBeIn(`x${FORM.slice(a, a + 16)}x`)).toBe(true);
    expect(matcher.mayBeIn(`x${FORM.slice(b, b + 16)}x`)).toBe(true);
    expect(matcher.mayBeIn('nothing of it')).toBe(false);
  });
});

describe('a secret whose base64 is split across lines and chunks', () => {
  const SECRET = `ghp_${'Zq8Wm3Kx7Rt2Vb9Nc4Hj6Lp1Df5Gs0YaEu'.repeat(2)}`;
  const secrets = new Secrets([SECRET]);
  const encoded = Buffer.from(SECRET).toString('base64').replace(/=+$/, '');

  function streamed(text: string, sizes: number[]): string {
    const redactor = secrets.streamRedactor();
    const data = bytes(text);
    const out: Buffer[] = [];
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const size = sizes[i % sizes.length];
      out.push(redactor.push(data.subarray(at, at + size)));
      at += size;
    }
    out.push(redactor.end());
    return Buffer.concat(out).toString();
  }

  it('is redacted whole, in one text and streamed in chunks of any size, wherever the lines break', () => {
    for (const separator of SEPARATORS) {
      for (const first of [1, 9, 31, 50, 76]) {
        const text = `before ${wrap(encoded, first, separator)} after`;
        expect(secrets.redact(text), `${first} ${JSON.stringify(separator)}`).toBe('before *** after');
        for (const sizes of [[1], [3, 7], [16], [64, 5], [1000]])
          expect(streamed(text, sizes), `${first} ${JSON.stringify(separator)} ${sizes}`).toBe('before *** after');
      }
    }
  });

  it('leaves text around it, and text that merely shares its first characters, as it is', () => {
    const near = `${encoded.slice(0, 40)}\n${'A'.repeat(60)}`;
    expect(secrets.redact(near)).toBe(near);
    expect(streamed(near, [7])).toBe(near);
  });
});
