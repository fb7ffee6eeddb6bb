/**
 * Where the local command keeps Claude Code: the user's own cache, never the shared temporary directory, where
 * another user could plant a `claude` for it to run with the user's credentials.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localToolCacheDir } from '../../src/local/host-words.js';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo } from '../helpers/action-runner.js';
import { runLocal } from '../helpers/local-command.js';

const VERSION = '9.9.9';

/** A `claude` of VERSION cached whole under `root`, in the tool cache's layout. */
function cacheClaude(root: string, claude: string): string {
  const bin = path.join(root, 'claude-code', VERSION, os.arch(), 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(claude, path.join(bin, 'claude'));
  writeFileSync(path.join(root, 'claude-code', VERSION, `${os.arch()}.complete`), '');
  return bin;
}

/** A PATH with git and node alone: no claude, and no npm that would install one from the network. */
function pathWithoutNpm(): string {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'no-npm-'));
  symlinkSync(execFileSync('which', ['git'], { encoding: 'utf8' }).trim(), path.join(bin, 'git'));
  symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

describe('the local tool cache', () => {
  it('is under XDG_CACHE_HOME when it is absolute, else under ~/.cache', () => {
    expect(localToolCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, '/h')).toBe(
      '/x/cache/autonomous-loop/tool-cache',
    );
    expect(localToolCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' }, '/h')).toBe(
      '/home/u/.cache/autonomous-loop/tool-cache',
    );
    expect(localToolCacheDir({}, '/h')).toBe('/h/.cache/autonomous-loop/tool-cache');
  });

  it("never runs a claude another user planted in the shared temporary directory's tool cache", async () => {
    const repo = makeRepo();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'shared-tmp-'));
    const marker = path.join(tmp, 'planted-claude-ran');
    const planted = path.join(tmp, 'planted-claude');
    writeFileSync(planted, `#!/bin/sh\necho ran > '${marker}'\necho '${VERSION} (Claude Code)'\n`, { mode: 0o755 });
    cacheClaude(path.join(tmp, 'tool-cache'), planted);
    const run = await runLocal(['--prompt', 'x', '--claude-version', VERSION], {
      cwd: repo.dir,
      env: { TMPDIR: tmp, HOME: mkdtempSync(path.join(os.tmpdir(), 'home-')), PATH: pathWithoutNpm() },
    });
    expect(existsSync(marker)).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('npm is not on PATH');
  });

  it("uses a claude in the user's own cache, and refuses that cache once other users can write it", async () => {
    const repo = makeRepo();
    const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'xdg-cache-'));
    const root = path.join(cacheHome, 'autonomous-loop', 'tool-cache');
    cacheClaude(root, FAKE_CLAUDE);
    const claude = fakeClaude([[{ text: gate(true, 'ok') }, { result: { total_cost_usd: 0.1 } }]]);
    const env = { ...claude.env, XDG_CACHE_HOME: cacheHome, PATH: pathWithoutNpm() };
    const used = await runLocal(['--prompt', 'x', '--claude-version', VERSION], { cwd: repo.dir, env });
    expect(used.code, used.stderr).toBe(0);
    expect(used.stdout).toContain(`Using Claude Code ${VERSION} from tool cache (${root}/claude-code/`);

    chmodSync(root, 0o777);
    const refused = await runLocal(['--prompt', 'x', '--claude-version', VERSION], { cwd: repo.dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain(
      `Refusing the tool cache directory ${root}: it can be written by other users (mode 777)`,
    );
    expect(claude.calls()).toHaveLength(1);
  });
});
