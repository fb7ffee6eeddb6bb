// Fails when the committed dist/ is not what the sources build: rebuilds each bundle (the action's, and the local
// command's in dist/local) into a temporary directory and compares. The two builds run side by side: each is one
// single-threaded webpack, and they share nothing (ncc caches each entry on its own).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NCC = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
// As package.json's `bundle` script builds them: the action's minified, which saves part of its start-up.
const BUNDLES = [
  { entry: 'src/index.ts', dir: 'dist', skip: ['local'], flags: ['--minify'] },
  { entry: 'src/local/index.ts', dir: 'dist/local', skip: [], flags: [] },
];

/** Runs ncc as `npm run bundle` does; its log is printed whole when it ends, so the two builds' logs do not mix. */
function build(entry, out, flags) {
  return new Promise((resolve, reject) => {
    const args = [NCC, 'build', entry, '-o', out, ...flags, '--license', 'licenses.txt', '--target', 'es2022'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const log = [];
    child.stderr.on('data', (chunk) => log.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.stderr.write(Buffer.concat(log));
      if (code === 0) resolve();
      else reject(new Error(`ncc build ${entry} ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}

/** The committed files of `bundle` that differ from (or are missing in, or are extra to) the fresh build in `out`. */
function staleFiles(bundle, out) {
  const listed = (dir) => {
    try {
      return readdirSync(dir).filter((name) => !bundle.skip.includes(name));
    } catch {
      return [];
    }
  };
  const stale = [];
  for (const name of new Set([...listed(path.join(ROOT, bundle.dir)), ...listed(out)])) {
    const committed = path.join(bundle.dir, name);
    try {
      const same = readFileSync(path.join(ROOT, committed)).equals(readFileSync(path.join(out, name)));
      if (statSync(path.join(ROOT, committed)).isDirectory() || !same) stale.push(committed);
    } catch {
      stale.push(committed);
    }
  }
  return stale;
}

const fresh = mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
try {
  const outs = BUNDLES.map((_, i) => path.join(fresh, String(i)));
  await Promise.all(BUNDLES.map((bundle, i) => build(bundle.entry, outs[i], bundle.flags)));
  const stale = BUNDLES.flatMap((bundle, i) => staleFiles(bundle, outs[i]));
  if (stale.length > 0) {
    console.error(`dist/ does not match the sources (${stale.join(', ')}): run \`npm run bundle\` and commit dist/.`);
    process.exitCode = 1;
  } else {
    console.log('dist/ matches the sources.');
  }
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
