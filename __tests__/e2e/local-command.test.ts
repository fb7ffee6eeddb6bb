/**
 * End to end: the built local command drives the REAL Claude Code CLI (the pinned devDependency) against a fake
 * Anthropic Messages API on 127.0.0.1, in a real git repository, with the API key from the environment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT } from '../helpers/action-runner.js';
import { runLocal } from '../helpers/local-command.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const API_KEY = 'sk-ant-e2e-local-fake-key-000111222333';

let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('autonomous-loop with the real Claude Code CLI', () => {
  it('runs a loop to completion from a terminal', async () => {
    api = await startFakeAnthropicApi([
      { tool: 'Write', input: { file_path: 'hello.txt', content: 'hello from claude\n' } },
      { text: gate(false, 'Not verified yet') },
      { text: gate(true, 'hello.txt exists and is correct') },
    ]);
    const repo = makeRepo();
    const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
    const summary = path.join(home, 'summary.md');
    const args = [
      '--prompt',
      'Create hello.txt, then finish.',
      '--claude-path',
      CLAUDE,
      '--json',
      '--summary',
      summary,
    ];
    const run = await runLocal(args, {
      cwd: repo.dir,
      env: {
        ANTHROPIC_API_KEY: API_KEY,
        ANTHROPIC_BASE_URL: api.url,
        HOME: home,
        CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
        CLAUDE_CODE_MAX_RETRIES: '0',
        API_TIMEOUT_MS: '20000',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const outputs = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({ status: 'completed', iterations: 2, reason: 'hello.txt exists and is correct' });
    expect(outputs['cost-usd']).toBeGreaterThan(0);
    expect(readFileSync(path.join(repo.dir, 'hello.txt'), 'utf8')).toBe('hello from claude\n');
    expect(run.stderr).toMatch(/Iteration 1 of 10: changed files · \$[\d.]+ · gate not ready: Not verified yet/);
    expect(run.stderr).toContain('→ Write');
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ✅ Autonomous loop: `completed`\n/);
    expect(run.stdout + run.stderr).not.toContain('::');
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
    expect(JSON.stringify(api.requests)).not.toContain(API_KEY);
  });
});
