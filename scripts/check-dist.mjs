// Fails when the committed dist/ is not what the sources build: rebuilds each bundle (the action's, and the local
// command's in dist/local) into a temporary directory and compares.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// As package.json's `bundle` script builds them: the action's minified, which saves part of its start-up.
const BUNDLES = [
  { entry: 'src/index.ts', dir: 'dist', skip: ['local'], flags: ['--minify'] },
  { entry: 'src/local/index.ts', dir: 'dist/local', skip: [], flags: [] },
];

const fresh = mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
try {
  const stale = [];
  for (const [i, bundle] of BUNDLES.entries()) {
    const out = path.join(fresh, String(i));
    const flags = [...bundle.flags, '--license', 'licenses.txt', '--target', 'es2022'];
    execFileSync('npx', ['ncc', 'build', bundle.entry, '-o', out, ...flags], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const listed = (dir) => {
      try {
        return readdirSync(dir).filter((name) => !bundle.skip.includes(name));
      } catch {
        return [];
      }
    };
    const names = new Set([...listed(bundle.dir), ...listed(out)]);
    for (const name of names) {
      const committed = path.join(bundle.dir, name);
      try {
        if (statSync(committed).isDirectory() || !readFileSync(committed).equals(readFileSync(path.join(out, name)))) {
          stale.push(committed);
        }
      } catch {
        stale.push(committed);
      }
    }
  }
  if (stale.length > 0) {
    console.error(`dist/ does not match the sources (${stale.join(', ')}): run \`npm run bundle\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ matches the sources.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
