/**
 * The work-tree fingerprint with real git in temporary repositories: what counts as a change (submodules and other
 * nested repositories included), that it leaves the user's repository as it was, that its scratch space stays
 * bounded, and that broken work trees end in an error a user can act on.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sameFingerprint } from '../src/core/fingerprint.js';
import { Workspace } from '../src/system/workspace.js';
import { makeRepo, type TempRepo } from './helpers/action-runner.js';

let cleanup: (() => void)[] = [];
/** Where the workspace puts its scratch space (under os.tmpdir()): a directory of the test's own, to measure it. */
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'workspace-test-'));
});
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

function repo(files?: Record<string, string>): TempRepo {
  const made = makeRepo(files);
  cleanup.push(() => rmSync(made.dir, { recursive: true, force: true }));
  return made;
}

async function open(directory: string): Promise<Workspace> {
  vi.stubEnv('TMPDIR', tmp);
  const workspace = await Workspace.open(directory);
  cleanup.push(() => workspace.dispose());
  return workspace;
}

/** Adds `sub` to `outer` as a submodule at `at`, committed. */
function addSubmodule(outer: TempRepo, sub: TempRepo, at: string): void {
  outer.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, at);
  outer.git('-c', 'protocol.file.allow=always', 'submodule', 'update', '--init', '--recursive', '-q');
  outer.git('commit', '-q', '-m', `add ${at}`);
}

/** Every file under `dir` with its size. */
function listing(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stats = statSync(path.join(dir, name));
    if (stats.isFile()) files.set(name, stats.size);
  }
  return files;
}

const bytesUnder = (dir: string): number => [...listing(dir).values()].reduce((a, b) => a + b, 0);

describe('Workspace.fingerprint', () => {
  it('is the same for an untouched work tree and differs after an edit, an added or a removed file', async () => {
    const r = repo({ 'a.txt': 'a\n', 'dir/b.txt': 'b\n' });
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    expect(sameFingerprint(start, await workspace.fingerprint())).toBe(true);

    writeFileSync(path.join(r.dir, 'a.txt'), 'changed\n');
    writeFileSync(path.join(r.dir, 'new.txt'), 'new\n');
    rmSync(path.join(r.dir, 'dir/b.txt'));
    const after = await workspace.fingerprint();
    expect(sameFingerprint(start, after)).toBe(false);
    expect(await workspace.countChangedFiles(start, after)).toBe(3);
    // A plain JSON value: a later feature saves it to disk.
    expect(JSON.parse(JSON.stringify(after))).toEqual(after);
  });

  it('sees an edit that keeps the size, made in the same second as the index was written', async () => {
    // The "racily clean" case: git compares timestamps to the second (unless built with USE_NSEC), so it rechecks
    // the content of files as new as the index. A copy of the index must not look newer than the original.
    const r = repo({ 'a.txt': 'one\n' });
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    const second = (file: string) => Math.floor(statSync(file).mtimeMs / 1000);
    for (let attempt = 0; ; attempt++) {
      writeFileSync(path.join(r.dir, 'a.txt'), 'one\n');
      r.git('add', 'a.txt');
      writeFileSync(path.join(r.dir, 'a.txt'), 'two\n');
      if (second(path.join(r.dir, 'a.txt')) === second(path.join(r.dir, '.git/index')) || attempt === 5) break;
    }
    // The fingerprint comes in a later second, as it would after a long iteration.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));
    const after = await workspace.fingerprint();
    expect(sameFingerprint(start, after)).toBe(false);
    // The next one starts from the copy the first refreshed: the edit is still seen there.
    expect(await workspace.fingerprint()).toEqual(after);
  });

  it('on a fresh checkout (every entry racily clean), sees each edit in every later fingerprint', async () => {
    const r = repo({ 'a.txt': 'one\n', 'b.txt': 'two\n', 'c.txt': 'six\n' });
    // As actions/checkout leaves it: the index no newer than the files.
    const index = path.join(r.dir, '.git/index');
    const oldest = Math.min(...['a.txt', 'b.txt', 'c.txt'].map((f) => statSync(path.join(r.dir, f)).mtimeMs));
    utimesSync(index, oldest / 1000, oldest / 1000);
    const indexBefore = readFileSync(index);
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    expect(await workspace.fingerprint()).toEqual(start);
    // Edits that keep the size, right after the fingerprint: in the same second as its copy of the index.
    writeFileSync(path.join(r.dir, 'a.txt'), 'ONE\n');
    const first = await workspace.fingerprint();
    expect(sameFingerprint(start, first)).toBe(false);
    writeFileSync(path.join(r.dir, 'b.txt'), 'TWO\n');
    const second = await workspace.fingerprint();
    expect(sameFingerprint(first, second)).toBe(false);
    expect(await workspace.fingerprint()).toEqual(second);
    expect(await workspace.countChangedFiles(start, second)).toBe(2);
    expect(readFileSync(index).equals(indexBefore)).toBe(true);
  });

  /** git on PATH that logs every `update-index --refresh` it is asked for, and fails it when `failRefresh`. */
  function gitThatLogsRefreshes(failRefresh: boolean): () => number {
    const dir = mkdtempSync(path.join(tmp, 'git-wrapper-'));
    const log = path.join(dir, 'refreshes');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      path.join(dir, 'git'),
      `#!/bin/sh\ncase " $* " in *" --refresh "*) echo refresh >> '${log}'; ${failRefresh ? 'echo broken >&2; exit 128' : ''};; esac\nexec '${realGit}' "$@"\n`,
    );
    chmodSync(path.join(dir, 'git'), 0o755);
    vi.stubEnv('PATH', `${dir}${path.delimiter}${process.env.PATH ?? ''}`);
    return () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
  }

  it('refreshes its copy of the index once, for the first version of the real index only', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    const refreshes = gitThatLogsRefreshes(false);
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    expect(await workspace.fingerprint()).toEqual(start);
    expect(refreshes()).toBe(1);
    writeFileSync(path.join(r.dir, 'b.txt'), 'b\n');
    r.git('add', 'b.txt');
    const after = await workspace.fingerprint();
    expect(await workspace.countChangedFiles(start, after)).toBe(1);
    expect(refreshes()).toBe(1);
  });

  it('still fingerprints when the refresh fails: it was only a saving', async () => {
    const r = repo({ 'a.txt': 'a\n' });
    const refreshes = gitThatLogsRefreshes(true);
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    writeFileSync(path.join(r.dir, 'a.txt'), 'A\n');
    const after = await workspace.fingerprint();
    expect(sameFingerprint(start, after)).toBe(false);
    expect(await workspace.countChangedFiles(start, after)).toBe(1);
    expect(refreshes()).toBe(1);
  });

  it.each([
    ['core.trustCtime', 'false'],
    ['core.checkStat', 'minimal'],
  ])('with %s %s, sees a rewrite that keeps the size and the time on a fresh checkout', async (key, value) => {
    // git then compares no change time: only the racily clean entry, read again, shows the new content.
    const r = repo({ 'a.txt': 'one\n' });
    r.git('config', key, value);
    const refreshes = gitThatLogsRefreshes(false);
    const old = new Date('2020-09-13T12:26:40Z');
    utimesSync(path.join(r.dir, 'a.txt'), old, old);
    utimesSync(path.join(r.dir, '.git/index'), old, old);
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    writeFileSync(path.join(r.dir, 'a.txt'), 'ONE\n');
    utimesSync(path.join(r.dir, 'a.txt'), old, old);
    const after = await workspace.fingerprint();
    expect(sameFingerprint(start, after)).toBe(false);
    expect(refreshes()).toBe(0);
  });

  it('starts from the real index again once it changed: a file that left it and is ignored is gone', async () => {
    const r = repo({ '.gitignore': '*.log\n', 'a.txt': 'a\n' });
    writeFileSync(path.join(r.dir, 'kept.log'), 'tracked although ignored\n');
    r.git('add', '-f', 'kept.log');
    r.git('commit', '-q', '-m', 'a tracked log');
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    r.git('rm', '-q', '--cached', 'kept.log');
    const after = await workspace.fingerprint();
    expect(sameFingerprint(start, after)).toBe(false);
    expect(await workspace.countChangedFiles(start, after)).toBe(1);
  });

  it('neither hangs on nor fingerprints a named pipe', async () => {
    const r = repo();
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    execFileSync('mkfifo', [path.join(r.dir, 'pipe')]);
    expect(sameFingerprint(start, await workspace.fingerprint())).toBe(true);
  });

  it('ignores ignored files', async () => {
    const r = repo({ '.gitignore': 'build/\n' });
    const workspace = await open(r.dir);
    const start = await workspace.fingerprint();
    mkdirSync(path.join(r.dir, 'build'));
    writeFileSync(path.join(r.dir, 'build/out.js'), 'x\n');
    expect(sameFingerprint(start, await workspace.fingerprint())).toBe(true);
  });

  describe('nested repositories', () => {
    it('counts an edit inside a submodule as a change, and its files in files-changed', async () => {
      const outer = repo({ 'top.txt': 'top\n' });
      addSubmodule(outer, repo({ 'lib.txt': 'lib\n', 'more.txt': 'more\n' }), 'sub');
      const workspace = await open(outer.dir);
      const start = await workspace.fingerprint();

      writeFileSync(path.join(outer.dir, 'sub/lib.txt'), 'edited\n');
      writeFileSync(path.join(outer.dir, 'sub/added.txt'), 'added\n');
      const after = await workspace.fingerprint();
      expect(sameFingerprint(start, after)).toBe(false);
      expect(await workspace.countChangedFiles(start, after)).toBe(2);
    });

    it('counts files changed in nested submodules, and a commit in a submodule as a change', async () => {
      const inner = repo({ 'inner.txt': 'inner\n' });
      const middle = repo({ 'middle.txt': 'middle\n' });
      addSubmodule(middle, inner, 'deep/inner');
      const outer = repo({ 'top.txt': 'top\n' });
      addSubmodule(outer, middle, 'middle');
      const workspace = await open(outer.dir);
      const start = await workspace.fingerprint();

      writeFileSync(path.join(outer.dir, 'top.txt'), 'edited\n');
      writeFileSync(path.join(outer.dir, 'middle/middle.txt'), 'edited\n');
      writeFileSync(path.join(outer.dir, 'middle/deep/inner/inner.txt'), 'edited\n');
      const edited = await workspace.fingerprint();
      expect(sameFingerprint(start, edited)).toBe(false);
      expect(await workspace.countChangedFiles(start, edited)).toBe(3);

      // A commit inside the innermost submodule moves its HEAD: a change, though no file's content changes.
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'edit'], {
        cwd: path.join(outer.dir, 'middle/deep/inner'),
      });
      const committed = await workspace.fingerprint();
      expect(sameFingerprint(edited, committed)).toBe(false);
      // The moved submodule commits are not files: still the three edited files.
      expect(await workspace.countChangedFiles(start, committed)).toBe(3);
    });

    it('fingerprints a repository without commits inside the work tree as content', async () => {
      const r = repo();
      const workspace = await open(r.dir);
      const start = await workspace.fingerprint();

      execFileSync('git', ['init', '-q', 'fresh'], { cwd: r.dir });
      writeFileSync(path.join(r.dir, 'fresh/one.txt'), 'one\n');
      const created = await workspace.fingerprint();
      expect(sameFingerprint(start, created)).toBe(false);
      expect(await workspace.countChangedFiles(start, created)).toBe(1);

      writeFileSync(path.join(r.dir, 'fresh/one.txt'), 'edited\n');
      writeFileSync(path.join(r.dir, 'fresh/two.txt'), 'two\n');
      const edited = await workspace.fingerprint();
      expect(sameFingerprint(created, edited)).toBe(false);
      expect(await workspace.countChangedFiles(start, edited)).toBe(2);
    });
  });

  describe('programs that the repository names (Claude can write its configuration)', () => {
    /** Configures in `dir` an fsmonitor, a hook and a filter for every file, each of which logs to `log` when run. */
    function arm(dir: string, git: (...args: string[]) => string, log: string, driver: string): void {
      const logs = (what: string) => `sh -c 'echo ${what} >> ${log}; env >> ${log}; cat'`;
      git('config', 'core.fsmonitor', logs('fsmonitor'));
      git('config', `filter.${driver}.clean`, logs('clean'));
      git('config', `filter.${driver}.process`, logs('process'));
      git('config', `filter.${driver}.required`, 'true');
      const hook = path.join(dir, '.git', 'hooks', 'post-index-change');
      mkdirSync(path.dirname(hook), { recursive: true });
      writeFileSync(hook, `#!/bin/sh\necho hook >> ${log}\n`);
      chmodSync(hook, 0o755);
      writeFileSync(path.join(dir, '.gitattributes'), `* filter=${driver}\n`);
    }

    it('runs no fsmonitor, hook or filter, in a nested repository either, and still sees every change', async () => {
      const log = path.join(tmp, 'ran.log');
      const r = repo({ 'a.txt': 'a\n' });
      const nested = path.join(r.dir, 'nested');
      mkdirSync(nested);
      const nestedGit = (...args: string[]) => execFileSync('git', args, { cwd: nested, encoding: 'utf8' });
      nestedGit('init', '-q');
      writeFileSync(path.join(nested, 'n.txt'), 'n\n');
      arm(r.dir, r.git, log, 'evil');
      // A driver's name may hold dots.
      arm(nested, nestedGit, log, 'with.dots');
      const workspace = await open(r.dir);
      const start = await workspace.fingerprint();
      writeFileSync(path.join(r.dir, 'a.txt'), 'A\n');
      writeFileSync(path.join(r.dir, 'b.txt'), 'b\n');
      writeFileSync(path.join(nested, 'n.txt'), 'N\n');
      const after = await workspace.fingerprint();
      expect(await workspace.countChangedFiles(start, after)).toBe(3);
      expect(existsSync(log) ? readFileSync(log, 'utf8') : 'nothing ran').toBe('nothing ran');
    });

    it('gives git the environment it is opened with', async () => {
      const log = path.join(tmp, 'env.log');
      const r = repo({ 'a.txt': 'a\n' });
      // A program the guard does not know of: what it sees is the environment the workspace was given.
      const wrapper = path.join(tmp, 'bin');
      mkdirSync(wrapper);
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      writeFileSync(path.join(wrapper, 'git'), `#!/bin/sh\nenv >> ${log}\nexec ${realGit} "$@"\n`);
      chmodSync(path.join(wrapper, 'git'), 0o755);
      vi.stubEnv('SECRET_OF_THE_HOST', 'host-secret-value');
      vi.stubEnv('TMPDIR', tmp);
      const workspace = await Workspace.open(r.dir, { PATH: `${wrapper}:${process.env.PATH}`, HOME: os.homedir() });
      cleanup.push(() => workspace.dispose());
      await workspace.fingerprint();
      const seen = readFileSync(log, 'utf8');
      expect(seen).toContain('GIT_CONFIG_KEY_0=core.fsmonitor');
      expect(seen).not.toContain('host-secret-value');
    });
  });

  describe("the user's repository and the scratch space", () => {
    it('leaves .git as it was: no object, no index change', async () => {
      const r = repo({ 'a.txt': 'a\n', 'dir/b.txt': 'b\n' });
      const gitDir = path.join(r.dir, '.git');
      const before = listing(gitDir);
      const index = readFileSync(path.join(gitDir, 'index'));
      const workspace = await open(r.dir);
      const start = await workspace.fingerprint();

      writeFileSync(path.join(r.dir, 'a.txt'), 'changed\n');
      writeFileSync(path.join(r.dir, 'dir/big.bin'), randomBytes(256 * 1024));
      const after = await workspace.fingerprint();
      expect(await workspace.countChangedFiles(start, after)).toBe(2);

      expect(listing(gitDir)).toEqual(before);
      expect(readFileSync(path.join(gitDir, 'index')).equals(index)).toBe(true);
    });

    it('does not grow by the size of the changed files, nor by the trees of every iteration', async () => {
      // A thousand files at the top: each fingerprint's root tree is some 30 kB.
      const r = repo(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`file-${i}.txt`, `${i}\n`])));
      const gitDir = path.join(r.dir, '.git');
      const gitBytes = bytesUnder(gitDir);
      // Work in progress when the loop starts: the first fingerprint's root tree exists only in the scratch space.
      writeFileSync(path.join(r.dir, 'draft.txt'), 'draft\n');
      const workspace = await open(r.dir);
      const start = await workspace.fingerprint();

      const megabyte = 1024 * 1024;
      const iterate = (i: number) => {
        writeFileSync(path.join(r.dir, 'big.bin'), randomBytes(megabyte));
        writeFileSync(path.join(r.dir, `note-${i}.txt`), `${i}\n`);
        return workspace.fingerprint();
      };
      let latest = await iterate(0);
      const scratchBytes = bytesUnder(tmp);
      expect(scratchBytes).toBeLessThan(megabyte / 4);
      for (let i = 1; i < 8; i++) latest = await iterate(i);

      expect(bytesUnder(gitDir)).toBe(gitBytes);
      expect(bytesUnder(tmp)).toBeLessThan(scratchBytes * 1.5);
      // The trees of the first and the latest fingerprint are still there to count the changes.
      expect(await workspace.countChangedFiles(start, latest)).toBe(9);

      workspace.dispose();
      expect(readdirSync(tmp)).toEqual([]);
    });
  });

  describe('broken work trees: a rejection that says what broke', () => {
    it('when .git was deleted, even inside another repository', async () => {
      const outer = repo();
      const inner = path.join(outer.dir, 'project');
      mkdirSync(inner);
      execFileSync('git', ['init', '-q'], { cwd: inner });
      writeFileSync(path.join(inner, 'a.txt'), 'a\n');
      const workspace = await open(inner);
      const start = await workspace.fingerprint();
      writeFileSync(path.join(inner, 'a.txt'), 'edited\n');
      const edited = await workspace.fingerprint();

      rmSync(path.join(inner, '.git'), { recursive: true, force: true });
      // Not the fingerprint of the outer repository, which git would find above the deleted .git.
      const gone = `The git repository at ${inner} is gone: was .git deleted?`;
      await expect(workspace.fingerprint()).rejects.toThrow(gone);
      await expect(workspace.countChangedFiles(start, edited)).rejects.toThrow(gone);
    });

    it('when the work tree itself was deleted', async () => {
      const r = repo();
      const workspace = await open(r.dir);
      await workspace.fingerprint();
      rmSync(r.dir, { recursive: true, force: true });
      await expect(workspace.fingerprint()).rejects.toThrow(`The work tree at ${r.dir} is gone: was it deleted?`);
    });

    it('when a file cannot be read', async (context) => {
      const r = repo({ 'a.txt': 'a\n' });
      const workspace = await open(r.dir);
      await workspace.fingerprint();
      const secret = path.join(r.dir, 'secret.txt');
      writeFileSync(secret, 'secret\n');
      chmodSync(secret, 0o000);
      cleanup.push(() => chmodSync(secret, 0o644));
      if (process.getuid?.() === 0 && !gitWithoutRootsReadAnything()) return context.skip('root, and no setpriv');

      await expect(workspace.fingerprint()).rejects.toThrow(
        /^Could not read the work tree at .+ to see whether files changed: .*secret\.txt.*Permission denied/s,
      );
    });
  });
});

/**
 * Root reads any file whatever its mode (CAP_DAC_OVERRIDE). To make chmod 000 count, git runs through a shim that
 * drops the capabilities which bypass file permissions; root still owns the repository and the scratch space.
 * False when there is no setpriv (util-linux) to do it.
 */
function gitWithoutRootsReadAnything(): boolean {
  const which = (command: string) =>
    execFileSync('sh', ['-c', `command -v ${command} || true`], { encoding: 'utf8' }).trim();
  const realGit = which('git');
  if (which('setpriv') === '') return false;
  const shim = mkdtempSync(path.join(os.tmpdir(), 'git-shim-'));
  cleanup.push(() => rmSync(shim, { recursive: true, force: true }));
  const caps = '-dac_override,-dac_read_search';
  writeFileSync(
    path.join(shim, 'git'),
    `#!/bin/sh\nexec setpriv --inh-caps=${caps} --bounding-set=${caps} '${realGit}' "$@"\n`,
    { mode: 0o755 },
  );
  vi.stubEnv('PATH', `${shim}${path.delimiter}${process.env.PATH ?? ''}`);
  return true;
}
