/**
 * A tool cache in @actions/tool-cache's layout (`<root>/<tool>/<version>/<arch>`, whole once `<arch>.complete`
 * exists), under a root the host names: a runner's cache is shared with the actions that use that library. A private
 * cache (a user's own) refuses directories that another user could have put programs in.
 */
import { existsSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A tool's name or an exact version: one plain path segment, never `.`, `..` or a separator. */
const SEGMENT = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

export class UnsafeToolCacheError extends Error {
  override name = 'UnsafeToolCacheError';
}

export interface ToolCacheOptions {
  /**
   * The root and the tool's directories in it must be this user's (or root's) and writable by no one else, or the
   * cache refuses them; a missing root is created readable by this user alone.
   */
  private?: boolean;
}

export class ToolCache {
  constructor(
    readonly root: string,
    private readonly options: ToolCacheOptions = {},
  ) {}

  /** The directory of `tool` at exactly `version` for this machine's architecture, or '' when not cached whole. */
  find(tool: string, version: string): string {
    const dir = this.dirOf(tool, version);
    if (this.options.private) {
      if (!existsSync(this.root)) return '';
      this.checkOwnership(dir);
    }
    return existsSync(dir) && existsSync(`${dir}.complete`) ? dir : '';
  }

  /**
   * Copies what `sourceDir` holds into the cache and marks it whole last: a copy cut off half-way is never found.
   * Links are copied as they are (npm's `.bin` entries point relatively into `node_modules`).
   * @returns the cached directory.
   */
  async add(sourceDir: string, tool: string, version: string): Promise<string> {
    const dir = this.dirOf(tool, version);
    if (this.options.private) {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      this.checkOwnership(dir);
    }
    await rm(`${dir}.complete`, { force: true });
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(sourceDir, dir, { recursive: true, verbatimSymlinks: true });
    await writeFile(`${dir}.complete`, '');
    return dir;
  }

  private dirOf(tool: string, version: string): string {
    for (const [what, value] of [
      ['tool name', tool],
      ['version', version],
    ]) {
      if (!SEGMENT.test(value)) {
        throw new Error(`The tool cache takes a plain ${what} (letters, digits, . + - _), not "${value}".`);
      }
    }
    return path.join(this.root, tool, version, os.arch());
  }

  /**
   * The root (followed if it is a link: a user's cache may live elsewhere) and each directory below it on the way to
   * `dir` that exists (not followed: the cache never makes links there).
   */
  private checkOwnership(dir: string): void {
    checkPrivate(this.root, statSync(this.root));
    let current = this.root;
    for (const segment of path.relative(this.root, dir).split(path.sep)) {
      current = path.join(current, segment);
      let stats: Stats;
      try {
        stats = lstatSync(current);
      } catch {
        return;
      }
      checkPrivate(current, stats);
    }
  }
}

function checkPrivate(dir: string, stats: Stats): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const problem = !stats.isDirectory()
    ? 'is not a directory'
    : stats.uid !== uid && stats.uid !== 0
      ? `belongs to another user (uid ${stats.uid}; you are uid ${uid})`
      : (stats.mode & 0o022) !== 0
        ? `can be written by other users (mode ${(stats.mode & 0o777).toString(8)})`
        : undefined;
  if (problem === undefined) return;
  throw new UnsafeToolCacheError(
    `Refusing the tool cache directory ${dir}: it ${problem}, so the programs in it could be someone else's. ` +
      'Remove it (or make it yours and writable by you alone) and run again.',
  );
}
