/**
 * A tool cache in @actions/tool-cache's layout (`<root>/<tool>/<version>/<arch>`, whole once `<arch>.complete`
 * exists), under a root the host names: a runner's cache is shared with the actions that use that library.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export class ToolCache {
  constructor(readonly root: string) {}

  /** The directory of `tool` at exactly `version` for this machine's architecture, or '' when not cached whole. */
  find(tool: string, version: string): string {
    const dir = this.dirOf(tool, version);
    return existsSync(dir) && existsSync(`${dir}.complete`) ? dir : '';
  }

  /**
   * Copies what `sourceDir` holds into the cache and marks it whole last: a copy cut off half-way is never found.
   * Links are copied as they are (npm's `.bin` entries point relatively into `node_modules`).
   * @returns the cached directory.
   */
  async add(sourceDir: string, tool: string, version: string): Promise<string> {
    const dir = this.dirOf(tool, version);
    await rm(`${dir}.complete`, { force: true });
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(sourceDir, dir, { recursive: true, verbatimSymlinks: true });
    await writeFile(`${dir}.complete`, '');
    return dir;
  }

  private dirOf(tool: string, version: string): string {
    return path.join(this.root, tool, version, os.arch());
  }
}
