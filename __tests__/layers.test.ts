/**
 * The folders of src/ are layers, held by the import rule in eslint.config.js: each case is an import the rule
 * must refuse or allow, linted as if it stood in a file of that folder. The layers both front ends share name no
 * action input, GitHub Actions or runner variable: each adapter says things in its own words.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function refused(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: file });
  return result.messages.some((message) => message.ruleId === 'no-restricted-imports');
}

async function refusedAtRunTime(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`export const y = () => import('${from}');\n`, { filePath: file });
  return result.messages.some((message) => message.ruleId === 'no-restricted-syntax');
}

describe('the import rule between layers', () => {
  it.each([
    ['src/core/probe.ts', '../system/check-command.js'],
    ['src/core/probe.ts', '../claude/stream-json.js'],
    ['src/core/probe.ts', '../actions/inputs.js'],
    ['src/core/probe.ts', '../runner.js'],
    ['src/core/probe.ts', 'node:fs'],
    ['src/core/probe.ts', 'fs'],
    ['src/core/probe.ts', './../actions/main.js'],
    ['src/core/probe.ts', '../../src/local/main.js'],
    ['src/text/probe.ts', '../core/gate.js'],
    ['src/text/probe.ts', 'node:child_process'],
    ['src/report/probe.ts', '../system/check-command.js'],
    ['src/report/probe.ts', '../actions/report.js'],
    ['src/report/probe.ts', 'node:fs'],
    ['src/system/probe.ts', '../claude/claude-cli.js'],
    ['src/system/probe.ts', '../actions/report.js'],
    ['src/claude/probe.ts', '../actions/main.js'],
    ['src/claude/probe.ts', '../local/main.js'],
    ['src/claude/probe.ts', '../runner.js'],
    ['src/claude/probe.ts', '../report/summary.js'],
    ['src/system/probe.ts', './../local/main.js'],
    ['src/runner.ts', './actions/inputs.js'],
    ['src/runner.ts', './local/main.js'],
    ['src/actions/probe.ts', '../local/main.js'],
    ['src/local/probe.ts', '../actions/report.js'],
  ])('%s may not import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(true);
  });

  it.each([
    ['src/core/probe.ts', '../actions/main.js'],
    ['src/core/probe.ts', 'node:fs'],
    ['src/runner.ts', './local/main.js'],
    ['src/claude/probe.ts', '../actions/main.js'],
  ])('%s may not import() %s either', async (file, from) => {
    expect(await refusedAtRunTime(file, from)).toBe(true);
  });

  it.each([
    ['src/core/probe.ts', './gate.js'],
    ['src/claude/probe.ts', '@actions/io'],
  ])('%s may import() %s', async (file, from) => {
    expect(await refusedAtRunTime(file, from)).toBe(false);
  });

  it.each([
    ['src/core/probe.ts', './gate.js'],
    ['src/core/probe.ts', '../text/text.js'],
    ['src/text/probe.ts', './text.js'],
    ['src/text/probe.ts', 'node:crypto'],
    ['src/system/probe.ts', '../core/gate.js'],
    ['src/system/probe.ts', 'node:fs'],
    ['src/report/probe.ts', '../core/outcome.js'],
    ['src/report/probe.ts', '../text/untrusted-text.js'],
    ['src/local/probe.ts', '../report/summary.js'],
    ['src/actions/probe.ts', '../report/summary.js'],
    ['src/claude/probe.ts', '../system/process-group.js'],
    ['src/runner.ts', './claude/claude-cli.js'],
    ['src/actions/probe.ts', '../runner.js'],
    ['src/local/probe.ts', '../runner.js'],
  ])('%s may import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(false);
  });
});

/** What only an adapter may say: an action input, GitHub Actions, the runner's variables, an action to run. */
const ADAPTER_WORDS = /GitHub Actions|RUNNER_|GITHUB_|INPUT_|input '|' input|Input '|(?<!@)actions\//;

/** The layers both front ends share: they speak in causes and facts, and each adapter puts them in its words. */
const SHARED = ['src/core', 'src/claude', 'src/system', 'src/text', 'src/runner.ts'];

/** Files that may still word a cause one front end's way: none. */
const ALLOWED: Array<{ file: string; line?: string }> = [];

function filesUnder(entry: string): string[] {
  if (statSync(entry).isFile()) return [entry];
  return readdirSync(entry, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(entry, name));
}

/** Each string, template, regular expression and name in `file`'s code (not its comments) that has an adapter word. */
function adapterWordsIn(file: string): Array<{ line: number; text: string }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    const isModuleName = ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent);
    if ((ts.isStringLiteralLike(node) && !isModuleName) || ts.isTemplateLiteralToken(node) || ts.isIdentifier(node)) {
      if (ADAPTER_WORDS.test(node.text)) found.push(where(node));
    } else if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && ADAPTER_WORDS.test(node.getText())) {
      found.push(where(node));
    }
    ts.forEachChild(node, visit);
  };
  const where = (node: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line;
    return { line: line + 1, text: source.text.split('\n')[line].trim() };
  };
  ts.forEachChild(source, visit);
  return found;
}

describe("the shared layers speak no adapter's words", () => {
  it('finds them in code, not in comments, and not in a package name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'words-'));
    const file = path.join(dir, 'probe.ts');
    writeFileSync(
      file,
      [
        "import { which } from '@actions/io';",
        "// GitHub Actions, RUNNER_TEMP and input 'x' in a comment",
        '/** run actions/checkout first */',
        "const a = 'ok';",
        'const b = `in a GitHub Actions job ${a}`;',
        'const c = process.env.RUNNER_TEMP;',
        'const d = /^INPUT_/;',
        'const e = "set the \'claude-path\' input";',
        'export { which, b, c, d, e };',
      ].join('\n'),
    );
    expect(adapterWordsIn(file).map((hit) => hit.line)).toEqual([5, 6, 7, 8]);
  });

  it.each(SHARED)('%s', (entry) => {
    const hits = filesUnder(entry).flatMap((file) =>
      adapterWordsIn(file)
        .filter((hit) => !ALLOWED.some((a) => a.file === file && (a.line === undefined || hit.text.includes(a.line))))
        .map((hit) => `${file}:${hit.line}: ${hit.text}`),
    );
    expect(hits).toEqual([]);
  });
});
