/**
 * The secret guard: searches what the loop changed for the action's secrets, before anything can be completed, saved
 * or pushed. It reads only what changed since the loop's first fingerprint: the files that differ (nested
 * repositories included) and the commits added to HEAD, each commit's object and the blobs it added or changed.
 * What was found clean is remembered (objects by id, files by their stat data) and not read again.
 */
import { spawn } from 'node:child_process';
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { WorkTreeFingerprint } from '../core/fingerprint.js';
import type { SecretScanner, Secrets } from '../text/untrusted-text.js';
import { git, parseRawDiff, split, type Repository, type RepositoryChanges, type Workspace } from './workspace.js';

/** A file of the work tree is opened without following a link, and a FIFO there does not block the open. */
const OPEN_WORK_TREE_FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHUNK = 1024 * 1024;
const GITLINK = '160000';
const NO_OBJECT = /^0+$/;

export class SecretGuard {
  /** Ids of git objects (blobs, commits) searched and found clean: never read again. */
  private readonly clean = new Set<string>();
  /**
   * Files of the work tree found clean, by path and stat data (`statKey`). Not by the fingerprint's id: with a clean
   * filter (line endings, LFS) that is the id of the filtered content, which can be the same for other bytes on disk.
   */
  private readonly cleanFiles = new Set<string>();

  constructor(
    private readonly workspace: Workspace,
    private readonly secrets: Secrets,
  ) {}

  /**
   * Where the secrets are among what changed from `from` to `to`: paths from the top of the work tree and commit
   * ids, with any secret in a name redacted. Empty when there is none.
   */
  async find(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<string[]> {
    const found: string[] = [];
    for (const changes of await this.workspace.changes(from, to)) {
      const shown = (file: string) =>
        path.relative(this.workspace.topLevel, path.join(changes.repository.workTree, file)) || '.';
      // Both mostly wait: for the disk, and for git.
      const [files, commits] = await Promise.all([this.searchFiles(changes), this.searchCommits(changes)]);
      for (const file of files) found.push(shown(file));
      for (const hit of commits) {
        found.push(`commit ${hit.commit} (${hit.file === undefined ? 'its message' : shown(hit.file)})`);
      }
    }
    return [...new Set(found)].map((where) => this.secrets.redact(where));
  }

  /** Files of the work tree that hold a secret, or whose name is one. */
  private async searchFiles(changes: RepositoryChanges): Promise<string[]> {
    const found: string[] = [];
    for (const file of changes.files) {
      if (
        this.holds(Buffer.from(file.path)) ||
        (await this.fileHolds(path.join(changes.repository.workTree, file.path)))
      ) {
        found.push(file.path);
      }
    }
    return found;
  }

  private holds(bytes: Buffer): boolean {
    return this.secrets.scanner().push(bytes);
  }

  /**
   * The file as it is on disk now (its blob was hashed, not stored, by the fingerprint), unless it was read before
   * and is the same file since: same inode, size and times to the nanosecond. The change time moves with every write
   * and no program can set it, so a file rewritten after it was read, by a process left running, is read again.
   */
  private async fileHolds(file: string): Promise<boolean> {
    const info = await lstat(file, { bigint: true }).catch(() => undefined);
    // Gone since the fingerprint (nothing left to push), or no longer a file or a link.
    if (info === undefined || this.cleanFiles.has(statKey(file, info))) return false;
    if (info.isSymbolicLink()) {
      const holds = this.holds(Buffer.from(await readlink(file)));
      if (!holds) this.cleanFiles.add(statKey(file, info));
      return holds;
    }
    if (!info.isFile()) return false;
    const handle = await open(file, OPEN_WORK_TREE_FILE).catch(() => undefined);
    if (handle === undefined) return false;
    try {
      // What is read is the file as it was at this stat or later: a later write gives it another key.
      const opened = await handle.stat({ bigint: true });
      if (!opened.isFile()) return false;
      const scanner = this.secrets.scanner();
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Number(opened.size) + 1));
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        if (scanner.push(buffer.subarray(0, bytesRead))) return true;
      }
      this.cleanFiles.add(statKey(file, opened));
      return false;
    } finally {
      await handle.close();
    }
  }

  /**
   * Commits on HEAD that were not there at the first fingerprint: each commit object (message, author) and every blob
   * it added or changed, so that a secret committed and removed by a later commit is still found. A repository that
   * appeared during the loop (a clone) is searched in its files only: its history is not the loop's.
   */
  private async searchCommits(changes: RepositoryChanges): Promise<Array<{ commit: string; file?: string }>> {
    const { repository, fromHead, toHead } = changes;
    if (fromHead === undefined || toHead === '' || toHead === fromHead) return [];
    // A commit is remembered as clean only with every commit of its range: nothing new since (no git run at all).
    if (this.clean.has(toHead)) return [];
    const env = this.workspace.gitEnv(repository);
    const range = fromHead === '' ? [toHead] : [toHead, '--not', fromHead];
    const commits = (await git(['rev-list', ...range], repository.workTree, env)).split('\n').filter(Boolean);
    const unsearched = commits.filter((commit) => !this.clean.has(commit));
    if (unsearched.length === 0) return [];
    // Every blob each commit added or changed, against each parent of a merge (-m) and against nothing for a root.
    const blobs = new Map<string, { commit: string; file: string }>();
    let commit = '';
    const entries = parseRawDiff(
      split(
        await git(
          ['diff-tree', '--stdin', '-r', '-m', '--root', '--no-renames', '-z'],
          repository.workTree,
          env,
          `${unsearched.join('\n')}\n`,
        ),
      ),
      (id) => (commit = id),
    );
    const found: Array<{ commit: string; file?: string }> = [];
    for (const entry of entries) {
      if (this.holds(Buffer.from(entry.path))) found.push({ commit, file: entry.path });
      if (entry.mode === GITLINK || NO_OBJECT.test(entry.id) || this.clean.has(entry.id)) continue;
      if (!blobs.has(entry.id)) blobs.set(entry.id, { commit, file: entry.path });
    }
    const holding = await this.objectsHolding(repository, [...unsearched, ...blobs.keys()]);
    for (const id of holding) found.push(blobs.get(id) ?? { commit: id });
    for (const id of blobs.keys()) if (!holding.includes(id)) this.clean.add(id);
    // A commit is clean with all it brought: when one holds a secret, every commit of the range is searched again.
    if (found.length === 0) for (const id of unsearched) this.clean.add(id);
    return found;
  }

  /** Of these objects, those that hold a secret, read in one `git cat-file --batch`. */
  private objectsHolding(repository: Repository, ids: string[]): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['cat-file', '--batch'], {
        cwd: repository.workTree,
        env: this.workspace.gitEnv(repository),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const holding: string[] = [];
      let stderr = '';
      const reader = new BatchReader(
        () => this.secrets.scanner(),
        (id, scanner) => {
          if (scanner.seen) holding.push(id);
        },
      );
      child.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0 && reader.complete) resolve(holding);
        else reject(new Error(`${stderr.trim() || `exit code ${code}`} (git cat-file in ${repository.workTree})`));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(ids.map((id) => `${id}\n`).join(''));
    });
  }
}

/** A file as it is on disk: another key after any write to it, or when another file takes its place. */
function statKey(file: string, info: BigIntStats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}:${file}`;
}

/**
 * Reads the output of `git cat-file --batch` as it comes: per object a header `<id> <type> <size>`, the content and a
 * line feed; `<id> missing` for an object that is not there. Each content goes to a scanner of its own.
 */
class BatchReader {
  private header: Buffer = Buffer.alloc(0);
  private id = '';
  /** Bytes of the current object still to come, its closing line feed included; -1 while a header is read. */
  private remaining = -1;
  private scanner: SecretScanner | undefined;
  readonly missing: string[] = [];

  constructor(
    private readonly start: () => SecretScanner,
    private readonly end: (id: string, scanner: SecretScanner) => void,
  ) {}

  /** Every object read to its end, none missing. */
  get complete(): boolean {
    return this.remaining < 0 && this.header.length === 0 && this.missing.length === 0;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining < 0) {
        const newline = chunk.indexOf(0x0a, at);
        if (newline === -1) {
          this.header = Buffer.concat([this.header, chunk.subarray(at)]);
          return;
        }
        const line = Buffer.concat([this.header, chunk.subarray(at, newline)]).toString();
        this.header = Buffer.alloc(0);
        at = newline + 1;
        const [id, type, size] = line.split(' ');
        if (type === 'missing' || size === undefined) {
          this.missing.push(id);
          continue;
        }
        this.id = id;
        this.remaining = Number(size) + 1;
        this.scanner = this.start();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const content = Math.min(take, this.remaining - 1);
      if (content > 0) this.scanner!.push(chunk.subarray(at, at + content));
      this.remaining -= take;
      at += take;
      if (this.remaining === 0) {
        this.remaining = -1;
        this.end(this.id, this.scanner!);
      }
    }
  }
}
