// `npm test`: the type check, lint and the dist/ check run beside the tests, not before them, since they share no
// files and the tests spend much of their time waiting on processes. The tests' output is shown as it comes; each
// other step's output is shown whole once the tests end. Fails when any step fails, and says which.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** package.json scripts that run beside the tests, each as `npm run NAME` would run it. */
const CHECKS = ['typecheck', 'lint', 'check-dist'];
const TESTS = 'test:unit';

const env = { ...process.env, PATH: [path.join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter) };
const children = new Set();

/** Runs a package.json script; `quiet` keeps its output (stdout and stderr in order of arrival) instead of showing it. */
function run(name, quiet) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(scripts[name], {
      cwd: ROOT,
      env,
      shell: true,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    children.add(child);
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    const end = (passed, note = '') => {
      children.delete(child);
      resolve({ name, passed, note, seconds: (Date.now() - started) / 1000, output: Buffer.concat(output) });
    };
    child.on('error', (error) => end(false, error.message));
    child.on('close', (code, signal) => end(code === 0, code === 0 ? '' : (signal ?? `exit code ${code}`)));
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const checks = CHECKS.map((name) => run(name, true));
const tests = await run(TESTS, false);
const results = [...(await Promise.all(checks)), tests];

for (const result of results.slice(0, -1)) {
  process.stdout.write(`\n> ${result.name}: ${scripts[result.name]}\n`);
  process.stdout.write(result.output);
}
process.stdout.write('\n');
for (const { name, passed, note, seconds } of results) {
  const verdict = passed ? 'passed' : `FAILED (${note})`;
  process.stdout.write(`${name.padEnd(10)} ${verdict.padEnd(24)} ${seconds.toFixed(1).padStart(6)} s\n`);
}
const failed = results.filter((result) => !result.passed).map((result) => result.name);
if (failed.length > 0) {
  process.stdout.write(`npm test failed: ${failed.join(', ')}.\n`);
  process.exitCode = 1;
}
