/** `npm run mutate`'s judgement of Stryker's report: every module against its own floor. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { belowFloors, FLOORS, scores } from '../scripts/mutate.mjs';
import { ROOT } from './helpers/action-runner.js';

type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored';
const file = (counts: Partial<Record<Status, number>>) => ({
  mutants: Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status }))),
});

describe('npm run mutate', () => {
  it('counts killed and timed-out mutants as detected, survivors and uncovered ones as not, and nothing else', () => {
    const report = {
      files: { 'src/b.ts': file({ Killed: 6, Timeout: 3, Survived: 2, NoCoverage: 1, CompileError: 5, Ignored: 4 }) },
    };
    expect(scores(report)).toEqual([{ file: 'src/b.ts', detected: 9, undetected: 3, score: 75 }]);
  });

  it('names each module below its floor, with its score, and none at or above it', () => {
    const report = {
      files: {
        'src/gate.ts': file({ Killed: 89, Survived: 11 }),
        'src/loop.ts': file({ Killed: 90, NoCoverage: 10 }),
        'src/report.ts': file({ Killed: 81, Timeout: 9, Survived: 10 }),
        'src/inputs.ts': file({ Ignored: 3 }),
      },
    };
    expect(belowFloors(report)).toEqual([
      'src/gate.ts: mutation score 89.00% is below its floor of 90% (11 undetected)',
    ]);
  });

  it('takes a floor of its own for a module that has one', () => {
    const report = {
      files: { 'src/a.ts': file({ Killed: 79, Survived: 21 }), 'src/b.ts': file({ Killed: 79, Survived: 21 }) },
    };
    expect(belowFloors(report, { default: 90, 'src/b.ts': 75 })).toEqual([
      'src/a.ts: mutation score 79.00% is below its floor of 90% (21 undetected)',
    ]);
  });

  it('measures the modules CONTRIBUTING.md lists, with the floors it states', () => {
    const config = JSON.parse(readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8')) as { mutate: string[] };
    const readme = readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Mutation testing'));
    const listed = [...section.matchAll(/^\| `(src\/[a-z0-9/-]+\.ts)` +\| +[\d.]+% +\| +(\d+)% +\|/gm)];
    expect(listed.map(([, module]) => module).sort()).toEqual([...config.mutate].sort());
    for (const [, module, floor] of listed)
      expect(Number(floor)).toBe(FLOORS[module as keyof typeof FLOORS] ?? FLOORS.default);
  });
});
