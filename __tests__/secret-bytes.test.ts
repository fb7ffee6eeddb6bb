/**
 * Where a secret's search starts: from its rarest character in ordinary text, at most 16 bytes from its end. Finding
 * it is tested against indexOf elsewhere; here, that the search starts where it is fastest.
 */
import { describe, expect, it } from 'vitest';
import { rarity, SecretBytes } from '../src/text/secret-bytes.js';

const code = (char: string): number => char.charCodeAt(0);
const anchorAt = (secret: string): number => secret.length - new SecretBytes(Buffer.from(secret)).anchor.length;

describe('rarity', () => {
  it('ranks capitals first, then lower case from the rarest, then everything else', () => {
    expect([rarity(code('Q')), rarity(code('Z')), rarity(code('q')), rarity(code('e'))]).toEqual([0, 1, 26, 51]);
    expect(rarity(code('1'))).toBe(52);
    expect(rarity(code('_'))).toBe(52);
  });
});

describe('SecretBytes', () => {
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
