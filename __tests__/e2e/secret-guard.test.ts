/**
 * The secret guard end to end: the REAL Claude Code CLI, driven by a fake Anthropic API on 127.0.0.1, runs a Bash
 * command that writes the job's API key, base64-encoded, into a subfolder, then says it is done. The loop must end
 * `failed` naming the file, and the step must fail.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const API_KEY = 'sk-ant-e2e-guard-key-Qz7Xw2Lm9Rt4Vp8Ys1';

let api: Awaited<ReturnType<typeof startFakeAnthropicApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('the secret guard with the real CLI', () => {
  it('stops a loop whose Bash command wrote the API key in base64 into a subfolder', async () => {
    api = await startFakeAnthropicApi([
      {
        tool: 'Bash',
        input: { command: `mkdir -p build/cache && printf '%s' '${API_KEY}' | base64 > build/cache/k.txt` },
      },
      { text: gate(true, 'All done') },
    ]);
    const repo = makeRepo();
    const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'Cache the key.', 'claude-path': CLAUDE, 'anthropic-api-key': API_KEY },
      env: {
        ANTHROPIC_BASE_URL: api.url,
        HOME: home,
        CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
        CLAUDE_CODE_MAX_RETRIES: '0',
        API_TIMEOUT_MS: '20000',
      },
    });
    // The command really ran: the file is there, the key in it.
    const written = readFileSync(path.join(repo.dir, 'build/cache/k.txt'), 'utf8');
    expect(Buffer.from(written, 'base64').toString()).toBe(API_KEY);
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('failed');
    expect(run.outputs.reason).toContain('build/cache/k.txt');
    expect(run.outputs.reason).toContain('Revoke that credential');
    expect(run.code).toBe(1);
  });
});
