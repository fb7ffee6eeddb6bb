/** The small text helpers behind the log, the job summary, the issue and the status comment. */
import { describe, expect, it } from 'vitest';
import { formatElapsed, oneLine, shorten, windows } from '../src/text/text.js';

describe('oneLine', () => {
  it('folds every run of whitespace, newlines included, into one space and trims the ends', () => {
    expect(oneLine('  a\n\n b\t\r\nc  ')).toBe('a b c');
  });
});

describe('shorten', () => {
  it('keeps a text that fits, and cuts a longer one to the length given, ellipsis included', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefg', 6)).toBe('abcde…');
    expect(shorten('abc', 0)).toBe('…');
  });

  it('never ends on half of a surrogate pair', () => {
    // The cut would fall between the two halves of the emoji: the high half goes too.
    expect(shorten('ab😀cd', 4)).toBe('ab…');
    // A pair earlier in the text is no reason to take anything off.
    expect(shorten('😀abcdef', 5)).toBe('😀ab…');
  });
});

describe('windows', () => {
  it('gives every run of the size, the last one included, and none of a shorter text', () => {
    expect(windows('abcd', 2)).toEqual(['ab', 'bc', 'cd']);
    expect(windows('abc', 3)).toEqual(['abc']);
    expect(windows('ab', 3)).toEqual([]);
  });
});

describe('formatElapsed', () => {
  it.each([
    [0, '0 s'],
    [42_499, '42 s'],
    [59_499, '59 s'],
    [59_500, '1 min 00 s'],
    [185_000, '3 min 05 s'],
    [3_599_499, '59 min 59 s'],
    [3_600_000, '1 h 00 min'],
    [3_725_000, '1 h 02 min'],
    [7_384_000, '2 h 03 min'],
    [90_061_000, '25 h 01 min'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
