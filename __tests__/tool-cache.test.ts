/** The tool cache keeps @actions/tool-cache's layout, so a runner's cache is shared with the actions that use it. */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolCache, UnsafeToolCacheError } from '../src/system/tool-cache.js';

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

  it('refuses a version or tool name that is not one plain path segment, naming it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    const cache = new ToolCache(path.join(root, 'cache'));
    for (const version of ['..', '.', '../../evil', 'a/b', 'a\\b', '', '-1']) {
      expect(() => cache.find('tool', version)).toThrow(`version (letters, digits, . + - _), not "${version}"`);
      await expect(cache.add(staged(root, 'x'), 'tool', version)).rejects.toThrow(`not "${version}"`);
    }
    expect(() => cache.find('..', '1.2.3')).toThrow('tool name (letters, digits, . + - _), not ".."');
    expect(existsSync(path.join(root, 'cache'))).toBe(false);
    // Exact versions as npm writes them are plain segments.
    expect(cache.find('claude-code', '2.1.330-beta.1+build')).toBe('');
  });
});

/** A copy of `tool` 1.2.3 planted whole under `root`, as someone with write access there could. */
function plant(root: string): string {
  const dir = path.join(root, 'tool', '1.2.3', os.arch());
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}.complete`, '');
  return dir;
}

const asRoot = process.getuid?.() === 0;
const ANOTHER_USER = 65534;

describe("ToolCache (private: a user's own)", () => {
  it('creates a missing root readable by this user alone when it adds, and finds nothing before', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    const root = path.join(base, 'home', '.cache', 'autonomous-loop', 'tool-cache');
    const cache = new ToolCache(root, { private: true });
    expect(cache.find('tool', '1.2.3')).toBe('');
    expect(existsSync(root)).toBe(false);
    const dir = await cache.add(staged(base, 'one'), 'tool', '1.2.3');
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(cache.find('tool', '1.2.3')).toBe(dir);
  });

  it('refuses a root that other users can write (a shared temporary directory), naming it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    plant(root);
    chmodSync(root, 0o1777);
    const cache = new ToolCache(root, { private: true });
    expect(() => cache.find('tool', '1.2.3')).toThrow(UnsafeToolCacheError);
    expect(() => cache.find('tool', '1.2.3')).toThrow(
      `Refusing the tool cache directory ${root}: it can be written by other users (mode 777)`,
    );
    await expect(cache.add(staged(root, 'x'), 'tool', '1.2.3')).rejects.toThrow(UnsafeToolCacheError);
    // A runner's cache is the runner's: the same root is used as it is.
    expect(new ToolCache(root).find('tool', '1.2.3')).toBe(path.join(root, 'tool', '1.2.3', os.arch()));
  });

  it('refuses a tool directory in it that other users can write', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    chmodSync(root, 0o700);
    plant(root);
    chmodSync(path.join(root, 'tool', '1.2.3'), 0o757);
    expect(() => new ToolCache(root, { private: true }).find('tool', '1.2.3')).toThrow(
      `Refusing the tool cache directory ${path.join(root, 'tool', '1.2.3')}: it can be written by other users`,
    );
  });

  it('refuses a link where the cache keeps a tool directory', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    chmodSync(root, 0o700);
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-elsewhere-'));
    plant(elsewhere);
    symlinkSync(path.join(elsewhere, 'tool'), path.join(root, 'tool'));
    expect(() => new ToolCache(root, { private: true }).find('tool', '1.2.3')).toThrow(
      `Refusing the tool cache directory ${path.join(root, 'tool')}: it is not a directory`,
    );
  });

  it.runIf(asRoot)("refuses a root or a tool's directory that another user owns, naming it", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    chmodSync(root, 0o755);
    const planted = plant(root);
    chownSync(planted, ANOTHER_USER, ANOTHER_USER);
    const cache = new ToolCache(root, { private: true });
    expect(() => cache.find('tool', '1.2.3')).toThrow(
      `Refusing the tool cache directory ${planted}: it belongs to another user (uid ${ANOTHER_USER}; you are uid 0)`,
    );
    chownSync(root, ANOTHER_USER, ANOTHER_USER);
    expect(() => cache.find('tool', '1.2.3')).toThrow(`Refusing the tool cache directory ${root}: it belongs`);
  });

  it('takes a root of its own that is readable by others but writable by this user alone', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));
    chmodSync(root, 0o755);
    const dir = plant(root);
    expect(new ToolCache(root, { private: true }).find('tool', '1.2.3')).toBe(dir);
  });
});
