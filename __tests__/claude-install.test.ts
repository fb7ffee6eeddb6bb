/**
 * Finding the CLI: claude-path, then PATH, then an npm install into the tool cache. The install is checked with a
 * stand-in `npm` on PATH that records its arguments and puts a stand-in `claude` where the real package would.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateClaude } from '../src/claude-install.js';

function executable(file: string, script: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const fakeClaudeScript = 'echo "2.1.330 (Claude Code)"';

/** A stand-in npm: records its arguments, then creates node_modules/.bin/claude under --prefix. */
function fakeNpm(dir: string, record: string): void {
  executable(
    path.join(dir, 'npm'),
    [
      `echo "$@" > ${record}`,
      'prefix=""; while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done',
      'mkdir -p "$prefix/node_modules/.bin"',
      `printf '#!/bin/sh\\n${fakeClaudeScript}\\n' > "$prefix/node_modules/.bin/claude"`,
      'chmod +x "$prefix/node_modules/.bin/claude"',
      `echo "ignore-scripts=$npm_config_ignore_scripts" >> ${record}`,
    ].join('\n'),
  );
}

describe('locateClaude', () => {
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);

  it('uses claude-path when given and reports its version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const claude = executable(path.join(dir, 'my-claude'), fakeClaudeScript);
    expect(await locateClaude(claude, '2.1.330', { PATH: '' }, log)).toEqual({
      path: claude,
      version: '2.1.330',
      source: 'claude-path',
    });
  });

  it('never installs when claude-path is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(dir, record);
    await expect(locateClaude(path.join(dir, 'nope'), '2.1.330', { PATH: dir }, log)).rejects.toThrow(
      `Input 'claude-path' is "${path.join(dir, 'nope')}", but ${path.join(dir, 'nope')} is not an executable file.`,
    );
    expect(() => readFileSync(record)).toThrow();
  });

  it('prefers claude on PATH', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    executable(path.join(dir, 'bin', 'claude'), fakeClaudeScript);
    const found = await locateClaude('', '2.1.330', { PATH: `/nonexistent:${path.join(dir, 'bin')}` }, log);
    expect(found).toEqual({ path: path.join(dir, 'bin', 'claude'), version: '2.1.330', source: 'PATH' });
  });

  it('installs the pinned version with npm into the tool cache, with install scripts, then reuses it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    const record = path.join(dir, 'npm-args');
    fakeNpm(path.join(dir, 'npm-bin'), record);
    const env = { PATH: `${path.join(dir, 'npm-bin')}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') };
    const prefix = path.join(dir, 'cache', 'claude-code', '2.1.330');

    const installed = await locateClaude('', '2.1.330', env, log);
    expect(installed).toEqual({
      path: path.join(prefix, 'node_modules', '.bin', 'claude'),
      version: '2.1.330',
      source: 'installed',
    });
    const [args, scripts] = readFileSync(record, 'utf8').trim().split('\n');
    expect(args).toBe(`install --no-save --no-audit --no-fund --prefix ${prefix} @anthropic-ai/claude-code@2.1.330`);
    expect(scripts).toBe('ignore-scripts=false');
    expect(logs.some((line) => line.includes('installing @anthropic-ai/claude-code@2.1.330'))).toBe(true);

    expect((await locateClaude('', '2.1.330', env, log)).source).toBe('tool cache');
  });

  it('says clearly when the install fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'locate-'));
    executable(path.join(dir, 'npm'), 'echo "npm error 404 No match found for version 0.0.0-nope" >&2; exit 1');
    await expect(
      locateClaude('', '0.0.0-nope', { PATH: `${dir}:/bin:/usr/bin`, RUNNER_TOOL_CACHE: path.join(dir, 'cache') }, log),
    ).rejects.toThrow(
      /Could not install @anthropic-ai\/claude-code@0.0.0-nope \(input 'claude-version'\) with npm: npm error 404/,
    );
  });
});
