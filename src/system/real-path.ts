/**
 * Where a path really leads, for the settings that must stay inside or outside the workspace: a symbolic link anywhere
 * on the way counts, not the path's spelling.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The real path of `target`; for one that does not exist yet, its nearest existing ancestor's with the rest added,
 * and a dangling link followed to where it would create its target.
 */
export function realPath(target: string): string {
  const rest: string[] = [];
  let current = path.resolve(target);
  // A bound on the links followed, as the system has one: a loop of links ends as it is.
  for (let links = 0; ;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const link = code === 'ENOENT' && links < 40 ? linkTarget(current) : undefined;
      const parent = path.dirname(current);
      if (link !== undefined) {
        links++;
        current = path.resolve(parent, link);
      } else if (parent === current || !['ENOENT', 'ENOTDIR'].includes(code)) {
        return path.join(current, ...rest.reverse());
      } else {
        rest.push(path.basename(current));
        current = parent;
      }
    }
  }
}

function linkTarget(file: string): string | undefined {
  try {
    return lstatSync(file).isSymbolicLink() ? readlinkSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** `inner` is `outer` or inside it (both absolute). */
export function isWithin(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  // `..state` is a directory inside; only `..` itself or a path through it leads out.
  return !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}
