/**
 * CONTRIBUTING's recipe for running the action on a machine, `npx @github/local-action run . src/actions/main.ts
 * .env`, with the scripted stand-in CLI: the tool replaces `@actions/core` and lists the outputs the action set,
 * which must be every output action.yml declares.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo, ROOT } from '../helpers/action-runner.js';

const metadata = yaml.load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  outputs: Record<string, unknown>;
};

/** The rows of the tool's "Action Outputs" table: `│ 0 │ 'status' │ 'completed' │`. */
function outputTable(stdout: string): Record<string, string> {
  const table = stdout.slice(stdout.lastIndexOf('Action Outputs'));
  const rows = [...table.matchAll(/^│\s*\d+\s*│\s*'([^']*)'\s*│\s*(['"])(.*)\2\s*│$/gm)];
  return Object.fromEntries(rows.map(([, name, , value]) => [name, value]));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npx @github/local-action', () => {
  it('runs the action and shows every output', { timeout: 180_000 }, async () => {
    expect(
      existsSync(path.join(ROOT, 'node_modules', '@github', 'local-action')),
      '@github/local-action is a devDependency: run npm ci',
    ).toBe(true);
    const repo = makeRepo();
    const claude = fakeClaude([[{ append: 'w' }, { text: gate(true, 'the widget is built') }, { result: {} }]]);
    const dotenv = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-action-')), '.env');
    // As in .env.example: INPUT_ and the input's name in capitals, hyphens kept.
    const lines = {
      INPUT_PROMPT: '"Build the widget"',
      'INPUT_ANTHROPIC-API-KEY': 'sk-ant-api03-local-action-test-key-0123456789',
      'INPUT_WORKING-DIRECTORY': repo.dir,
      'INPUT_CLAUDE-PATH': FAKE_CLAUDE,
      'INPUT_MAX-ITERATIONS': '3',
      ...claude.env,
    };
    writeFileSync(
      dotenv,
      Object.entries(lines)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );

    const { code, out } = await run(
      'npx',
      ['--no', '@github/local-action', 'run', '.', 'src/actions/main.ts', dotenv],
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // A git worktree may share its node_modules through a symlink: the tool replaces `@actions/core` at the path
        // npm reports, which Node would otherwise load under its real path.
        NODE_OPTIONS: '--preserve-symlinks',
      },
    );

    expect(code, out).toBe(0);
    expect(out).not.toContain('No outputs were set!');
    const outputs = outputTable(out);
    expect(Object.keys(outputs).sort(), out).toEqual(Object.keys(metadata.outputs).sort());
    expect(outputs).toMatchObject({ status: 'completed', iterations: '1', reason: 'the widget is built' });
    expect(claude.calls()).toHaveLength(1);
  });
});
