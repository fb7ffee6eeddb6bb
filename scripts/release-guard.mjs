// Whether the release workflow may move a major tag (v1) to this release: only to the newest release of that major,
// so that a backport tagged after a newer release (v1.1.5 after v1.2.0) never moves v1 backwards.
//
//   node scripts/release-guard.mjs v1.2.3 v1.0.0 v1.2.0 …   prints "move=true" or "move=false" and why, on stderr
import { pathToFileURL } from 'node:url';
import { RELEASE_TAG } from './release-notes.mjs';

/** [major, minor, patch] of a plain release tag; undefined for a pre-release or anything else. */
function parse(tag) {
  const version = RELEASE_TAG.exec(tag)?.[1];
  if (version === undefined || version.includes('-')) return undefined;
  return version.split('.').map(Number);
}

/**
 * @param {string} tag the release being published, e.g. v1.2.3
 * @param {string[]} tags every tag of the repository
 * @returns {{ move: boolean, why: string }}
 */
export function majorTagDecision(tag, tags) {
  const own = parse(tag);
  if (own === undefined) return { move: false, why: `${tag} is a pre-release or not a release tag` };
  const newer = tags
    .map((other) => ({ other, version: parse(other) }))
    .filter(({ version }) => version !== undefined && version[0] === own[0])
    .filter(({ version }) => version[1] > own[1] || (version[1] === own[1] && version[2] > own[2]))
    .map(({ other }) => other);
  if (newer.length > 0) return { move: false, why: `v${own[0]} stays on the newer ${newer.sort().at(-1)}` };
  return { move: true, why: `${tag} is the newest release of v${own[0]}` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tag, ...tags] = process.argv.slice(2);
  const { move, why } = majorTagDecision(tag ?? '', tags);
  console.error(why);
  console.log(`move=${move}`);
}
