/**
 * Did an iteration change anything? A fingerprint of the git work tree from its content: HEAD plus a tree object of
 * every tracked and untracked (not ignored) file as it is on disk. The tree is written through a copy of the index,
 * so git's stat cache skips unchanged files (about the cost of one `git status`) and the real index is never touched.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WorkTreeFingerprint {
  /** Commit id, or '' before the first commit. */
  head: string;
  /** Tree id of the whole work tree's content. */
  tree: string;
}

export class NotAGitWorkTreeError extends Error {
  override name = 'NotAGitWorkTreeError';
}

function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: env ?? process.env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

export class Workspace {
  private constructor(
    readonly topLevel: string,
    private readonly indexFile: string,
    private readonly scratch: string,
  ) {}

  /** @throws NotAGitWorkTreeError when `directory` is not inside a git work tree. */
  static async open(directory: string): Promise<Workspace> {
    let topLevel: string;
    let indexFile: string;
    try {
      topLevel = (await git(directory, ['rev-parse', '--show-toplevel'])).trim();
      indexFile = path.resolve(directory, (await git(directory, ['rev-parse', '--git-path', 'index'])).trim());
    } catch (error) {
      throw new NotAGitWorkTreeError(
        `Input 'working-directory' (${directory}) is not inside a git work tree: run actions/checkout first. (${(error as Error).message})`,
      );
    }
    return new Workspace(topLevel, indexFile, mkdtempSync(path.join(os.tmpdir(), 'autonomous-loop-index-')));
  }

  async fingerprint(): Promise<WorkTreeFingerprint> {
    const scratchIndex = path.join(this.scratch, 'index');
    if (existsSync(this.indexFile)) copyFileSync(this.indexFile, scratchIndex);
    else rmSync(scratchIndex, { force: true });
    const env = { ...process.env, GIT_INDEX_FILE: scratchIndex, GIT_OPTIONAL_LOCKS: '0' };
    const [head] = await Promise.all([
      git(this.topLevel, ['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => ''),
      git(this.topLevel, ['add', '--all', '--', '.'], env),
    ]);
    const tree = await git(this.topLevel, ['write-tree'], env);
    return { head: head.trim(), tree: tree.trim() };
  }

  /** Files whose content differs between two fingerprints (added, removed, modified or renamed). */
  async countChangedFiles(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<number> {
    if (from.tree === to.tree) return 0;
    const out = await git(this.topLevel, ['diff-tree', '-r', '--no-renames', '--name-only', '-z', from.tree, to.tree]);
    return out.split('\0').filter((name) => name !== '').length;
  }

  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

export function sameFingerprint(a: WorkTreeFingerprint, b: WorkTreeFingerprint): boolean {
  return a.head === b.head && a.tree === b.tree;
}
