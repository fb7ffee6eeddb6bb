/**
 * The splitter's limits: the default cap is far above any real line of the CLI, and ending the stream hands on only
 * what is really left.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/claude/line-splitter.js';

const collect = (max?: number) => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line.toString('utf8')), max);
  return { lines, splitter };
};

describe('LineSplitter limits', () => {
  it('by default keeps a line of a mebibyte, whole or in pieces', () => {
    const long = 'x'.repeat(1024 * 1024);
    const { lines, splitter } = collect();
    splitter.push(Buffer.from(`${long}\n${long.slice(0, 1000)}`));
    splitter.push(Buffer.from(`${long.slice(1000)}\n`));
    splitter.end();
    expect(lines.map((line) => line.length)).toEqual([long.length, long.length]);
    expect(splitter.droppedLines).toBe(0);
  });

  it('keeps a line exactly as long as the cap, in one chunk or across chunks', () => {
    const { lines, splitter } = collect(4);
    splitter.push(Buffer.from('abcd\nef'));
    splitter.push(Buffer.from('gh\nijklm\n'));
    splitter.end();
    expect(lines).toEqual(['abcd', 'efgh']);
    expect(splitter.droppedLines).toBe(1);
  });

  it('ending a stream that ended with a newline, or had nothing, hands on nothing more', () => {
    const { lines, splitter } = collect();
    splitter.end();
    splitter.push(Buffer.from('a\n'));
    splitter.push(Buffer.from(''));
    splitter.end();
    splitter.end();
    expect(lines).toEqual(['a']);
    expect(splitter.droppedLines).toBe(0);
  });

  it('counts a last line over the cap without a newline as dropped when the stream ends', () => {
    const { lines, splitter } = collect(4);
    splitter.push(Buffer.from('ok\nabc'));
    splitter.push(Buffer.from('def'));
    splitter.end();
    expect(lines).toEqual(['ok']);
    expect(splitter.droppedLines).toBe(1);
  });
});
