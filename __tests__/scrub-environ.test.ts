import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environEntries, environRange } from '../src/system/scrub-environ.js';

/** A /proc/<pid>/stat line with the given command name and env_start/env_end in fields 50 and 51. */
function statLine(comm: string, envStart: number, envEnd: number): string {
  const fields = Array.from({ length: 52 }, (_, i) => String(i + 1));
  fields[1] = `(${comm})`;
  fields[49] = String(envStart);
  fields[50] = String(envEnd);
  return `${fields.join(' ')}\n`;
}

describe('environRange', () => {
  it('reads fields 50 and 51', () => {
    expect(environRange(statLine('node', 140737488347000, 140737488351000))).toEqual({
      start: 140737488347000,
      end: 140737488351000,
    });
  });
  it('counts fields after the last parenthesis: a command name may hold spaces and parentheses', () => {
    expect(environRange(statLine('a b) 7 (c', 1000, 2000))).toEqual({ start: 1000, end: 2000 });
  });
  it('gives up on a line it cannot read', () => {
    expect(environRange('1 (node) S 0')).toBeUndefined();
    expect(environRange(statLine('node', 2000, 1000))).toBeUndefined();
  });
  it('reads this process, on Linux', () => {
    if (process.platform !== 'linux') return;
    const range = environRange(readFileSync('/proc/self/stat', 'utf8'));
    expect(range && range.end - range.start).toBe(readFileSync('/proc/self/environ').length);
  });
});

describe('environEntries', () => {
  it('finds each value, also one holding "=", and skips an entry without a name', () => {
    const block = Buffer.from('A=1\0TOKEN=ab=cd\0=odd\0EMPTY=\0');
    const entries = environEntries(block);
    expect(entries.map(({ name, value }) => [name, value])).toEqual([
      ['A', '1'],
      ['TOKEN', 'ab=cd'],
      ['EMPTY', ''],
    ]);
    const token = entries[1];
    expect(block.toString('utf8', token.valueStart, token.valueEnd)).toBe('ab=cd');
  });
});
