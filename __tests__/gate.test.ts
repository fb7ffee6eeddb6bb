import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatGate, GATE_END, GATE_START, parseGate } from '../src/gate.js';

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
  });
});

describe('parseGate: properties', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 200 });
  const tagged = fc.array(
    fc.oneof(text, fc.constantFrom(GATE_START, GATE_END, 'ready: true', 'blockers:', '- x', '{', '"', '\n', ':')),
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
          const gate = parseGate(input);
          if (gate !== undefined) expect(typeof gate.ready).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  const field = fc.string({ maxLength: 80 }).filter((s) => !s.includes(GATE_START) && !s.includes(GATE_END));
  const gateValue = fc.record(
    { ready: fc.boolean(), reason: field, progress: field, blockers: fc.array(field, { maxLength: 5 }) },
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
});
