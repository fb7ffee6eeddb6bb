// Fails when the committed dist/ is not what the sources build: rebuilds into a temporary directory and compares.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const fresh = mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
try {
  execFileSync(
    'npx',
    ['ncc', 'build', 'src/index.ts', '-o', fresh, '--license', 'licenses.txt', '--target', 'es2022'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const names = new Set([...readdirSync('dist'), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    try {
      return !readFileSync(path.join('dist', name)).equals(readFileSync(path.join(fresh, name)));
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`dist/ does not match the sources (${stale.join(', ')}): run \`npm run bundle\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ matches the sources.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
