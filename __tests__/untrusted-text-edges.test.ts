/**
 * The edges of the one door for untrusted text: the shortest secret and piece that count, the cut that leaves the most
 * of a secret, secrets that overlap, streams that end mid-secret, the window token and the flush size of the log, and
 * every rule of the Markdown escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeFence,
  LogDoor,
  markdownCell,
  markdownCode,
  markdownInline,
  MIN_PARTIAL_SECRET,
  MIN_SECRET_LENGTH,
  REDACTED,
  SecretBytes,
  Secrets,
} from '../src/text/untrusted-text.js';
import { runnerCommands } from './helpers/action-runner.js';

const KEY = 'sk-ant-api03-Zx9QvT3mK8pLw2Rb7Nc4';

/** The stream cut into the given chunks, redacted, and put back together. */
function streamed(secrets: Secrets, chunks: string[]): string {
  const redactor = secrets.streamRedactor();
  const out = chunks.map((chunk) => redactor.push(Buffer.from(chunk)));
  out.push(redactor.end());
  return Buffer.concat(out).toString();
}

describe('Secrets: which values count', () => {
  it(`redacts a value of exactly ${MIN_SECRET_LENGTH} characters, but not one of fewer`, () => {
    const eight = 'Q7w!x9Zp';
    expect(eight).toHaveLength(MIN_SECRET_LENGTH);
    expect(new Secrets([eight]).redact(`pass=${eight};`)).toBe('pass=***;');
    expect(new Secrets([eight.slice(1)]).redact(`pass=${eight};`)).toBe(`pass=${eight};`);
  });

  it('redacts a value saved with blanks or a newline around it also where it shows without them', () => {
    const secrets = new Secrets([`  ${KEY}\n`]);
    expect(secrets.redact(`export KEY=${KEY}; echo done`)).toBe('export KEY=***; echo done');
    expect(streamed(secrets, [`{"env":"${KEY.slice(0, 9)}`, `${KEY.slice(9)}\\n"}`])).toBe('{"env":"***\\n"}');
    // "x-access-token:" is 15 bytes, five whole base64 groups: what follows them encodes the key alone, and goes,
    // all but the last few characters that also carry the padding.
    const prefix = Buffer.from('x-access-token:').toString('base64');
    const redacted = secrets.redact(Buffer.from(`x-access-token:${KEY}`).toString('base64'));
    expect(redacted.startsWith(`${prefix}${REDACTED}`), redacted).toBe(true);
    expect(redacted.length).toBeLessThanOrEqual(prefix.length + REDACTED.length + 4);
  });

  it('does not count the blanks around a value towards its length', () => {
    expect(new Secrets(['  abc123  ']).redact('  abc123  ')).toBe('  abc123  ');
  });

  it('redacts the base64 form of an eight-character value at each byte offset', () => {
    const value = 'Q7w!x9Zp';
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${prefix}${value}${prefix}`).toString('base64');
      // Only the characters that also carry bits of the bytes around the value may stay: at most 3 before, 4 after.
      expect(new Secrets([value]).redact(`auth ${encoded} end`), prefix).toMatch(
        /^auth [A-Za-z0-9+/]{0,3}\*\*\*[A-Za-z0-9+/=]{0,4} end$/,
      );
    }
  });
});

describe('Secrets.redact: pieces a cut left', () => {
  it(`redacts a piece of exactly ${MIN_PARTIAL_SECRET} characters at either edge, not a shorter one`, () => {
    const secrets = new Secrets([KEY]);
    expect(secrets.redact(`key: ${KEY.slice(0, MIN_PARTIAL_SECRET)}`)).toBe('key: ***');
    expect(secrets.redact(`${KEY.slice(-MIN_PARTIAL_SECRET)} was the end`)).toBe('*** was the end');
    const shortTail = KEY.slice(-(MIN_PARTIAL_SECRET - 1));
    expect(secrets.redact(`${shortTail} was the end`)).toBe(`${shortTail} was the end`);
  });

  it('redacts a text that is nothing but a piece of a secret', () => {
    const secrets = new Secrets([KEY]);
    expect(secrets.redact(KEY.slice(-MIN_PARTIAL_SECRET))).toBe('***');
    expect(secrets.redact(KEY.slice(0, MIN_PARTIAL_SECRET))).toBe('***');
    expect(secrets.redact(KEY.slice(1))).toBe('***');
    expect(secrets.redact(KEY.slice(0, -1))).toBe('***');
  });

  it('redacts the longest piece when the end of a secret also occurs earlier in it', () => {
    // The last six characters, "123456", occur twice: the whole tail must go, not only its last part.
    const secret = 'prefix-123456-middle-123456';
    const secrets = new Secrets([secret]);
    expect(secrets.redact(`${secret.slice(-20)} rest`)).toBe('*** rest');
    expect(secrets.redact(`${secret.slice(-10)} rest`)).toBe('*** rest');
    expect(secrets.redact(`start ${secret.slice(0, 20)}`)).toBe('start ***');
    // Here the later "123456" does not close a tail; the earlier one does.
    expect(secrets.redact(`${secret.slice(-8)}123456 rest`)).toBe('***123456 rest');
  });

  it('redacts the start of a secret before every ellipsis, and leaves the text between', () => {
    const secrets = new Secrets([KEY]);
    const text = `one ${KEY.slice(0, 10)}… two ${KEY.slice(0, 8)}… three`;
    expect(secrets.redact(text)).toBe('one ***… two ***… three');
  });

  it('leaves a piece of a secret in the middle of a text, where no cut was', () => {
    const secrets = new Secrets([KEY]);
    for (const piece of [KEY.slice(0, 10), KEY.slice(-10)]) {
      const text = `mentions ${piece} and goes on`;
      expect(secrets.redact(text)).toBe(text);
    }
  });

  it('gives an empty text back as it is', () => {
    expect(new Secrets([KEY]).redact('')).toBe('');
  });
});

describe('Secrets.redactDeep', () => {
  it('keeps null, numbers, booleans and the shape of arrays inside a value', () => {
    const secrets = new Secrets([KEY]);
    const copy = secrets.redactDeep({ a: null, b: [KEY, [KEY, 1]], c: false, d: undefined });
    expect(copy).toStrictEqual({ a: null, b: ['***', ['***', 1]], c: false, d: undefined });
    expect(Array.isArray(copy.b)).toBe(true);
  });

  it('redacts a bare string', () => {
    expect(new Secrets([KEY]).redactDeep(`x ${KEY}`)).toBe('x ***');
  });
});

describe('StreamRedactor: edges', () => {
  it(`redacts a held-back start of exactly ${MIN_PARTIAL_SECRET} bytes at the end, not a shorter one`, () => {
    const secrets = new Secrets([KEY]);
    expect(streamed(secrets, [`end ${KEY.slice(0, MIN_PARTIAL_SECRET)}`])).toBe('end ***');
    expect(streamed(secrets, [`end ${KEY.slice(0, MIN_PARTIAL_SECRET - 1)}`])).toBe(
      `end ${KEY.slice(0, MIN_PARTIAL_SECRET - 1)}`,
    );
  });

  it('replaces the longer of two secrets that start at the same place', () => {
    const inner = 'abcdefghij';
    const outer = `${inner}-and-more`;
    const secrets = new Secrets([inner, outer]);
    expect(streamed(secrets, [`x ${outer} y ${inner} z`])).toBe('x *** y *** z');
  });

  it('holds back the longest start of any secret, so a longer one split later is still found', () => {
    // At the end of the first chunk "abcdefghijklmnop" may start the first secret and "mnop" the second.
    const first = 'abcdefghijklmnopqrstu';
    const second = 'mnopqrstuvwxyz12';
    const secrets = new Secrets([first, second]);
    expect(streamed(secrets, ['x abcdefghijklmnop', 'qrstu y'])).toBe('x *** y');
    expect(streamed(secrets, ['x abcdefghijklmnop', 'qrs', 'tu y'])).toBe('x *** y');
  });

  it('finds a secret that starts where an earlier false start was', () => {
    // The chunk ends with "ab" (a start of the secret) after an "ab" that is not one.
    const secret = 'ab-secret-value';
    const secrets = new Secrets([secret]);
    expect(streamed(secrets, ['x abyab', '-secret-value y'])).toBe('x aby*** y');
    expect(streamed(secrets, ['x ab-sec', 'ret-value y'])).toBe('x *** y');
    expect(streamed(secrets, ['ab-secret-', 'value y'])).toBe('*** y');
  });

  it('passes empty chunks, and holds what it held until the secret is complete', () => {
    const secrets = new Secrets([KEY]);
    expect(streamed(secrets, ['a ', KEY.slice(0, 5), '', KEY.slice(5), '', ' b'])).toBe('a *** b');
  });

  it('gives the stream back as it came when there is no secret', () => {
    const secrets = new Secrets([undefined, 'short']);
    expect(streamed(secrets, ['one ', 'two'])).toBe('one two');
    const redactor = secrets.streamRedactor();
    const chunk = Buffer.from('plain');
    expect(redactor.push(chunk)).toBe(chunk);
    expect(redactor.end()).toHaveLength(0);
  });
});

describe('LogDoor: windows and writes', () => {
  function door(): { writes: string[]; log: LogDoor } {
    const writes: string[] = [];
    return { writes, log: new LogDoor(new Secrets([KEY]), (text) => writes.push(text)) };
  }

  it('opens each window with a new token of 32 hex digits that closes it', () => {
    const { writes, log } = door();
    log.text('one ::');
    log.closeWindow();
    log.text('two ::');
    log.closeWindow();
    const tokens = writes.flatMap((text) => /^::stop-commands::(.*)\n$/.exec(text)?.[1] ?? []);
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(writes).toContain(`::${tokens[0]}::\n`);
    expect(writes).toContain(`::${tokens[1]}::\n`);
  });

  it('writes nothing when a window is closed that was never opened', () => {
    const { writes, log } = door();
    log.closeWindow();
    log.flush();
    expect(log.annotation('plain')).toBe('plain');
    expect(writes).toEqual([]);
  });

  it('never calls the writer with an empty text', async () => {
    const { writes, log } = door();
    log.text('one ::');
    log.closeWindow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(3);
    expect(writes.every((text) => text !== '')).toBe(true);
  });

  it('writes waiting text at once when it reaches 64 KiB, and not before', () => {
    const { writes, log } = door();
    log.text(`::${'x'.repeat(64 * 1024 - 4)}`);
    expect(writes).toHaveLength(1);
    log.text('');
    expect(writes).toHaveLength(2);
    expect(writes[1]).toHaveLength(64 * 1024);
    log.closeWindow();
  });

  it('keeps text of a window closed by a flush at the size limit inside that window', () => {
    const writes: string[] = [];
    const log = new LogDoor(
      new Secrets([]),
      (text) => writes.push(text),
      () => 'token',
    );
    log.text(`::error::${'x'.repeat(64 * 1024)}`);
    log.text('::warning::after');
    log.closeWindow();
    expect(runnerCommands(writes.join(''))).toEqual([]);
    expect(writes.at(-1)).toBe('::token::\n');
  });
});

describe('Markdown escapes', () => {
  it('escapes an ampersand first, so an entity typed as text shows as typed', () => {
    expect(markdownInline('&lt;b&gt; & <b>', 100)).toBe('&amp;lt;b&amp;gt; &amp; &lt;b&gt;');
  });

  it('breaks a mention only where a name follows the @', () => {
    expect(markdownInline('mail me @ noon, @octo-cat, a@b, @_x and @9', 100)).toBe(
      'mail me @ noon, @\u200Bocto-cat, a@\u200Bb, @\u200B_x and @\u200B9',
    );
    expect(markdownInline('@-x', 100)).toBe('@\u200B-x');
  });

  it('turns every image into text, and leaves links and a lone ! alone', () => {
    expect(markdownInline('![a](x) ![b][ref] wow! [link](https://example.com)', 100)).toBe(
      '!\\[a](x) !\\[b][ref] wow! [link](https://example.com)',
    );
  });

  it('folds the text to one line and shortens it before escaping, so an escape is never cut', () => {
    expect(markdownInline('  one\n\ttwo \r\n three  ', 100)).toBe('one two three');
    expect(markdownInline('abcdefghi<', 10)).toBe('abcdefghi&lt;');
    expect(markdownInline('abcdefghij<', 10)).toBe('abcdefghi…');
  });

  it('escapes a cell as inline text, and every pipe in it', () => {
    expect(markdownCell('<b>|@x||', 100)).toBe('&lt;b&gt;\\|@\u200Bx\\|\\|');
    expect(markdownInline('a | b', 100)).toBe('a | b');
  });

  it('shows code as typed: no entity, mention or image escape, backticks made quotes, one line', () => {
    expect(markdownCode('a <b> & @x ![i](y)', 100)).toBe('`a <b> & @x ![i](y)`');
    expect(markdownCode('run `npm test`\n  now', 100)).toBe("`run 'npm test' now`");
    expect(markdownCode('abcdefghijk', 5)).toBe('`abcd…`');
  });

  it('escapes the pipes of code only in a table cell', () => {
    expect(markdownCode('a|b', 100)).toBe('`a|b`');
    expect(markdownCode('a|b|c', 100, true)).toBe('`a\\|b\\|c`');
  });

  it('makes a fence longer than the longest run of backticks, wherever it stands', () => {
    expect(codeFence('')).toBe('```');
    expect(codeFence('``')).toBe('```');
    expect(codeFence('```')).toBe('````');
    expect(codeFence('a `` b ```` c ` d')).toBe('`````');
    expect(codeFence('x\n`````')).toBe('``````');
    expect(codeFence('`` ``')).toBe('```');
  });
});

describe('SecretBytes: finding a secret from its rarest character', () => {
  // Few letters, so that pieces of the secret, false starts and overlaps are common; capitals and digits, so that the
  // search starts from any place in the secret, the first one included.
  const letter = fc.constantFrom('a', 'b', 'Q', 'z', '7', '-');
  const secretText = fc.oneof(
    fc.string({ unit: letter, minLength: MIN_SECRET_LENGTH, maxLength: 40 }),
    // A short run repeated: the part searched for then overlaps its own next match.
    fc
      .tuple(fc.string({ unit: letter, minLength: 1, maxLength: 3 }), fc.integer({ min: MIN_SECRET_LENGTH, max: 40 }))
      .map(([run, length]) => run.repeat(length).slice(0, length)),
  );

  it('finds the same place as Buffer.indexOf, from any start', () => {
    fc.assert(
      fc.property(
        secretText,
        fc.array(fc.oneof(fc.string({ unit: letter, maxLength: 12 }), fc.nat()), { maxLength: 12 }),
        fc.nat(),
        (secret, parts, from) => {
          // Numbers stand for pieces of the secret: its start or its end, or all of it.
          const text = parts
            .map((part) => {
              if (typeof part === 'string') return part;
              const cut = part % secret.length;
              return [secret.slice(0, cut), secret.slice(cut), secret][part % 3];
            })
            .join('');
          const data = Buffer.from(text);
          const bytes = Buffer.from(secret);
          const start = from % (data.length + 2);
          expect(new SecretBytes(bytes).indexIn(data, start)).toBe(data.indexOf(bytes, start));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checks the start of a find: the end of the secret after another start is no secret', () => {
    const secret = Buffer.from('aaaaaaaaQbbbbbbbbbbbbbbbbbbbbbbb');
    const finder = new SecretBytes(secret);
    const falseStart = Buffer.from(`xaaaaaaaQbbbbbbbbbbbbbbbbbbbbbbb-${secret.toString()}`);
    expect(finder.indexIn(falseStart, 0)).toBe(33);
    expect(finder.indexIn(Buffer.from(secret.toString().slice(1)), 0)).toBe(-1);
    expect(finder.indexIn(Buffer.concat([secret, secret]), 1)).toBe(32);
    // A false start whose searched part overlaps the real one: the search goes on from the next byte, not past it.
    expect(new SecretBytes(Buffer.from('aQ'.repeat(10))).indexIn(Buffer.from(`bQ${'aQ'.repeat(10)}`), 0)).toBe(2);
  });
});
