/** The tool cache keeps @actions/tool-cache's layout, so a runner's cache is shared with the actions that use it. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolCache } from '../src/system/tool-cache.js';

function staged(root: string, content: string): string {
  const dir = mkdtempSync(path.join(root, 'staging-'));
  mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', '.bin'));
  writeFileSync(path.join(dir, 'node_modules', 'pkg', 'cli.js'), content);
  symlinkSync('../pkg/cli.js', path.join(dir, 'node_modules', '.bin', 'tool'));
  return dir;
}

describe('ToolCache', () => {
  it('adds a copy under <root>/<tool>/<version>/<arch>, marked whole, and finds it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    const cache = new ToolCache(path.join(root, 'cache'));
    expect(cache.find('tool', '1.2.3')).toBe('');
    const dir = await cache.add(staged(root, 'one'), 'tool', '1.2.3');
    expect(dir).toBe(path.join(root, 'cache', 'tool', '1.2.3', os.arch()));
    expect(existsSync(`${dir}.complete`)).toBe(true);
    expect(cache.find('tool', '1.2.3')).toBe(dir);
    expect(cache.find('tool', '1.2.4')).toBe('');
    // npm's .bin links point into node_modules relatively: copied as they are, they still do.
    expect(readlinkSync(path.join(dir, 'node_modules', '.bin', 'tool'))).toBe('../pkg/cli.js');
    expect(readFileSync(path.join(dir, 'node_modules', '.bin', 'tool'), 'utf8')).toBe('one');
  });

  it('does not find a copy that was never marked whole', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    mkdirSync(path.join(root, 'tool', '1.2.3', os.arch()), { recursive: true });
    expect(new ToolCache(root).find('tool', '1.2.3')).toBe('');
  });

  it('replaces an earlier copy whole, leaving none of its files', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    const cache = new ToolCache(path.join(root, 'cache'));
    const first = await cache.add(staged(root, 'one'), 'tool', '1.2.3');
    writeFileSync(path.join(first, 'left-over'), '');
    const second = await cache.add(staged(root, 'two'), 'tool', '1.2.3');
    expect(second).toBe(first);
    expect(existsSync(path.join(second, 'left-over'))).toBe(false);
    expect(readFileSync(path.join(second, 'node_modules', 'pkg', 'cli.js'), 'utf8')).toBe('two');
  });
});
