/**
 * What the loop knows of the work tree: a fingerprint of its content, and whether two are the same.
 * `system/workspace.ts` takes them with git.
 */
export interface WorkTreeFingerprint {
  /** Commit id, or '' before the first commit. */
  head: string;
  /** Tree id of the whole work tree's content. */
  tree: string;
  /** The fingerprints of the repositories nested in the work tree, by path from its top; absent when there are none. */
  nested?: Record<string, WorkTreeFingerprint>;
}

export function sameFingerprint(a: WorkTreeFingerprint, b: WorkTreeFingerprint): boolean {
  if (a.head !== b.head || a.tree !== b.tree) return false;
  const [x, y] = [a.nested ?? {}, b.nested ?? {}];
  const paths = Object.keys(x);
  return (
    paths.length === Object.keys(y).length &&
    paths.every((relative) => y[relative] && sameFingerprint(x[relative], y[relative]))
  );
}
