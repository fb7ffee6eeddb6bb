/**
 * The documentation matches the code: action.yml's defaults are the ones inputs.ts falls back to (the runner fills
 * in the first, local runs and tests see the second), and the README's tables list every input, output and status.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { INPUT_NAMES, readInputs } from '../src/actions/inputs.js';
import { failedBeforeStart, STATUSES } from '../src/core/outcome.js';
import { outcomeOutputs } from '../src/actions/report.js';
import { ROOT } from './helpers/action-runner.js';

interface Metadata {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
}
const metadata = yaml.load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as Metadata;
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The rows of the markdown table that follows a heading, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of readme.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('|'))
      rows.push(
        line
          .slice(1, -1)
          .split(' | ')
          .map((cell) => cell.trim()),
      );
    else if (rows.length > 0) break;
  }
  return rows.slice(2);
}

describe('action.yml and inputs.ts agree', () => {
  it('reading only the action.yml defaults gives the same config as reading no input at all', () => {
    const defaults: Record<string, string> = {};
    for (const [name, input] of Object.entries(metadata.inputs)) {
      if (input.default !== undefined && !input.default.includes('${{')) defaults[name] = input.default;
    }
    const source = (inputs: Record<string, string>) => ({
      getInput: (name: string) => inputs[name] ?? '',
      setSecret: () => undefined,
    });
    expect(readInputs(source({ ...defaults, prompt: 'p' }), ROOT)).toEqual(readInputs(source({ prompt: 'p' }), ROOT));
  });

  it('inputs.ts knows exactly the inputs action.yml declares (the misspelt-input warning relies on it)', () => {
    expect([...INPUT_NAMES]).toEqual(Object.keys(metadata.inputs));
  });

  it('declares exactly the outputs the action sets', () => {
    expect(Object.keys(metadata.outputs).sort()).toEqual(Object.keys(outcomeOutputs(failedBeforeStart('x'))).sort());
  });
});

describe('the README', () => {
  it('lists every input with its default', () => {
    const rows = tableAfter('## Inputs');
    expect(rows.map((row) => row[0])).toEqual(Object.keys(metadata.inputs).map((name) => `\`${name}\``));
    for (const [name, cells] of rows.map((row) => [row[0].slice(1, -1), row] as const)) {
      const fallback = metadata.inputs[name].default;
      if (fallback !== undefined && fallback.length < 40) expect(cells[1], name).toBe(`\`${fallback}\``);
      if (fallback === undefined) expect(cells[1], name).toBe('');
    }
  });

  it('lists every output', () => {
    expect(tableAfter('## Outputs').map((row) => row[0])).toEqual(
      Object.keys(metadata.outputs).map((name) => `\`${name}\``),
    );
  });

  it('lists every status', () => {
    expect(tableAfter('### Statuses').map((row) => row[0])).toEqual(STATUSES.map((status) => `\`${status}\``));
  });

  it('gives the test command that CI runs', () => {
    const ci = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(readme).toMatch(/^npm ci && npm test\b/m);
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });
});

describe('links in the README and docs/', () => {
  const pages = [
    'README.md',
    'CONTRIBUTING.md',
    'SECURITY.md',
    'CHANGELOG.md',
    'BENCHMARKS.md',
    ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`),
  ];

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  const slug = (heading: string): string =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
  const anchors = (file: string): string[] => {
    const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]));
  };

  it.each(pages)('%s: every relative link names a file, and a heading, that exist', (page) => {
    const text = readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#');
      const resolved = file === '' ? page : path.normalize(path.join(path.dirname(page), file));
      if (!existsSync(path.join(ROOT, resolved))) broken.push(`${target}: no file ${resolved}`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).includes(anchor)) {
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README stays short: at most 2,500 words, the rest in docs/', () => {
    expect(readme.split(/\s+/).filter(Boolean).length).toBeLessThanOrEqual(2500);
    expect(readme).toContain('](docs/security.md)');
  });
});
