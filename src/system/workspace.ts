/**
 * Did an iteration change anything? A fingerprint of the git work tree from its content: HEAD, and a tree of every
 * tracked and untracked (not ignored) file as it is on disk and of each repository nested in it (a submodule, or one
 * created inside it). The repository, its index and its object store stay as they were (`Workspace` says how).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sameFingerprint, type WorkTreeFingerprint } from '../core/fingerprint.js';
import { filterSettings, parseConfigList, QUIET_SETTINGS, withSettings, type GitSetting } from './git-guard.js';

/** The directory the loop is to run in is not inside a git work tree; the host says so in its words. */
export class NotAGitWorkTreeError extends Error {
  override name = 'NotAGitWorkTreeError';
  constructor(
    readonly directory: string,
    /** What git said. */
    readonly detail: string,
  ) {
    super(`${directory} is not inside a git work tree. (${detail})`);
  }
}

/** Where git finds a repository; pinned, so that a deleted .git is an error, not a repository further up. */
export interface Repository {
  workTree: string;
  gitDir: string;
  objects: string;
  index: string;
}

/** Variables that point git at a repository: a nested repository must be found from its own directory. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_PREFIX',
];

/**
 * The host's environment (without the action's secrets: git may still run a program the repository names) with no
 * repository pinned, and the settings that keep git from running programs: see git-guard.ts.
 */
function unpinnedEnv(hostEnv: NodeJS.ProcessEnv, settings: readonly GitSetting[] = QUIET_SETTINGS): NodeJS.ProcessEnv {
  const env = withSettings(hostEnv, settings);
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  return env;
}

function pinnedEnv(unpinned: NodeJS.ProcessEnv, repository: Repository, extra: NodeJS.ProcessEnv = {}) {
  return {
    ...unpinned,
    GIT_DIR: repository.gitDir,
    GIT_WORK_TREE: repository.workTree,
    GIT_OPTIONAL_LOCKS: '0',
    ...extra,
  };
}

/** A GIT_ALTERNATE_OBJECT_DIRECTORIES value; git reads an entry in double quotes as a C-quoted path. */
function alternates(directories: string[]): string {
  const quote = (dir: string) =>
    dir.includes(path.delimiter) || dir.startsWith('"') ? `"${dir.replace(/[\\"]/g, '\\$&')}"` : dir;
  return directories.map(quote).join(path.delimiter);
}

export function git(args: string[], cwd: string, env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const said = stderr.trim().split('\n').join('; ') || error.message;
      reject(new Error(`${said} (git ${args[0]} in ${cwd})`));
    });
    // git may exit before it reads its input: that failure is reported above, not as an EPIPE on the pipe.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

async function locate(directory: string, env: NodeJS.ProcessEnv): Promise<Repository> {
  const out = await git(
    ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-path', 'objects', '--git-path', 'index'],
    directory,
    env,
  );
  const [workTree, gitDir, objects, index] = out.trimEnd().split('\n');
  const resolve = (file: string) => path.resolve(directory, file);
  return { workTree: resolve(workTree), gitDir: resolve(gitDir), objects: resolve(objects), index: resolve(index) };
}

/**
 * A copy of the index that keeps its modification time. git rechecks the content of a file changed in the same second
 * as the index was written ("racily clean"), which the same size and timestamp would otherwise hide: a fresh copy's
 * later time would switch that check off. A hair earlier than the original is safe: git rechecks more, never fewer.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  let written: Date;
  try {
    written = (await stat(from)).mtime;
  } catch (error) {
    // No index yet (nothing ever added): every file is untracked.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await copyFile(from, to);
  await utimes(to, written, new Date(written.getTime() - 1));
}

export const split = (out: string): string[] => out.split('\0').filter((entry) => entry !== '');

/** A refreshed copy of a repository's index, and which version of the real index it was taken from. */
interface SettledIndex {
  file: string;
  from: string;
}

/** The real index as it is on disk now: a different one after any write (git writes a new file and renames it). */
async function indexVersion(index: string): Promise<string | undefined> {
  try {
    const info = await stat(index, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch (error) {
    // No index yet (nothing ever added): every file is untracked.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether git compares the whole stat data of a file with its index entry (the default), and so notices a rewrite
 * that kept the size and the modification time by its change time. With `core.trustCtime` off or `core.checkStat`
 * minimal it does not, and a refreshed copy would hide such a rewrite, where a racily clean entry is read again:
 * the copy is then not refreshed.
 */
function checksFullStat(config: ReadonlyArray<readonly [string, string | undefined]>): boolean {
  // Later settings override earlier ones; a key without `=` is true, one with an empty value false.
  let trustCtime = true;
  let checkStat = 'default';
  for (const [key, raw] of config) {
    const value = raw?.toLowerCase();
    if (key === 'core.trustctime') trustCtime = value === undefined || ['true', 'yes', 'on', '1'].includes(value);
    if (key === 'core.checkstat') checkStat = value ?? '';
  }
  return trustCtime && checkStat === 'default';
}

/** A file that differs between two trees (`git diff-tree --raw`): its new mode and object id ('0…0' when deleted). */
export interface TreeChange {
  path: string;
  mode: string;
  id: string;
  /** A added, D deleted, M modified, T type changed. */
  status: string;
}

/** What changed in one repository of the work tree between two fingerprints (`Workspace.changes`). */
export interface RepositoryChanges {
  repository: Repository;
  /** HEAD at the first fingerprint; undefined for a repository that was not there then. */
  fromHead: string | undefined;
  toHead: string;
  /** Files that are there at the second fingerprint and differ from the first: paths from the repository's top. */
  files: TreeChange[];
}

const GITLINK = '160000';

/**
 * `diff-tree -r -z` raw entries: `:<old mode> <new mode> <old id> <new id> <status>` and the path; in a `--stdin`
 * listing, a commit id before the entries of each commit (given to `onCommit`).
 */
export function parseRawDiff(tokens: string[], onCommit?: (id: string) => void): TreeChange[] {
  const entries: TreeChange[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at];
    if (!token.startsWith(':')) {
      onCommit?.(token);
      continue;
    }
    const [, mode, , id, status] = token.slice(1).split(' ');
    entries.push({ path: tokens[++at], mode, id, status: status.charAt(0) });
  }
  return entries;
}

/** A repository's configuration as git reads it (its own, the user's, the system's), and settings that disarm it. */
interface GuardedConfig {
  config: Array<[string, string | undefined]>;
  env: NodeJS.ProcessEnv;
}

/**
 * The tree is built in a copy of the index, so git's stat cache skips unchanged files (about the cost of one
 * `git status`) and the real index is never touched. The first copy is refreshed once and kept while the real index
 * stays as it was: after a fresh checkout every entry is racily clean (files and index written in the same second),
 * and without that each fingerprint would hash every file again, as the first `git status` does. Changed files are
 * hashed, not stored (`update-index --info-only`); only the trees are written, to a scratch object directory that
 * borrows the repository's objects as alternates. The scratch space holds trees only: those of the first
 * fingerprint and of the latest, which `countChangedFiles` compares at the end.
 */
export class Workspace {
  /** Objects of the first fingerprint: kept until dispose(), as the loop compares it with the last one at the end. */
  private baseline: string | undefined;
  /** Objects of the latest fingerprint; those of the ones in between are deleted. */
  private latest: string | undefined;
  /**
   * Every nested repository seen, by its work tree: the unchanged trees of their fingerprints are in their object
   * stores, and the secret guard reads their commits.
   */
  private readonly nestedRepositories = new Map<string, Repository>();
  /**
   * Every real index met so far, by path (the root's, and those of nested repositories), with the refreshed copy of
   * its first version while that is still the real one; undefined once it changed (only a first version is refreshed).
   */
  private readonly settled = new Map<string, SettledIndex | undefined>();
  private indexes = 0;

  private constructor(
    private readonly root: Repository,
    private readonly scratch: string,
    private readonly hostEnv: NodeJS.ProcessEnv,
  ) {}

  get topLevel(): string {
    return this.root.workTree;
  }

  /**
   * @param env the environment git runs in: without the action's secrets, as a filter or hook that Claude configured
   *   despite the guard would get it.
   * @throws NotAGitWorkTreeError when `directory` is not inside a git work tree.
   */
  static async open(directory: string, env: NodeJS.ProcessEnv = process.env): Promise<Workspace> {
    let root: Repository;
    try {
      // Pins from the host environment are kept here: they say where the repository is, as for every git command.
      root = await locate(directory, withSettings(env, QUIET_SETTINGS));
    } catch (error) {
      throw new NotAGitWorkTreeError(directory, (error as Error).message);
    }
    return new Workspace(root, mkdtempSync(path.join(os.tmpdir(), 'autonomous-loop-workspace-')), env);
  }

  async fingerprint(): Promise<WorkTreeFingerprint> {
    let objects: string | undefined;
    try {
      objects = await mkdtemp(path.join(this.scratch, 'objects-'));
      const fingerprint = await this.snapshot(this.root, objects);
      if (this.baseline === undefined) this.baseline = objects;
      else {
        if (this.latest !== undefined) await rm(this.latest, { recursive: true, force: true });
        this.latest = objects;
      }
      return fingerprint;
    } catch (error) {
      if (objects !== undefined) await rm(objects, { recursive: true, force: true });
      throw this.failure(error, 'read the work tree', 'to see whether files changed');
    }
  }

  /**
   * Files whose content differs between two fingerprints (added, removed, modified or renamed), in nested
   * repositories too. Compares the first fingerprint and the latest: the trees of those in between are gone.
   */
  async countChangedFiles(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<number> {
    try {
      return await this.count(from, to);
    } catch (error) {
      throw this.failure(error, 'count the files changed in the work tree');
    }
  }

  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private async snapshot(repository: Repository, objects: string): Promise<WorkTreeFingerprint> {
    const { workTree } = repository;
    const index = path.join(this.scratch, `index-${++this.indexes}`);
    try {
      // Read again at every fingerprint: Claude may have added a filter since the last one.
      const guarded = await this.guardedConfig(repository);
      const source = await this.indexSource(repository, guarded);
      if (source !== undefined) await copyIndex(source, index);
      const env = { ...guarded.env, GIT_INDEX_FILE: index };
      // Submodules are listed in .gitmodules: without it, no need to list every tracked file to find them.
      const submodules = existsSync(path.join(workTree, '.gitmodules')) ? ['--stage'] : [];
      const [head, listed, modified] = await Promise.all([
        git(['rev-parse', '--verify', '--quiet', 'HEAD'], workTree, env).catch(() => ''),
        // Tagged: '? path' for an untracked file; with --stage, 'H <mode> <id> <stage>\tpath' for a tracked one.
        git(['ls-files', '-z', '-t', '--others', '--exclude-standard', ...submodules], workTree, env),
        // A submodule shows here when its HEAD moved; what changed inside it is its own fingerprint's business.
        git(['diff-files', '-z', '--name-only', '--ignore-submodules=dirty'], workTree, env),
      ]);

      const toHash = split(modified);
      const nestedPaths: string[] = [];
      for (const entry of split(listed)) {
        if (entry.startsWith('? ')) {
          // Untracked repositories are listed as 'dir/': git would store only a commit id, or refuse one without.
          if (entry.endsWith('/')) nestedPaths.push(entry.slice(2, -1));
          else toHash.push(entry.slice(2));
        } else {
          const gitlink = /^[HS] 160000 \S+ 0\t(.*)$/s.exec(entry);
          // A submodule that is checked out (an uninitialised one is an empty directory).
          if (gitlink && existsSync(path.join(workTree, gitlink[1], '.git'))) nestedPaths.push(gitlink[1]);
        }
      }

      if (toHash.length > 0) {
        // --info-only: the ids, not the objects; --replace: a file may now be where a directory was, or the reverse.
        await git(
          ['update-index', '-z', '--add', '--remove', '--replace', '--info-only', '--stdin'],
          workTree,
          env,
          toHash.join('\0'),
        );
      }
      const stores = [repository.objects, ...(this.baseline === undefined ? [] : [this.baseline])];
      // --missing-ok: the blobs of changed files were never written; the trees go to the scratch directory.
      const tree = await git(['write-tree', '--missing-ok'], workTree, {
        ...env,
        GIT_OBJECT_DIRECTORY: objects,
        GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates(stores),
      });

      const fingerprint: WorkTreeFingerprint = { head: head.trim(), tree: tree.trim() };
      const nested = (
        await Promise.all(nestedPaths.map((relative) => this.nestedSnapshot(workTree, relative, objects)))
      ).filter((entry) => entry !== undefined);
      if (nested.length > 0) fingerprint.nested = Object.fromEntries(nested.sort(([a], [b]) => (a < b ? -1 : 1)));
      return fingerprint;
    } finally {
      await rm(index, { force: true });
    }
  }

  /**
   * What a fingerprint copies its index from. The first time a repository's index is met (when the loop starts, just
   * after a fresh checkout, every entry is racily clean), a copy of it is refreshed: `update-index --refresh` compares
   * the content of each racy entry once and records its stat data, in the copy only, and the copy keeps its own time,
   * so git still rechecks a file changed in the same instant. That copy serves while the real index stays the same
   * file. Once git has written the real index (a `git add`, a commit, a `git status`), it holds few racy entries, and
   * it is copied as it is, as every fingerprint did before: refreshing at each change would cost a git command more.
   * What the refresh gives up, as git's own stat cache does once an index is settled: a rewrite that keeps a file's
   * size and modification time (`touch -r`, `cp -p`) within the very second of the refresh is not seen.
   */
  private async indexSource(repository: Repository, guarded: GuardedConfig): Promise<string | undefined> {
    const version = await indexVersion(repository.index);
    const kept = this.settled.get(repository.index);
    if (kept !== undefined && kept.from === version) return kept.file;
    if (kept !== undefined) {
      this.settled.set(repository.index, undefined);
      await rm(kept.file, { force: true });
    }
    if (version === undefined) return undefined;
    if (this.settled.has(repository.index)) return repository.index;
    this.settled.set(repository.index, undefined);
    const file = path.join(this.scratch, `settled-${++this.indexes}`);
    try {
      if (!checksFullStat(guarded.config)) return repository.index;
      await copyIndex(repository.index, file);
      // -q: the files that changed are left for diff-files to list. Submodules are fingerprinted on their own.
      await git(['update-index', '-q', '--ignore-submodules', '--refresh'], repository.workTree, {
        ...guarded.env,
        GIT_INDEX_FILE: file,
      });
    } catch {
      // Only a saving: the fingerprint copies the real index as it is, and says what is wrong if it cannot either.
      await rm(file, { force: true });
      return repository.index;
    }
    this.settled.set(repository.index, { file, from: version });
    return file;
  }

  /**
   * The environment for a git command on `repository` that reads objects and trees only (no work-tree files, so no
   * filters): the host's without secrets, pinned to the repository, with fsmonitor and hooks switched off.
   */
  gitEnv(repository: Repository, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return pinnedEnv(unpinnedEnv(this.hostEnv), repository, extra);
  }

  /** The configuration git will read for `repository`, and the environment that switches its programs off. */
  private async guardedConfig(repository: Repository): Promise<GuardedConfig> {
    const quiet = pinnedEnv(unpinnedEnv(this.hostEnv), repository);
    const config = parseConfigList(await git(['config', '-z', '--list'], repository.workTree, quiet));
    const settings = [...QUIET_SETTINGS, ...filterSettings(config)];
    return { config, env: pinnedEnv(unpinnedEnv(this.hostEnv, settings), repository) };
  }

  private async nestedSnapshot(
    workTree: string,
    relative: string,
    objects: string,
  ): Promise<[string, WorkTreeFingerprint] | undefined> {
    const directory = path.join(workTree, relative);
    const repository = await locate(directory, unpinnedEnv(this.hostEnv));
    // Not a repository of its own after all (git found the one around it): its files are in this one's tree.
    if (repository.workTree !== directory) return undefined;
    this.nestedRepositories.set(repository.workTree, repository);
    return [relative, await this.snapshot(repository, objects)];
  }

  private async count(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<number> {
    if (sameFingerprint(from, to)) return 0;
    const nestedPaths = new Set([...Object.keys(from.nested ?? {}), ...Object.keys(to.nested ?? {})]);
    // A nested repository's commit id in this tree is not a file: its files are counted in it.
    let count = (await this.changedEntries(from.tree, to.tree)).filter((entry) => !nestedPaths.has(entry.path)).length;
    for (const relative of nestedPaths) {
      const [a, b] = [from.nested?.[relative], to.nested?.[relative]];
      if (a && b) count += await this.count(a, b);
      else {
        // A repository that appeared (all its files are new) or went away: then its files can be listed only if its
        // objects are still there; if not, it counts as one change.
        const empty = { head: '', tree: await this.emptyTree() };
        count += await this.count(a ?? empty, b ?? empty).catch(() => 1);
      }
    }
    return count;
  }

  /**
   * What the loop changed between two fingerprints, by repository (the root, then those nested in it): the files of
   * `to` whose content differs from `from`, and the commits between the two HEADs. For the secret guard, which reads
   * them. Only the first fingerprint and the latest can be compared, as for `countChangedFiles`.
   */
  async changes(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<RepositoryChanges[]> {
    const found: RepositoryChanges[] = [];
    try {
      await this.collectChanges(from, to, this.root, found);
    } catch (error) {
      throw this.failure(error, 'list the files changed in the work tree');
    }
    return found;
  }

  private async collectChanges(
    from: WorkTreeFingerprint | undefined,
    to: WorkTreeFingerprint,
    repository: Repository,
    found: RepositoryChanges[],
  ): Promise<void> {
    if (from && sameFingerprint(from, to)) return;
    const nested = to.nested ?? {};
    const entries = await this.changedEntries(from?.tree ?? (await this.emptyTree()), to.tree);
    found.push({
      repository,
      fromHead: from?.head,
      toHead: to.head,
      // A nested repository's commit id in this tree is not a file: its files are listed with it.
      files: entries.filter((entry) => entry.status !== 'D' && entry.mode !== GITLINK && !(entry.path in nested)),
    });
    for (const [relative, fingerprint] of Object.entries(nested)) {
      const inner = this.nestedRepositories.get(path.join(repository.workTree, relative));
      if (inner) await this.collectChanges(from?.nested?.[relative], fingerprint, inner, found);
    }
  }

  private async changedEntries(from: string, to: string): Promise<TreeChange[]> {
    if (from === to) return [];
    // Only trees are read (no blobs, no rename detection): the scratch directories hold all that is needed.
    const stores = [this.baseline, this.latest, ...[...this.nestedRepositories.values()].map((r) => r.objects)];
    const out = await git(
      ['diff-tree', '-r', '--no-renames', '-z', from, to],
      this.root.workTree,
      this.gitEnv(this.root, {
        GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates(stores.filter((dir) => dir !== undefined)),
      }),
    );
    return parseRawDiff(split(out));
  }

  private emptyTreeId: Promise<string> | undefined;
  private emptyTree(): Promise<string> {
    this.emptyTreeId ??= git(
      ['hash-object', '-t', 'tree', '--stdin'],
      this.root.workTree,
      pinnedEnv(unpinnedEnv(this.hostEnv), this.root),
    ).then((id) => id.trim());
    return this.emptyTreeId;
  }

  /** An error that says what broke, in the user's words where it is a known case. */
  private failure(error: unknown, doing: string, why = ''): Error {
    const { workTree, gitDir } = this.root;
    if (!existsSync(workTree)) return new Error(`The work tree at ${workTree} is gone: was it deleted?`);
    if (!existsSync(gitDir)) return new Error(`The git repository at ${workTree} is gone: was .git deleted?`);
    const cause = error instanceof Error ? error.message : String(error);
    return new Error(`Could not ${doing} at ${workTree}${why ? ` ${why}` : ''}: ${cause}`);
  }
}
