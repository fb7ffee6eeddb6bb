/** `claude-args` split as a POSIX shell splits words, with nothing expanded or run. */
import { describe, expect, it } from 'vitest';
import { splitShellWords } from '../src/text/shell-words.js';

describe('splitShellWords', () => {
  it.each([
    ['', []],
    ['--model opus', ['--model', 'opus']],
    ['  a   b\tc\n', ['a', 'b', 'c']],
    ['a\rb\r\nc', ['a', 'b', 'c']],
    [`--append-system-prompt "be brief" --x 'it''s'`, ['--append-system-prompt', 'be brief', '--x', 'its']],
    [`"a \\"b\\" c" d\\ e`, ['a "b" c', 'd e']],
    [`'$HOME' "$HOME" ; rm -rf / | cat`, ['$HOME', '$HOME', ';', 'rm', '-rf', '/', '|', 'cat']],
    [`""`, ['']],
    [`''`, ['']],
    // An escaped space is a word of its own, not a separator.
    ['a \\  b', ['a', ' ', 'b']],
    // Inside double quotes a backslash escapes only " \ $ ` and newline; before anything else it stays.
    [`"\\$x \\a \\\\ \\\`"`, ['$x \\a \\ `']],
    // Inside single quotes nothing is special.
    [`'a\\"b'`, ['a\\"b']],
  ])('splits %j', (input, words) => {
    expect(splitShellWords(input)).toEqual(words);
  });

  it('drops a backslash at the very end, keeping the word before it', () => {
    expect(splitShellWords('a\\')).toEqual(['a']);
  });

  it('rejects an unclosed quote, naming which', () => {
    expect(() => splitShellWords(`'abc`)).toThrow('unclosed single quote');
    expect(() => splitShellWords(`"abc\\`)).toThrow('unclosed double quote');
  });
});
