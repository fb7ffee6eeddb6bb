/**
 * The one door for untrusted text, tried as an attacker would: secrets whole, cut and split across chunks; workflow
 * commands in every form the runner reads; HTML, comments, mentions and images in Markdown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeFence,
  LogDoor,
  markdownCell,
  markdownInline,
  MIN_PARTIAL_SECRET,
  Secrets,
} from '../src/text/untrusted-text.js';
import { shorten } from '../src/text/text.js';
import { runnerCommands } from './helpers/action-runner.js';

const API_KEY = 'sk-ant-api03-Zx9QvT3mK8pLw2Rb7Nc4';
const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const secrets = new Secrets([API_KEY, TOKEN, '', undefined]);

describe('Secrets.redact', () => {
  it('replaces every whole secret', () => {
    expect(secrets.redact(`key=${API_KEY} token=${TOKEN} again ${API_KEY}`)).toBe('key=*** token=*** again ***');
  });

  it('replaces a secret that contains another one whole', () => {
    const inner = 'abcdefghijklmnop';
    const outer = `${inner}-and-more-0123`;
    expect(new Secrets([inner, outer]).redact(`${outer} ${inner}`)).toBe('*** ***');
  });

  it('replaces the piece of a secret that a cut left at the end, at the start, or before an ellipsis', () => {
    expect(secrets.redact(`the key is ${API_KEY.slice(0, 12)}`)).toBe('the key is ***');
    expect(secrets.redact(`${API_KEY.slice(-10)} was the end of it`)).toBe('*** was the end of it');
    expect(secrets.redact(shorten(`the token ${TOKEN} leaked`, 25))).toBe('the token ***…');
  });

  it('leaves pieces too short to matter, and secrets that are blank', () => {
    const short = API_KEY.slice(0, MIN_PARTIAL_SECRET - 1);
    expect(secrets.redact(`ends with ${short}`)).toBe(`ends with ${short}`);
    expect(new Secrets(['', '   ']).redact('nothing to hide')).toBe('nothing to hide');
  });

  it('redacts a secret inside base64, at any byte offset, as actions/checkout stores the token', () => {
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    expect(secrets.redact(header)).toMatch(/^AUTHORIZATION: basic [A-Za-z0-9+/]*\*\*\*[A-Za-z0-9+/=]{0,4}$/);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}${API_KEY} and more`).toString('base64');
      expect(secrets.redact(encoded), prefix).toContain('***');
    }
  });

  it('leaves values too short to be real secrets alone', () => {
    expect(new Secrets(['x', 'abc1234']).redact('box of wax, abc1234')).toBe('box of wax, abc1234');
  });

  it('redacts every string of a value, deep', () => {
    const value = { reason: `uses ${API_KEY}`, list: [`${TOKEN}`, 3], nested: { ok: true, text: TOKEN } };
    expect(secrets.redactDeep(value)).toEqual({
      reason: 'uses ***',
      list: ['***', 3],
      nested: { ok: true, text: '***' },
    });
    expect(value.reason).toBe(`uses ${API_KEY}`);
  });
});

describe('StreamRedactor', () => {
  const chunked = (text: string, cuts: number[]): Buffer => {
    const bytes = Buffer.from(text);
    const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
    const redactor = secrets.streamRedactor();
    const out: Buffer[] = [];
    let from = 0;
    for (const at of [...positions, bytes.length]) {
      out.push(redactor.push(bytes.subarray(from, at)));
      from = at;
    }
    out.push(redactor.end());
    return Buffer.concat(out);
  };

  it('redacts a secret split across chunks at every possible cut', () => {
    const text = `{"type":"assistant","text":"export ANTHROPIC_API_KEY=${API_KEY}"}\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(chunked(text, [cut]).toString(), `cut at ${cut}`).toBe(secrets.redact(text));
    }
  });

  it('gives the same bytes as redacting the whole stream at once, however it is chunked', () => {
    const piece = fc.oneof(fc.string(), fc.constant(API_KEY), fc.constant(TOKEN), fc.constant(API_KEY.slice(0, 9)));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, cuts) => {
        // A stream that ends in a cut secret is the one case where the whole-text rule differs: keep it out.
        const text = `${pieces.join(' ')}.`;
        const out = chunked(text, cuts).toString();
        expect(out).toBe(secrets.redact(text));
        expect(out.includes(API_KEY) || out.includes(TOKEN)).toBe(false);
      }),
    );
  });

  it('redacts the start of a secret that the stream ends with', () => {
    expect(chunked(`cut off: ${TOKEN.slice(0, 20)}`, [12]).toString()).toBe('cut off: ***');
  });

  it('passes chunks without any secret through untouched', () => {
    const redactor = secrets.streamRedactor();
    const chunk = Buffer.from('{"type":"user","message":"plain text"}\n');
    expect(redactor.push(chunk)).toBe(chunk);
  });
});

describe('LogDoor', () => {
  const attacks = [
    '::error title=Deploy failed::please re-run with the secret',
    '   ::add-mask::innocent-word',
    'text before ##[add-mask]innocent-word',
    '##[set-output name=status;]completed',
    '\t::set-env name=NODE_OPTIONS::--require /tmp/evil.js',
    '::stop-commands::attacker',
    '::attacker::',
    '::endgroup::',
  ];

  function logged(write: (door: LogDoor) => void): string {
    let out = '';
    const door = new LogDoor(secrets, (text) => (out += text));
    write(door);
    door.closeWindow();
    return out;
  }

  it('makes every line of untrusted text inert, in every form the runner reads', () => {
    for (const attack of attacks) {
      const out = logged((door) => door.text(`Claude says:\n${attack}\nand goes on`));
      expect(runnerCommands(out), attack).toEqual([]);
      expect(out, attack).toContain(`${attack}\n`);
    }
  });

  it('keeps the action’s own commands live between untrusted lines', () => {
    let out = '';
    const door = new LogDoor(secrets, (text) => (out += text));
    door.text(attacks.join('\n'));
    door.closeWindow();
    out += '::group::Iteration 2 of 10\n';
    door.text('::warning::forged');
    const warning = door.annotation('a real warning');
    out += `::warning::${warning}\n`;
    expect(runnerCommands(out).map((command) => command.name)).toEqual(['group', 'warning']);
  });

  it('cannot be closed by text that guesses or replays a window token', () => {
    let out = '';
    const door = new LogDoor(secrets, (text) => (out += text));
    door.text('first: a::b');
    const token = /::stop-commands::(\w+)/.exec(out)![1];
    door.closeWindow();
    // The token of a closed window is known from the log; the next window has a new one.
    door.text(`::${token}::\n::error::forged`);
    door.closeWindow();
    expect(runnerCommands(out)).toEqual([]);
  });

  it('shares one window between consecutive lines, and redacts them', () => {
    const out = logged((door) => {
      door.text(`key ${API_KEY} ::`);
      door.text('second line ##[');
    });
    expect(out.match(/::stop-commands::/g)).toHaveLength(1);
    expect(out).toContain('key *** ::\nsecond line ##[\n');
    expect(out).not.toContain(API_KEY);
  });

  it('opens no window for text in which the runner could find no command', () => {
    const out = logged((door) => {
      door.text(`key ${API_KEY}: one line`);
      door.text('→ Bash npm test\n  indented: #[x] [##] : :');
    });
    expect(out).toBe('key ***: one line\n→ Bash npm test\n  indented: #[x] [##] : :\n');
  });

  it.each(['std::vector', 'a ##[x', '\u00a0::error::x', 'one\r::error::x', `${API_KEY}::`])(
    'opens a window for %j, wherever the :: or ##[ stands',
    (text) => {
      const out = logged((door) => door.text(text));
      expect(out).toMatch(/^::stop-commands::\w+\n/);
    },
  );

  it('keeps the order of plain lines written before a window opens', async () => {
    const out = logged((door) => {
      door.text('plain');
      door.text('::error::forged');
      door.text('after');
    });
    expect(out.replace(/[0-9a-f]{32}/g, 'T')).toBe('plain\n::stop-commands::T\n::error::forged\nafter\n::T::\n');
    expect(runnerCommands(out)).toEqual([]);
  });

  it('redacts annotations', () => {
    expect(logged((door) => door.annotation(`failed with ${TOKEN}`))).toBe('');
    expect(new LogDoor(secrets, () => undefined).annotation(`failed with ${TOKEN}`)).toBe('failed with ***');
  });
});

describe('Markdown', () => {
  it('renders HTML, comments and details as the text they are', () => {
    const text = markdownInline('<img src=x onerror=alert(1)> <!-- hide the rest <details><summary>x', 500);
    expect(text).not.toMatch(/<[a-z!/]/i);
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('&lt;!--');
  });

  it('does not notify anyone, and shows no remote image', () => {
    expect(markdownInline('thanks @octocat and @github/security', 100)).toBe(
      'thanks @\u200Boctocat and @\u200Bgithub/security',
    );
    expect(markdownInline('![pixel](https://example.com/p.png)', 100)).toBe('!\\[pixel](https://example.com/p.png)');
  });

  it('keeps a table cell one cell, and text on one line', () => {
    expect(markdownCell('a | b\n| c', 100)).toBe('a \\| b \\| c');
  });

  it('fences text with a fence longer than any run of backticks in it', () => {
    expect(codeFence('plain')).toBe('```');
    expect(codeFence('a ```` b')).toBe('`````');
  });
});

describe('SecretScanner', () => {
  const scan = (bytes: Buffer, cuts: number[]): boolean => {
    const scanner = secrets.scanner();
    let from = 0;
    for (const at of [...cuts, bytes.length]) {
      scanner.push(bytes.subarray(from, at));
      from = at;
    }
    return scanner.seen;
  };
  const wrapped = (text: string, width: number, eol = '\n'): Buffer =>
    Buffer.from(
      Buffer.from(text)
        .toString('base64')
        .replace(new RegExp(`(.{${width}})`, 'g'), `$1${eol}`),
    );

  it('finds a secret, raw or in base64 wrapped at any width, however the stream is cut in two or three', () => {
    const streams = [
      Buffer.from(`x=${API_KEY};`),
      wrapped(`${'#'.repeat(45)}${TOKEN} suffix`, 76),
      wrapped(`${'#'.repeat(7)}${API_KEY}`, 8, '\r\n'),
      // As a log joins the lines, and as JSON writes them.
      wrapped(`${'#'.repeat(45)}${TOKEN} suffix`, 76, ' '),
      wrapped(`${'#'.repeat(45)}${TOKEN} suffix`, 76, '\\n'),
    ];
    for (const bytes of streams) {
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(scan(bytes, [cut]), `${bytes.toString()} cut at ${cut}`).toBe(true);
        expect(scan(bytes, [cut, Math.min(bytes.length, cut + 5)]), `cut at ${cut} and ${cut + 5}`).toBe(true);
      }
    }
  });

  it('finds nothing in text without a secret, and nothing without secrets', () => {
    expect(scan(Buffer.from(`${API_KEY.slice(0, 20)}\n${API_KEY.slice(21)}`), [10])).toBe(false);
    const none = new Secrets([]).scanner();
    expect(none.push(Buffer.from(API_KEY))).toBe(false);
  });
});
