// Fails when the committed dist/ is not what the sources build: rebuilds each bundle (the action's, and the local
// command's in dist/local) into a temporary directory and compares.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BUNDLES = [
  { entry: 'src/index.ts', dir: 'dist', skip: ['local'] },
  { entry: 'src/local/index.ts', dir: 'dist/local', skip: [] },
];

const fresh = mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
try {
  const stale = [];
  for (const [i, bundle] of BUNDLES.entries()) {
    const out = path.join(fresh, String(i));
    execFileSync('npx', ['ncc', 'build', bundle.entry, '-o', out, '--license', 'licenses.txt', '--target', 'es2022'], {
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
