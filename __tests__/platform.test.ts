/**
 * Windows fails at once: the pure check for each platform, and the built action on a runner that says it is Windows
 * (process.platform replaced before dist/index.js loads), which must start nothing and still report.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsupportedPlatformReason } from '../src/actions/platform.js';
import { fakeClaude, FAKE_CLAUDE, makeRepo, parseOutputFile, runAction } from './helpers/action-runner.js';

describe('unsupportedPlatformReason', () => {
  it.each(['linux', 'darwin'] as const)('lets the action run on %s', (platform) => {
    expect(unsupportedPlatformReason(platform)).toBeUndefined();
  });

  it('refuses Windows, saying why and what to use instead', () => {
    const reason = unsupportedPlatformReason('win32');
    expect(reason).toMatch(/^This action runs on Linux and macOS runners only, and this runner is Windows/);
    expect(reason).toContain('POSIX process groups');
    expect(reason).toContain('`runs-on: ubuntu-latest` or `macos-latest`');
  });
});

describe('the built action on Windows', () => {
  it('fails at once with every output set and a summary, and never starts claude', async () => {
    const preload = path.join(mkdtempSync(path.join(os.tmpdir(), 'win32-')), 'win32.mjs');
    writeFileSync(preload, "Object.defineProperty(process, 'platform', { value: 'win32' });\n");
    const repo = makeRepo();
    const claude = fakeClaude([[{ text: 'never' }]]);
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'x', 'claude-path': FAKE_CLAUDE, 'anthropic-api-key': 'sk-ant-test-key-0123456789' },
      env: { ...claude.env, NODE_OPTIONS: `--import=${preload}` },
    });
    const reason = unsupportedPlatformReason('win32') ?? '';
    expect(run.code).toBe(1);
    // @actions/core ends lines with os.EOL, which is CRLF on Windows (and so here), as the Windows runner expects.
    const outputFile = path.join(path.dirname(run.runnerTemp), 'output');
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8').replaceAll('\r\n', '\n'));
    expect(outputs).toMatchObject({ status: 'failed', iterations: '0', reason, blockers: '[]' });
    expect(run.stdout).toContain(`::error::${reason}`);
    expect(run.summary).toContain('runs on Linux and macOS runners only');
    expect(claude.calls()).toEqual([]);
    expect(claude.versionCalls()).toEqual([]);
  });
});
