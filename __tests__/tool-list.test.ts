/**
 * The lists the inputs and the local flags take: tool names and patterns as the CLI splits them, plain lists, and
 * the sandbox's host names.
 */
import { describe, expect, it } from 'vitest';
import { isHostPattern, ListError, splitList, splitToolList } from '../src/text/tool-list.js';

describe('splitToolList', () => {
  it('splits on commas and on every kind of whitespace, dropping empty items', () => {
    expect(splitToolList('Read,Write Edit\nGlob\tGrep\r\nLS')).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep', 'LS']);
    expect(splitToolList(' ,, Read ,\n\n,Write,, ')).toEqual(['Read', 'Write']);
    expect(splitToolList('')).toEqual([]);
    expect(splitToolList(' , \n')).toEqual([]);
  });

  it('keeps a pattern in parentheses whole, however deep, with its commas and spaces', () => {
    expect(splitToolList('Bash(npm test:*), Bash(git log --oneline, git diff) Read')).toEqual([
      'Bash(npm test:*)',
      'Bash(git log --oneline, git diff)',
      'Read',
    ]);
    expect(splitToolList('Bash(echo (a, b) c),Write')).toEqual(['Bash(echo (a, b) c)', 'Write']);
    // After the pattern closes, a separator splits again.
    expect(splitToolList('Bash(x) y')).toEqual(['Bash(x)', 'y']);
  });

  it('takes the character after a backslash as it is, a separator or a parenthesis too', () => {
    expect(splitToolList('Bash(echo \\)) Read')).toEqual(['Bash(echo \\))', 'Read']);
    expect(splitToolList('a\\,b c')).toEqual(['a\\,b', 'c']);
    expect(splitToolList('a\\ b')).toEqual(['a\\ b']);
    expect(splitToolList('Bash(\\() x')).toEqual(['Bash(\\()', 'x']);
    // A backslash at the very end is kept.
    expect(splitToolList('a\\')).toEqual(['a\\']);
  });

  it('refuses a parenthesis that is never closed, or one closed that was never opened, naming the item', () => {
    expect(() => splitToolList('Read, Bash(npm test')).toThrow(
      new ListError('"(" is never closed in "Bash(npm test".'),
    );
    expect(() => splitToolList('Read, npm)')).toThrow(new ListError('")" without a "(" in "npm)".'));
    expect(() => splitToolList('Bash(a)) b')).toThrow(new ListError('")" without a "(" in "Bash(a))".'));
    expect(() => splitToolList('x(')).toThrow(ListError);
    const error = (() => {
      try {
        splitToolList(')');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ListError);
    expect((error as Error).name).toBe('ListError');
  });
});

describe('splitList', () => {
  it('splits on commas, spaces and newlines, and drops empty items', () => {
    expect(splitList('a,b c\nd\te')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(splitList(',,a  ,\n b,')).toEqual(['a', 'b']);
    expect(splitList('')).toEqual([]);
    expect(splitList('a(b, c)')).toEqual(['a(b', 'c)']);
  });
});

describe('isHostPattern', () => {
  it('takes host names, with a leading *. for subdomains', () => {
    for (const host of [
      'example.com',
      'a',
      'A-1.b2.example',
      '*.example.com',
      'x1',
      'api.github.com',
      '1-a',
      'xY7z.mN5Q.example',
      'Z.9.q',
      'aZ',
      'b.cD',
      '*.Ab9-Zz.x0Y',
    ])
      expect(isHostPattern(host), host).toBe(true);
  });

  it('refuses schemes, ports, paths, wildcards elsewhere and dashes at the ends of a label', () => {
    for (const host of [
      '',
      'https://example.com',
      'example.com:443',
      'example.com/path',
      '*example.com',
      'a.*.example.com',
      '*',
      '*.',
      '-a.com',
      'a-.com',
      'a.-b',
      'a..b',
      'a.',
      '.a',
      'a_b.com',
      ' example.com',
      'example.com ',
      'example.com\n',
      'x\nexample.com',
    ])
      expect(isHostPattern(host), JSON.stringify(host)).toBe(false);
  });
});
