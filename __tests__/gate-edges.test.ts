import { describe, expect, it } from 'vitest';
import { GATE_END, GATE_START, parseFinalGate, parseGate } from '../src/core/gate.js';

const body = (text: string) => parseGate(`${GATE_START}\n${text}\n${GATE_END}`);

describe('parseGate: which tags make a block', () => {
  it('reads no gate from text before an end tag that has no start tag', () => {
    const text = `The plan is to print this when done:\nready: true\n${GATE_END}`;
    expect(parseGate(text)).toBeUndefined();
    expect(parseFinalGate(text)).toBeUndefined();
  });

  it('keeps a gate followed by an end tag that has no start tag of its own', () => {
    const text = `${GATE_START}\nready: false\n${GATE_END}\nquoted from the docs:\nready: true\n${GATE_END}`;
    expect(parseGate(text)).toEqual({ ready: false, extra: {} });
  });
});

describe('parseGate: the JSON form', () => {
  it('is no gate without a ready key', () => {
    expect(body('{"reason": "done", "progress": "all"}')).toBeUndefined();
  });

  it('is no gate when the JSON is not an object', () => {
    for (const text of ['null', '[{"ready": true}]', '"ready: true"', '42']) {
      expect(body(text), text).toBeUndefined();
    }
  });

  it('reads a body that only starts like JSON as lines', () => {
    expect(body('{draft}\nready: true\nreason: done')).toEqual({ ready: true, reason: 'done', extra: {} });
  });

  it('reads keys in any case and with spaces around them, and ready as 1 or " yes "', () => {
    expect(body('{" Ready ": 1, "REASON": "r", " Next ": "x"}')).toEqual({
      ready: true,
      reason: 'r',
      extra: { next: 'x' },
    });
    expect(body('{"ready": " yes "}')?.ready).toBe(true);
    expect(body('{"ready": 2}')?.ready).toBe(false);
  });

  it('keeps a reason or progress that is not a string as its JSON text', () => {
    expect(body('{"ready": false, "reason": 42, "progress": ["a", "b"]}')).toEqual({
      ready: false,
      reason: '42',
      progress: '["a","b"]',
      extra: {},
    });
  });

  it('keeps blockers that are not strings as their JSON text', () => {
    expect(body('{"ready": false, "blockers": {"ci": "red"}}')?.blockers).toEqual(['{"ci":"red"}']);
    expect(body('{"ready": false, "blockers": [7, {"ci": "red"}, "Fix a"]}')?.blockers).toEqual([
      '7',
      '{"ci":"red"}',
      'Fix a',
    ]);
    expect(body('{"ready": false, "blockers": null}')?.blockers).toEqual([]);
  });
});

describe('parseGate: keys of the lines form', () => {
  it('reads ready, reason and progress with nothing after the colon as empty, not as lists', () => {
    expect(body('ready:\nreason:\nprogress:')).toEqual({ ready: false, reason: '', progress: '', extra: {} });
  });

  it('keeps a list under another key in extra, not in blockers', () => {
    expect(body('ready: false\nnotes:\n  - a\n  - b')).toEqual({ ready: false, extra: { notes: ['a', 'b'] } });
  });

  it('reads two lists one after the other', () => {
    expect(body('ready: false\nblockers:\n  - a\nnotes:\n  - b')).toEqual({
      ready: false,
      blockers: ['a'],
      extra: { notes: ['b'] },
    });
  });

  it('ends a block scalar at the next key', () => {
    expect(body('ready: false\nreason: >\n  a\nprogress: p\n  b')).toEqual({
      ready: false,
      reason: 'a',
      progress: 'p',
      extra: {},
    });
  });

  it('allows spaces before the colon', () => {
    expect(body('ready : true\nReason  : r')).toEqual({ ready: true, reason: 'r', extra: {} });
  });

  it('ignores lines without a colon', () => {
    expect(body('All done here\nready: true\nthat is all')).toEqual({ ready: true, extra: {} });
  });
});

describe('parseGate: block scalars', () => {
  it('takes the text of a block as it is: no quotes stripped, no JSON read', () => {
    expect(body('ready: false\nreason: |\n  "quoted"\nnotes: >\n  [1, 2]\nblockers: |\n  ["a"]')).toEqual({
      ready: false,
      reason: '"quoted"',
      blockers: ['["a"]'],
      extra: { notes: '[1, 2]' },
    });
  });

  it('starts a literal block at its first non-blank line and drops the blank lines that end it', () => {
    expect(body('ready: false\nprogress: |\n\n  a\n    b\n\nreason: r')).toMatchObject({
      progress: 'a\n  b',
      reason: 'r',
    });
  });

  it('reads a block header with no lines under it as empty', () => {
    expect(body('ready: false\nprogress: |\nreason: >')).toEqual({
      ready: false,
      progress: '',
      reason: '',
      extra: {},
    });
  });

  it('reads a value that only starts with > or | as plain text', () => {
    for (const value of ['>x', '> 5 failing', '>+1 since the last run', '|-x', '|a|']) {
      expect(body(`ready: false\nreason: ${value}`)?.reason, value).toBe(value);
    }
  });
});

describe('parseGate: blockers that are only punctuation', () => {
  it('drops them, as they name nothing in the way', () => {
    expect(body('ready: false\nblockers: [".", "?!", "Fix a."]')?.blockers).toEqual(['Fix a.']);
  });
});

describe('parseGate: quotes', () => {
  it('strips quotes only when they surround the value', () => {
    for (const value of ['"', "'", '"half quoted', 'ends quoted"', "'tis done", "it's", "the runners'"]) {
      expect(body(`ready: false\nreason: ${value}`)?.reason, value).toBe(value);
    }
  });

  it('strips double quotes around text that is not a JSON string', () => {
    expect(body('ready: false\nreason: "see C:\\path"')?.reason).toBe('see C:\\path');
  });
});

describe('parseFinalGate: fences', () => {
  const ready = `${GATE_START}\nready: true\n${GATE_END}`;

  it('counts a gate in an indented fence, as in a list item', () => {
    expect(parseFinalGate(`- Summary\n  \`\`\`\n${ready}\n  \`\`\``)).toEqual({ ready: true, extra: {} });
  });

  it('does not count two backticks as a fence', () => {
    expect(parseFinalGate(`\`\`\n${ready}\n\`\``)).toBeUndefined();
  });
});
