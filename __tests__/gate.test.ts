import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGate, GATE_END, GATE_START, parseFinalGate, parseGate, withoutFinalGate } from '../src/core/gate.js';

describe('parseGate: the seed tests', () => {
  it('parses the YAML-like format', () => {
    const gate = parseGate(`
Some output before
<COMPLETION_GATE>
ready: true
reason: "All tests pass"
progress: "Implemented feature X"
</COMPLETION_GATE>
More output after
`);
    expect(gate?.ready).toBe(true);
    expect(gate?.reason).toBe('All tests pass');
    expect(gate?.progress).toBe('Implemented feature X');
  });

  it('parses a gate that is not ready, with blockers', () => {
    const gate = parseGate(`
<COMPLETION_GATE>
ready: false
reason: "Tests are failing"
blockers: ["Fix test_foo", "Fix test_bar"]
</COMPLETION_GATE>
`);
    expect(gate?.ready).toBe(false);
    expect(gate?.reason).toBe('Tests are failing');
    expect(gate?.blockers).toEqual(['Fix test_foo', 'Fix test_bar']);
  });

  it('parses the JSON format', () => {
    const gate = parseGate(`
<COMPLETION_GATE>
{
  "ready": true,
  "reason": "Done",
  "progress": "All good"
}
</COMPLETION_GATE>
`);
    expect(gate?.ready).toBe(true);
    expect(gate?.reason).toBe('Done');
    expect(gate?.progress).toBe('All good');
  });

  it('takes the last of two gates', () => {
    const gate = parseGate(`
<COMPLETION_GATE>
ready: false
reason: "Still working"
</COMPLETION_GATE>
Some more work...
<COMPLETION_GATE>
ready: true
reason: "Finally done"
</COMPLETION_GATE>
`);
    expect(gate?.ready).toBe(true);
    expect(gate?.reason).toBe('Finally done');
  });

  it('finds no gate where there is none', () => {
    expect(parseGate('No completion gate here')).toBeUndefined();
  });
});

describe('parseGate: beyond the seed', () => {
  it('reads ready case-insensitively as true, yes or 1', () => {
    for (const value of ['true', 'TRUE', 'True', 'yes', 'YES', '1', '"true"']) {
      expect(parseGate(`${GATE_START}\nready: ${value}\n${GATE_END}`)?.ready, value).toBe(true);
    }
    for (const value of ['false', 'no', '0', 'maybe', '']) {
      expect(parseGate(`${GATE_START}\nready: ${value}\n${GATE_END}`)?.ready, value).toBe(false);
    }
  });

  it('keeps unquoted reason and progress, and single quotes', () => {
    const gate = parseGate(
      `${GATE_START}\nready: no\nreason: plain words: with a colon\nprogress: 'half way'\n${GATE_END}`,
    );
    expect(gate?.reason).toBe('plain words: with a colon');
    expect(gate?.progress).toBe('half way');
  });

  it('takes a single blocker string', () => {
    expect(parseGate(`${GATE_START}\nready: false\nblockers: "CI is red"\n${GATE_END}`)?.blockers).toEqual([
      'CI is red',
    ]);
  });

  it('reads YAML list lines after blockers:', () => {
    const gate = parseGate(`${GATE_START}
ready: false
blockers:
  - "Fix a"
  - Update docs
  - 'third: with colon'
reason: working
${GATE_END}`);
    expect(gate?.blockers).toEqual(['Fix a', 'Update docs', 'third: with colon']);
    expect(gate?.reason).toBe('working');
  });

  it('keeps unknown keys, as JSON when they are JSON', () => {
    const gate = parseGate(
      `${GATE_START}\nready: false\nconfidence: 0.8\nnext: "write tests"\nflags: [1, 2]\n${GATE_END}`,
    );
    expect(gate?.extra).toEqual({ confidence: 0.8, next: 'write tests', flags: [1, 2] });
  });

  it('keeps unknown keys of the JSON format', () => {
    const gate = parseGate(`${GATE_START}{"ready": "yes", "blockers": "one", "eta": 3}${GATE_END}`);
    expect(gate).toEqual({ ready: true, blockers: ['one'], extra: { eta: 3 } });
  });

  it('takes the last complete block, not a block built from the first start tag', () => {
    // The seed re-parsed from the first start tag up to each end tag, so an unclosed first block swallowed the rest.
    const text = `${GATE_START}\nready: true\nreason: "quoted in the plan"\n and then ${GATE_START}\nready: false\nreason: "real"\n${GATE_END}`;
    expect(parseGate(text)).toMatchObject({ ready: false, reason: 'real' });
  });

  it('ignores an unclosed block after a complete one', () => {
    const text = `${GATE_START}\nready: false\nreason: done so far\n${GATE_END}\n${GATE_START}\nready: true\n`;
    expect(parseGate(text)).toMatchObject({ ready: false, reason: 'done so far' });
  });

  it('ignores a garbled last block and keeps the valid one before it', () => {
    const text = `${GATE_START}\nready: false\n${GATE_END} ${GATE_START}\n%%% nothing here %%%\n${GATE_END}`;
    expect(parseGate(text)).toMatchObject({ ready: false });
    expect(parseGate(`${GATE_START}\n{"ready": tru\n${GATE_END}`)).toBeUndefined();
    expect(parseGate(`${GATE_START}${GATE_END}`)).toBeUndefined();
  });

  it('ignores an end tag before any start tag', () => {
    expect(parseGate(`${GATE_END} ${GATE_START} ready: true`)).toBeUndefined();
  });

  it('reads Windows line endings', () => {
    expect(parseGate(`${GATE_START}\r\nready: true\r\nreason: "ok"\r\n${GATE_END}`)).toMatchObject({
      ready: true,
      reason: 'ok',
    });
  });

  it('stays linear on adversarial input', () => {
    // Many start tags and no end tag, then many end tags: a quadratic scan would take minutes here.
    const text = GATE_START.repeat(200_000) + GATE_END.repeat(200_000) + `${GATE_START}\nready: true\n${GATE_END}`;
    expect(parseGate(text)?.ready).toBe(true);
    expect(parseFinalGate(text)?.ready).toBe(true);
    const deep = `${GATE_START}\nready: false\nreason: >\n${'  ready: true\n  - x\n'.repeat(200_000)}${GATE_END}\n\`\`\``;
    expect(parseGate(deep)?.ready).toBe(false);
    expect(parseFinalGate(deep)).toBeUndefined();
  });
});

describe('parseFinalGate: only a gate that ends the text counts', () => {
  const ready = `${GATE_START}\nready: true\nreason: "done"\n${GATE_END}`;

  it('counts a gate at the very end, trailing whitespace allowed', () => {
    expect(parseFinalGate(`All tests pass.\n${ready}`)).toMatchObject({ ready: true, reason: 'done' });
    expect(parseFinalGate(`All tests pass.\n${ready}\n\n  \r\n`)).toMatchObject({ ready: true });
  });

  it('counts a gate wrapped in a code fence at the end', () => {
    expect(parseFinalGate(`Summary.\n\`\`\`text\n${ready}\n\`\`\`\n`)).toMatchObject({ ready: true });
    expect(parseFinalGate(`\`\`\`\n${ready}\n\`\`\``)).toMatchObject({ ready: true });
    expect(parseFinalGate(`Summary.\n~~~~\n${ready}\n~~~~`)).toMatchObject({ ready: true });
  });

  it('does not count a gate followed by more prose', () => {
    expect(parseFinalGate(`${ready}\nBut first I still need to run the tests.`)).toBeUndefined();
    expect(parseFinalGate(`${ready}.`)).toBeUndefined();
  });

  it('does not count a gate quoted in a code fence in the middle of prose', () => {
    const quoted = `The README shows this example:\n\`\`\`text\n${ready}\n\`\`\`\nI will now fix the failing test.`;
    expect(parseFinalGate(quoted)).toBeUndefined();
  });

  it('does not count a closing fence that does not close a fence opened just before the gate', () => {
    // The tail of a quoted file that happens to end with a gate, not a gate block of Claude's own.
    expect(parseFinalGate(`\`\`\`\n# notes.md\n${ready}\n\`\`\``)).toBeUndefined();
    expect(parseFinalGate(`\`\`\`text\n${ready}\n~~~`)).toBeUndefined();
    expect(parseFinalGate(`\`\`\`\`\n${ready}\n\`\`\``)).toBeUndefined();
    expect(parseFinalGate(`Summary.\n${ready}\n\`\`\``)).toBeUndefined();
  });

  it('does not fall back to an earlier gate when the last block does not end the text', () => {
    const earlier = `${GATE_START}\nready: false\n${GATE_END}`;
    expect(parseFinalGate(`${earlier}\n${ready}\nand more`)).toBeUndefined();
    expect(parseFinalGate(`${ready}\n${GATE_START}\nready: true\n`)).toBeUndefined();
    expect(parseFinalGate(`${ready}\n${GATE_END}`)).toBeUndefined();
  });

  it('takes the last of two gates when the last one ends the text', () => {
    const text = `${GATE_START}\nready: false\n${GATE_END}\nFixed it.\n${ready}`;
    expect(parseFinalGate(text)).toMatchObject({ ready: true });
  });

  it('does not count a garbled gate at the end', () => {
    expect(parseFinalGate(`${ready}\n${GATE_START}\n%%%\n${GATE_END}`)).toBeUndefined();
  });
});

describe('parseGate: indentation', () => {
  it('never reads ready from inside a folded reason', () => {
    const gate = parseGate(`${GATE_START}
ready: false
reason: >
  The fix is in, but CI has not run.
  ready: true
  once it is green.
${GATE_END}`);
    expect(gate).toMatchObject({
      ready: false,
      reason: 'The fix is in, but CI has not run. ready: true once it is green.',
    });
  });

  it('keeps the newlines of a literal block and strips its indentation', () => {
    const gate = parseGate(
      `${GATE_START}\nready: false\nprogress: |-\n  step one\n    detail\n  ready: true\nreason: "r"\n${GATE_END}`,
    );
    expect(gate).toMatchObject({ ready: false, progress: 'step one\n  detail\nready: true', reason: 'r' });
  });

  it('folds blank lines of a folded block into newlines', () => {
    const gate = parseGate(`${GATE_START}\nready: no\nreason: >\n  one\n  two\n\n  three\n${GATE_END}`);
    expect(gate?.reason).toBe('one two\nthree');
  });

  it('ignores an indented line under a key with a plain value', () => {
    const gate = parseGate(`${GATE_START}\nready: false\nreason: short\n  ready: true\n${GATE_END}`);
    expect(gate).toMatchObject({ ready: false, reason: 'short' });
  });

  it('ignores an indented line under a list that is not a list item', () => {
    const gate = parseGate(`${GATE_START}\nready: false\nblockers:\n  - Fix a\n  ready: true\n${GATE_END}`);
    expect(gate).toMatchObject({ ready: false, blockers: ['Fix a'] });
  });

  it('reads a body that is indented as a whole', () => {
    const gate = parseGate(
      `${GATE_START}\n    ready: true\n    reason: >\n      all\n      green\n    progress: p\n${GATE_END}`,
    );
    expect(gate).toMatchObject({ ready: true, reason: 'all green', progress: 'p' });
  });

  it('reads list items written at the indentation of their key', () => {
    expect(parseGate(`${GATE_START}\nready: false\nblockers:\n- a\n- b\n${GATE_END}`)?.blockers).toEqual(['a', 'b']);
  });
});

describe('parseGate: placeholder blockers', () => {
  it('drops empty and placeholder blockers in every form', () => {
    const forms = [
      'blockers: none',
      'blockers: "N/A."',
      'blockers: []',
      'blockers: ["", "  ", "none", "n/a", "NA", "-", "Nothing!", "null", "~"]',
      'blockers: [null]',
      'blockers:\n  - none\n  - ""\n  - n/a',
    ];
    for (const form of forms) {
      expect(parseGate(`${GATE_START}\nready: false\n${form}\n${GATE_END}`)?.blockers, form).toEqual([]);
    }
    expect(parseGate(`${GATE_START}{"ready": false, "blockers": ["None.", "", null]}${GATE_END}`)?.blockers).toEqual(
      [],
    );
  });

  it('keeps real blockers, also next to placeholders and when they start like one', () => {
    const gate = parseGate(
      `${GATE_START}\nready: false\nblockers: ["none", "None of the tests pass", "n/a: no API key", "Fix a"]\n${GATE_END}`,
    );
    expect(gate?.blockers).toEqual(['None of the tests pass', 'n/a: no API key', 'Fix a']);
  });
});

describe('parseGate: properties', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 200 });
  const tagged = fc.array(
    fc.oneof(
      text,
      fc.constantFrom(
        GATE_START,
        GATE_END,
        'ready: true',
        'blockers:',
        'reason: >',
        'progress: |-',
        '- x',
        '  ',
        '\t',
        '```',
        '~~~',
        '{',
        '"',
        '\n',
        ':',
      ),
    ),
    { maxLength: 40 },
  );

  it('never throws on random or adversarial text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          tagged.map((parts) => parts.join('')),
        ),
        (input) => {
          for (const gate of [parseGate(input), parseFinalGate(input)]) {
            if (gate !== undefined) expect(typeof gate.ready).toBe('boolean');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  const field = fc.string({ maxLength: 80 }).filter((s) => !s.includes(GATE_START) && !s.includes(GATE_END));
  // A real blocker: never empty, never a placeholder such as "none".
  const blocker = field.map((s) => `fix ${s}`);
  const gateValue = fc.record(
    { ready: fc.boolean(), reason: field, progress: field, blockers: fc.array(blocker, { maxLength: 5 }) },
    { requiredKeys: ['ready'] },
  );

  it('round-trips a well-formed gate, whatever surrounds it', () => {
    fc.assert(
      fc.property(gateValue, field, field, (gate, before, after) => {
        const parsed = parseGate(`${before}\n${formatGate(gate)}\n${after}`);
        expect(parsed).toEqual({ ...gate, extra: {} });
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips the JSON form', () => {
    fc.assert(
      fc.property(gateValue, (gate) => {
        expect(parseGate(`${GATE_START}\n${JSON.stringify(gate, null, 2)}\n${GATE_END}`)).toEqual({
          ...gate,
          extra: {},
        });
      }),
      { numRuns: 500 },
    );
  });

  const placeholder = fc.constantFrom('', ' ', 'none', 'None.', 'N/A', 'n/a!', 'na', '-', 'Nothing', 'NULL', '~');

  it('drops placeholders from blockers and keeps the real ones in order, in both forms', () => {
    const mixed = fc.array(fc.oneof(blocker, placeholder), { maxLength: 8 });
    fc.assert(
      fc.property(mixed, (blockers) => {
        const real = blockers.filter((b) => b.startsWith('fix '));
        expect(parseGate(formatGate({ ready: false, blockers }))?.blockers).toEqual(real);
        expect(parseGate(`${GATE_START}${JSON.stringify({ ready: false, blockers })}${GATE_END}`)?.blockers).toEqual(
          real,
        );
      }),
      { numRuns: 500 },
    );
  });

  const fence = fc.constantFrom(['', ''], ['```\n', '\n```'], ['```text\n', '\n```'], ['~~~~\n', '\n~~~~']);
  const blank = fc.constantFrom('', '\n', '\n\n', ' \r\n', '\t');

  it('parseFinalGate reads a gate that ends the text, fenced or not', () => {
    fc.assert(
      fc.property(gateValue, field, fence, blank, (gate, before, [open, close], trailing) => {
        const parsed = parseFinalGate(`${before}\n${open}${formatGate(gate)}${close}${trailing}`);
        expect(parsed).toEqual({ ...gate, extra: {} });
      }),
      { numRuns: 500 },
    );
  });

  it('parseFinalGate reads no gate that more prose follows, fenced or not', () => {
    const prose = field.map((s) => `Next, ${s}`);
    fc.assert(
      fc.property(gateValue, field, fence, prose, (gate, before, [open, close], after) => {
        expect(parseFinalGate(`${before}\n${open}${formatGate(gate)}${close}\n${after}`)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('withoutFinalGate', () => {
  const block = `${GATE_START}\nready: true\nreason: "done"\n${GATE_END}`;
  it.each([
    ['the gate that ends the text', `All done.\n\n${block}\n`, 'All done.'],
    ['a fenced gate with its fence', `All done.\n\`\`\`\n${block}\n\`\`\`\n`, 'All done.'],
    ['a gate quoted before more text', `See ${block} in the docs, then more.`, `See ${block} in the docs, then more.`],
    ['text without a gate', 'Nothing here.', 'Nothing here.'],
    ['only a gate', block, ''],
    ['the last of two gates', `One ${block}\nTwo\n${block}`, `One ${block}\nTwo`],
    ['a gate the text does not close the fence of', `x\n\`\`\`\n${block}\n~~~`, `x\n\`\`\`\n${block}\n~~~`],
  ])('%s', (_, text, expected) => {
    expect(withoutFinalGate(text)).toBe(expected);
  });

  it('removes exactly the block that parseFinalGate reads', () => {
    for (const text of [`a\n${block}`, `a ${block} b`, `\`\`\`\n${block}\n\`\`\``]) {
      expect(withoutFinalGate(text) !== text).toBe(parseFinalGate(text) !== undefined);
    }
  });
});
