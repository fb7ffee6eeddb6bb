// The release notes of one version: its section of CHANGELOG.md (Keep a Changelog), for the release workflow.
//
//   node scripts/release-notes.mjs v1.2.3 [CHANGELOG.md]   prints the body of "## [1.2.3] - 2026-05-01"
//
// Fails (exit 1, a message on stderr) when the tag is not vX.Y.Z, or the changelog has no section for it or an
// empty one: a release is not published without notes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** vX.Y.Z, with an optional pre-release part (v1.0.0-rc.1); never a major tag such as v1. */
export const RELEASE_TAG = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/**
 * @param {string} changelog the text of CHANGELOG.md
 * @param {string} tag e.g. v1.2.3
 * @returns {string} the lines between the version's heading and the next `## ` heading, trimmed
 */
export function releaseNotes(changelog, tag) {
  const version = RELEASE_TAG.exec(tag)?.[1];
  if (version === undefined) throw new Error(`"${tag}" is not a release tag: expected vX.Y.Z, such as v1.0.0.`);
  const lines = changelog.split(/\r?\n/);
  const heading = (line) => /^## (?!#)/.test(line);
  // "## [1.2.3] - 2026-05-01" or "## 1.2.3 - 2026-05-01"; not "## [1.2.30]".
  const own = new RegExp(`^## \\[?${version.replaceAll('.', '\\.')}\\]?(?:\\s|$)`);
  const start = lines.findIndex((line) => own.test(line));
  if (start === -1) throw new Error(`CHANGELOG.md has no section "## [${version}]" for the tag ${tag}.`);
  const end = lines.findIndex((line, index) => index > start && heading(line));
  // Link references ("[1.2.3]: https://…") at the end of the file belong to no section.
  const body = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .filter((line) => !/^\[[^\]]+\]: \S+$/.test(line))
    .join('\n')
    .trim();
  if (body === '') throw new Error(`The section "## [${version}]" of CHANGELOG.md is empty.`);
  return body;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tag = '', file = 'CHANGELOG.md'] = process.argv.slice(2);
  try {
    process.stdout.write(`${releaseNotes(readFileSync(file, 'utf8'), tag)}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
