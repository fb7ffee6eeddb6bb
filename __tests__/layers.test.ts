/**
 * The folders of src/ are layers, held by the import rule in eslint.config.js: each case is an import the rule
 * must refuse or allow, linted as if it stood in a file of that folder.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function refused(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: file });
  return result.messages.some((message) => message.ruleId === 'no-restricted-imports');
}

describe('the import rule between layers', () => {
  it.each([
    ['src/core/probe.ts', '../system/check-command.js'],
    ['src/core/probe.ts', '../claude/stream-json.js'],
    ['src/core/probe.ts', '../actions/inputs.js'],
    ['src/core/probe.ts', '../runner.js'],
    ['src/core/probe.ts', 'node:fs'],
    ['src/text/probe.ts', '../core/gate.js'],
    ['src/text/probe.ts', 'node:child_process'],
    ['src/system/probe.ts', '../claude/claude-cli.js'],
    ['src/system/probe.ts', '../actions/report.js'],
    ['src/claude/probe.ts', '../actions/main.js'],
    ['src/claude/probe.ts', '../local/main.js'],
    ['src/claude/probe.ts', '../runner.js'],
    ['src/runner.ts', './actions/inputs.js'],
    ['src/runner.ts', './local/main.js'],
    ['src/actions/probe.ts', '../local/main.js'],
    ['src/local/probe.ts', '../actions/report.js'],
  ])('%s may not import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(true);
  });

  it.each([
    ['src/core/probe.ts', './gate.js'],
    ['src/core/probe.ts', '../text/text.js'],
    ['src/text/probe.ts', './text.js'],
    ['src/text/probe.ts', 'node:crypto'],
    ['src/system/probe.ts', '../core/gate.js'],
    ['src/system/probe.ts', 'node:fs'],
    ['src/claude/probe.ts', '../system/process-group.js'],
    ['src/runner.ts', './claude/claude-cli.js'],
    ['src/actions/probe.ts', '../runner.js'],
    ['src/local/probe.ts', '../runner.js'],
  ])('%s may import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(false);
  });
});
