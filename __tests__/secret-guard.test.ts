/**
 * The secret guard with real git in temporary repositories: each test writes a secret where a tool Claude runs could
 * put it (a file, a commit removed later, a nested repository, a link, a file name) and checks that it is found and
 * named, never shown; and that what is ignored, gone, or was already there, is not reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretGuard } from '../src/system/secret-guard.js';
import { Workspace } from '../src/system/workspace.js';
import { Secrets } from '../src/text/untrusted-text.js';
import { makeRepo, type TempRepo } from './helpers/action-runner.js';

const API_KEY = 'sk-ant-api03-Qz7Xw2Lm9Rt4Vp8Ys1Kd3Nf6Hj0Bc5Ga';
const GITHUB_TOKEN = 'ghs_Ye5Rk9Tn2Wc7Mx4Qb1Lz8Hv3Jp6Df0Sa';
const secrets = new Secrets([API_KEY, GITHUB_TOKEN]);

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

function repo(files?: Record<string, string>): TempRepo {
  const made = makeRepo(files);
  cleanup.push(() => rmSync(made.dir, { recursive: true, force: true }));
  return made;
}

/** A guard on `dir` whose loop starts now: `find()` searches what changed since. */
async function guarded(dir: string) {
  const workspace = await Workspace.open(dir);
  cleanup.push(() => workspace.dispose());
  const guard = new SecretGuard(workspace, secrets);
  const start = await workspace.fingerprint();
  return { workspace, guard, find: async () => guard.find(start, await workspace.fingerprint()) };
}

const write = (dir: string, file: string, content: string | Buffer) => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
};

describe('SecretGuard', () => {
  it('finds a secret written raw into a new file, and names the file, never the secret', async () => {
    const { dir } = repo();
    const { find } = await guarded(dir);
    write(dir, 'notes.txt', `see ${API_KEY} here\n`);
    const found = await find();
    expect(found).toEqual(['notes.txt']);
  });

  it('finds a secret in base64, also wrapped as the base64 command wraps it', async () => {
    const { dir } = repo();
    const { find } = await guarded(dir);
    write(dir, 'a.b64', Buffer.from(`token=${API_KEY}`).toString('base64'));
    // The key's base64 starts at character 60 of 76 on the first line, and goes on on the second.
    const wrapped = execFileSync('base64', { input: `${'#'.repeat(45)}${API_KEY}` }).toString();
    expect(wrapped.split('\n')[0]).toHaveLength(76);
    write(dir, 'b.b64', wrapped);
    expect(await find()).toEqual(['a.b64', 'b.b64']);
  });

  it('finds a secret in a tracked file that changed, in a subfolder', async () => {
    const { dir } = repo({ 'README.md': 'hello\n', 'src/config.ts': 'export const x = 1;\n' });
    const { find } = await guarded(dir);
    write(dir, 'src/config.ts', `export const token = '${GITHUB_TOKEN}';\n`);
    expect(await find()).toEqual(['src/config.ts']);
  });

  it('finds a secret committed and removed in a later commit, and names the commit', async () => {
    const { dir, git } = repo();
    const { find } = await guarded(dir);
    write(dir, 'leak.txt', API_KEY);
    git('add', '-A');
    git('commit', '-q', '-m', 'add');
    const leaking = git('rev-parse', 'HEAD').trim();
    rmSync(path.join(dir, 'leak.txt'));
    git('add', '-A');
    git('commit', '-q', '-m', 'remove');
    expect(await find()).toEqual([`commit ${leaking} (leak.txt)`]);
  });

  it('finds a secret in a commit message', async () => {
    const { dir, git } = repo();
    const { find } = await guarded(dir);
    git('commit', '-q', '--allow-empty', '-m', `fix\n\nkey ${API_KEY}`);
    expect(await find()).toEqual([`commit ${git('rev-parse', 'HEAD').trim()} (its message)`]);
  });

  it('finds a secret in a nested repository, in its files and in its new commits', async () => {
    const outer = repo();
    execFileSync('git', ['clone', '-q', outer.dir, path.join(outer.dir, 'vendor/lib')]);
    const { find } = await guarded(outer.dir);
    const lib = path.join(outer.dir, 'vendor/lib');
    write(lib, 'key.txt', API_KEY);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: lib, encoding: 'utf8' });
    git('add', '-A');
    git('commit', '-q', '-m', 'leak');
    const leaking = git('rev-parse', 'HEAD').trim();
    git('rm', '-q', 'key.txt');
    git('commit', '-q', '-m', 'unleak');
    write(lib, 'now.txt', GITHUB_TOKEN);
    expect((await find()).sort()).toEqual([`commit ${leaking} (vendor/lib/key.txt)`, 'vendor/lib/now.txt']);
  });

  it('finds a secret in a submodule, in a file and in a commit of its own', async () => {
    const outer = repo();
    const library = repo({ 'lib.ts': 'export {};\n' });
    outer.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library.dir, 'deps/lib');
    outer.git('commit', '-q', '-m', 'add deps/lib');
    const { find } = await guarded(outer.dir);
    const sub = path.join(outer.dir, 'deps/lib');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: sub, encoding: 'utf8' });
    git('commit', '-q', '--allow-empty', '-m', `token ${GITHUB_TOKEN}`);
    write(sub, 'lib.ts', `export const key = '${API_KEY}';\n`);
    expect((await find()).sort()).toEqual([
      `commit ${git('rev-parse', 'HEAD').trim()} (its message)`,
      'deps/lib/lib.ts',
    ]);
  });

  it('finds a secret that is the target of a link, or a file name, and redacts the name', async () => {
    const { dir } = repo();
    const { find } = await guarded(dir);
    symlinkSync(`/tmp/${API_KEY}`, path.join(dir, 'link'));
    write(dir, `${GITHUB_TOKEN}.txt`, 'nothing\n');
    expect((await find()).sort()).toEqual(['***.txt', 'link']);
  });

  it('does not search ignored files, or what was there before the loop started', async () => {
    const { dir } = repo({ '.gitignore': 'node_modules/\n', 'old.txt': `${API_KEY}\n` });
    const { find } = await guarded(dir);
    write(dir, 'node_modules/pkg/index.js', `module.exports = '${API_KEY}';\n`);
    write(dir, 'clean.txt', 'nothing to see\n');
    expect(await find()).toEqual([]);
  });

  it('does not report a secret that was written and removed again without a commit', async () => {
    const { dir } = repo();
    const { workspace, guard } = await guarded(dir);
    const start = await workspace.fingerprint();
    write(dir, 'tmp.txt', API_KEY);
    expect(await guard.find(start, await workspace.fingerprint())).toEqual(['tmp.txt']);
    rmSync(path.join(dir, 'tmp.txt'));
    expect(await guard.find(start, await workspace.fingerprint())).toEqual([]);
  });

  it('finds a secret written into a file it searched clean before', async () => {
    const { dir } = repo();
    const { workspace, guard } = await guarded(dir);
    const start = await workspace.fingerprint();
    write(dir, 'a.txt', 'clean\n');
    expect(await guard.find(start, await workspace.fingerprint())).toEqual([]);
    write(dir, 'a.txt', `clean\n${API_KEY}\n`);
    expect(await guard.find(start, await workspace.fingerprint())).toEqual(['a.txt']);
  });

  it('remembers a file as clean only if what it read is what the fingerprint saw', async () => {
    // A process left running could swap the file between the fingerprint and the search, and back afterwards.
    const { dir } = repo();
    const { workspace, guard } = await guarded(dir);
    const start = await workspace.fingerprint();
    write(dir, 'swap.txt', API_KEY);
    const leaking = await workspace.fingerprint();
    write(dir, 'swap.txt', 'clean\n');
    expect(await guard.find(start, leaking)).toEqual([]);
    write(dir, 'swap.txt', API_KEY);
    expect(await guard.find(start, await workspace.fingerprint())).toEqual(['swap.txt']);
  });

  it('finds a secret split across the chunks it reads a big file in', async () => {
    const { dir } = repo();
    const { find } = await guarded(dir);
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    Buffer.from(API_KEY).copy(big, 1024 * 1024 - 10);
    write(dir, 'big.bin', big);
    expect(await find()).toEqual(['big.bin']);
  });
});
