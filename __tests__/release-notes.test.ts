/** The release workflow's notes: one version's section of CHANGELOG.md, and CHANGELOG.md itself. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { majorTagDecision } from '../scripts/release-guard.mjs';
import { releaseNotes } from '../scripts/release-notes.mjs';
import { ROOT } from './helpers/action-runner.js';

const changelog = `# Changelog

All notable changes.

## [Unreleased]

- Something not yet released.

## [1.2.30] - 2026-06-01

### Fixed

- The thirtieth.

## [1.2.3] - 2026-05-01

### Added

- A thing.

### Fixed

- Another thing.

## [1.0.0] - 2026-01-01

- First release.

[1.2.3]: https://github.com/org/autonomous-loop/releases/tag/v1.2.3
[1.0.0]: https://github.com/org/autonomous-loop/releases/tag/v1.0.0
`;

describe('releaseNotes', () => {
  it("takes the version's section, without its heading and up to the next version", () => {
    expect(releaseNotes(changelog, 'v1.2.3')).toBe('### Added\n\n- A thing.\n\n### Fixed\n\n- Another thing.');
  });

  it('does not take a version that merely starts the same, nor the link references at the end', () => {
    expect(releaseNotes(changelog, 'v1.2.30')).toBe('### Fixed\n\n- The thirtieth.');
    expect(releaseNotes(changelog, 'v1.0.0')).toBe('- First release.');
  });

  it('refuses a tag that is not vX.Y.Z, a version with no section, and an empty section', () => {
    expect(() => releaseNotes(changelog, 'v1')).toThrow('"v1" is not a release tag: expected vX.Y.Z, such as v1.0.0.');
    expect(() => releaseNotes(changelog, '1.2.3')).toThrow('is not a release tag');
    expect(() => releaseNotes(changelog, 'v9.9.9')).toThrow(
      'CHANGELOG.md has no section "## [9.9.9]" for the tag v9.9.9.',
    );
    expect(() => releaseNotes('## [2.0.0] - 2026-07-01\n\n## [1.0.0]\n- x\n', 'v2.0.0')).toThrow(
      'The section "## [2.0.0]" of CHANGELOG.md is empty.',
    );
  });

  it('runs as the release workflow runs it, and fails with the message', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'notes-'));
    writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
    const script = path.join(ROOT, 'scripts', 'release-notes.mjs');
    expect(execFileSync('node', [script, 'v1.0.0', path.join(dir, 'CHANGELOG.md')], { encoding: 'utf8' })).toBe(
      '- First release.\n',
    );
    const missing = spawnSync('node', [script, 'v3.0.0', path.join(dir, 'CHANGELOG.md')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('CHANGELOG.md has no section "## [3.0.0]" for the tag v3.0.0.\n');
  });
});

describe('CHANGELOG.md', () => {
  const text = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');

  it('has notes for the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(releaseNotes(text, `v${version}`)).toMatch(/\S/);
  });
});

describe('the major tag moves only to the newest release of its major', () => {
  const tags = ['v1', 'v1.0.0', 'v1.1.4', 'v1.2.0', 'v1.3.0-rc.1', 'v2.0.0', 'v0.9.9', 'v1.10.0-beta'];
  it.each([
    ['v1.2.1', true],
    ['v1.3.0', true],
    ['v2.0.1', true],
    ['v1.1.5', false],
    ['v1.2.0', true],
    ['v1.0.9', false],
    ['v1.4.0-rc.1', false],
    ['v1', false],
  ])('%s: move %s', (tag, move) => {
    expect(majorTagDecision(tag, [...tags, tag]).move).toBe(move);
  });

  it('compares numbers, not text: v1.10.0 is newer than v1.9.0', () => {
    expect(majorTagDecision('v1.9.0', ['v1.10.0']).move).toBe(false);
    expect(majorTagDecision('v1.10.0', ['v1.9.0', 'v1.9.12']).move).toBe(true);
  });

  it('says which release the major tag stays on', () => {
    expect(majorTagDecision('v1.1.5', tags).why).toBe('v1 stays on the newer v1.2.0');
  });

  it('prints a line for GITHUB_OUTPUT', () => {
    const run = spawnSync(process.execPath, ['scripts/release-guard.mjs', 'v1.1.5', ...tags], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('move=false\n');
    expect(run.stderr).toContain('v1 stays on the newer v1.2.0');
  });
});
