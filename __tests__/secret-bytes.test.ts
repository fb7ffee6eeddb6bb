/**
 * The byte search under redaction (src/text/secret-bytes.ts): how rare a character is, where a secret's search
 * starts, and the gate that says in one pass whether any secret may be in a chunk.
 */
import { describe, expect, it } from 'vitest';
import { NeedleGate, rarity, SecretBytes } from '../src/text/secret-bytes.js';

const code = (char: string) => char.charCodeAt(0);
const needle = (text: string) => new SecretBytes(Buffer.from(text));

describe('rarity', () => {
  it('ranks capitals rarest, then small letters, and everything else last, alike', () => {
    expect(rarity(code('Q'))).toBe(0);
    expect(rarity(code('Z'))).toBe(1);
    expect(rarity(code('I'))).toBe(25);
    expect(rarity(code('q'))).toBe(26);
    expect(rarity(code('e'))).toBe(51);
    for (const other of ['7', '0', '-', '_', '+', '/', '=', ' ', '\n']) expect(rarity(code(other)), other).toBe(52);
  });
});

describe('SecretBytes', () => {
  it('searches from the rarest character that leaves 16 bytes to search, the first on a tie', () => {
    expect(needle('abcdefgQhijklmnopqrstuvw').anchor.toString()).toBe('Qhijklmnopqrstuvw');
    expect(needle('abZdefgQhijklmnopqrstuvw').anchor.toString()).toBe('Qhijklmnopqrstuvw');
    expect(needle('aQcdefgQhijklmnopqrstuvw').anchor.toString()).toBe('QcdefgQhijklmnopqrstuvw');
    // A capital too near the end to leave 16 bytes is not a start: the rarest small letter before it is.
    expect(needle('abcdefghijklmnopQrstuvw').anchor.toString()).toBe('bcdefghijklmnopQrstuvw');
    expect(needle('0123456789012345678').anchor.toString()).toBe('0123456789012345678');
  });

  it('finds the secret at or after a start, and never a part of it without its head', () => {
    const secret = 'abcdefgQhijklmnopqrstuvw';
    expect(needle(secret).indexIn(Buffer.from(`xx${secret}`), 0)).toBe(2);
    expect(needle(secret).indexIn(Buffer.from(`xx${secret}`), 2)).toBe(2);
    expect(needle(secret).indexIn(Buffer.from(`xx${secret}`), 3)).toBe(-1);
    expect(needle(secret).indexIn(Buffer.from(`xxbcdefgQhijklmnopqrstuvw`), 0)).toBe(-1);
    expect(needle(secret).indexIn(Buffer.from(`Qhijklmnopqrstuvw${secret}`), 0)).toBe(17);
  });
});

describe('NeedleGate', () => {
  it('says no for data without any needle, and for no needles at all', () => {
    expect(new NeedleGate([]).mayBeIn(Buffer.from('anything at all'))).toBe(false);
    const gate = new NeedleGate([needle('abcdefgQhijklmnopqrstuvw'), needle('0123456789qrstuvwxyz')]);
    expect(gate.mayBeIn(Buffer.from('nothing here, Q and q alone'))).toBe(false);
    expect(gate.mayBeIn(Buffer.from(''))).toBe(false);
  });

  it('says yes for a needle whose search starts with a capital, anywhere in the data, the very end too', () => {
    const secret = 'abcdefgQhijklmnopqrstuvw';
    const gate = new NeedleGate([needle('0123456789qrstuvwxyz'), needle(secret)]);
    expect(gate.mayBeIn(Buffer.from(secret))).toBe(true);
    expect(gate.mayBeIn(Buffer.from(`Q Q ${secret} Q`))).toBe(true);
    expect(gate.mayBeIn(Buffer.from(`x${secret}`))).toBe(true);
    // Its searched part alone (a capital's needle may say yes without its head).
    expect(gate.mayBeIn(Buffer.from('Qhijklmnopqrstuvw'))).toBe(true);
    // The searched part cut short at the end of the data is not there.
    expect(gate.mayBeIn(Buffer.from('xxQhijklmnopqrstuv'))).toBe(false);
    expect(gate.mayBeIn(Buffer.from('Qhijklmnopqrstuvx'))).toBe(false);
  });

  it('groups needles by the first byte of their search, and tries each of a group', () => {
    const a = 'xxQaaaaaaaaaaaaaaaaa';
    const b = 'yyQbbbbbbbbbbbbbbbbb';
    const c = 'zzZcccccccccccccccccc';
    const gate = new NeedleGate([needle(a), needle(b), needle(c)]);
    for (const secret of [a, b, c]) expect(gate.mayBeIn(Buffer.from(`- ${secret} -`)), secret).toBe(true);
    expect(gate.mayBeIn(Buffer.from('Qa Qb Zc QQ ZZ'))).toBe(false);
  });

  it('searches a needle that starts with a common byte whole, its head included', () => {
    // No capital: its search starts with a small letter (rarity 26 and more), and is made for the whole needle.
    const secret = 'aaaqrstuvwxyzqrstuvw';
    expect(needle(secret).anchor.toString()).toBe('qrstuvwxyzqrstuvw');
    const gate = new NeedleGate([needle(secret)]);
    expect(gate.mayBeIn(Buffer.from(`-${secret}-`))).toBe(true);
    expect(gate.mayBeIn(Buffer.from(secret))).toBe(true);
    expect(gate.mayBeIn(Buffer.from('-qrstuvwxyzqrstuvw-'))).toBe(false);
    const digits = '01234567890123456789';
    expect(new NeedleGate([needle(digits)]).mayBeIn(Buffer.from(`x${digits}`))).toBe(true);
    expect(new NeedleGate([needle(digits)]).mayBeIn(Buffer.from(digits.slice(1)))).toBe(false);
  });
});

const anchorAt = (secret: string): number => secret.length - needle(secret).anchor.length;

describe('SecretBytes: where the search starts, counted from the start of the secret', () => {
  it('starts its search at the rarest character, the first of equals', () => {
    expect(anchorAt(`${'e'.repeat(4)}Q${'e'.repeat(3)}Q${'e'.repeat(20)}`)).toBe(4);
    expect(anchorAt(`${'e'.repeat(4)}tXeeZ${'e'.repeat(20)}`)).toBe(8);
  });

  it('keeps at least 16 bytes to search for, the rarest character up to there included', () => {
    expect(anchorAt(`${'e'.repeat(5)}Q${'e'.repeat(15)}`)).toBe(5);
    expect(anchorAt(`${'e'.repeat(5)}tQ${'e'.repeat(14)}`)).toBe(5);
    expect(anchorAt(`eeQ${'e'.repeat(20)}Z${'e'.repeat(3)}`)).toBe(2);
    expect(anchorAt(`${'e'.repeat(20)}Q${'e'.repeat(3)}`)).toBe(0);
    expect(anchorAt('eeQe')).toBe(0);
  });

  it('finds the secret from its anchor', () => {
    const secret = new SecretBytes(Buffer.from(`${'e'.repeat(4)}Q${'e'.repeat(20)}`));
    const data = Buffer.from(`xxQ${'e'.repeat(20)}yy${secret.bytes.toString()}zz`);
    expect(secret.indexIn(data, 0)).toBe(25);
    expect(secret.indexIn(data, 26)).toBe(-1);
  });
});
