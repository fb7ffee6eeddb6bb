#!/usr/bin/env node
/**
 * `npm run bench`: the action's own overhead, next to the physical limit it is measured against, in one run.
 *
 *   1. Start-up: launching `node dist/index.js` until the first CLI spawn, against a bare `node -e 0`.
 *   2. Per-iteration overhead (fingerprint and bookkeeping) on a 10,000-file, 200 MB git repository, against one
 *      `git status`; and both on a fresh checkout, whose racily clean index makes the first scan hash every file.
 *   3. Transcript throughput and peak RSS for 30 MB, 300 MB and 1 GB of stream-json in one iteration, against the
 *      stand-in CLI piped through `cat` into a file; and, between the two, a Node reader that only writes the file
 *      and the action's own stream modules alone (bench/node-reader.mjs), to show where the time goes.
 *   4. The bundle: size of dist/ and its start-up alone.
 *   5. The credential proxy (src/system/credential-proxy.ts, transpiled, in a process of its own): the latency it adds
 *      to a small request on loopback, and the rate at which a stream passes through it, each against the same
 *      requests sent straight to the loopback upstream.
 *   6. The secret guard after an iteration that changed a few files of the 10,000-file repository, against the
 *      first `git status` of a fresh checkout.
 *
 * It benchmarks the committed dist/index.js as it is (a warning says when it is older than src/). Results: a table
 * on stdout, bench/results/latest.json and bench/results/latest.md.
 *
 *   node bench/run.mjs [--quick] [--runs N] [--only startup,iteration,throughput,bundle,proxy,guard] [--bundle file.js]
 *
 * --quick skips the 1 GB transcript and runs fewer repetitions; --runs overrides the repetitions of every part;
 * --bundle measures another build of the action (e.g. an older dist/index.js kept for a before/after comparison).
 */
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import yaml from 'js-yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = path.join(ROOT, 'bench');
const PRODUCER = path.join(BENCH, 'producer.mjs');
const NODE_READER = path.join(BENCH, 'node-reader.mjs');
const STAND_IN = path.join(BENCH, 'stand-in.sh');
const RSS_PROBE = pathToFileURL(path.join(BENCH, 'rss-probe.mjs')).href;
const CACHE = path.join(os.tmpdir(), 'autonomous-loop-bench');

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string', default: 'bundle,startup,iteration,throughput,proxy,guard' },
    bundle: { type: 'string', default: path.join(ROOT, 'dist', 'index.js') },
  },
});
const BUNDLE = path.resolve(options.bundle);
const only = new Set(options.only.split(','));
const runs = (normal, quick) => (options.runs ? Number(options.runs) : options.quick ? quick : normal);

/** Issue 13's goals: each against its floor, measured in the same run. */
const GOALS = {
  /** Issue 26: with `@actions/core` back in the runtime. */
  startupAboveNodeMs: 75,
  iterationVsGitStatus: 2,
  /** Against `producer | cat > file`, from 300 MB on: below that the two CLI starts of the stand-in dominate. */
  throughputVsPipe: 1.5,
  throughputFromBytes: 300_000_000,
  peakRssMb: 100,
  /** Issue 21: what the credential proxy may cost. */
  proxyAddedLatencyMs: 2,
  proxyStreamMbPerSecond: 200,
  /** Issue 21: the secret guard's cost per iteration, against the first `git status` of a fresh checkout. */
  guardVsFreshStatus: 0.25,
};
const MB = 1_000_000;
const SIZES = options.quick ? [30 * MB, 300 * MB] : [30 * MB, 300 * MB, 1000 * MB];

// ---------------------------------------------------------------------------------------------------------------
// Small tools

const now = () => performance.timeOrigin + performance.now();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const summary = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
  runs: values.length,
});
const ms = (value) => `${value.toFixed(1)} ms`;
const spread = (s) => `${s.min.toFixed(1)}–${s.max.toFixed(1)}`;
const log = (text) => process.stdout.write(`${text}\n`);

/** Spawns a process and resolves with its wall time (spawn to exit), exit code and stdout size. */
function timed(command, args, { env = process.env, cwd = ROOT, stdout = 'pipe', stdin = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(command, args, { env, cwd, stdio: [stdin, stdout, 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdoutBytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallMs = now() - started;
      child.on('close', () => resolve({ started, wallMs, code, signal, stdoutBytes, stderr }));
    });
  });
}

function git(cwd, ...args) {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The action, run as the GitHub runner runs it

const metadata = yaml.load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

/**
 * The environment of every floor: the same base as the action's (`runnerEnv`), not the benchmark's own. Node reads
 * some variables at start-up (NODE_EXTRA_CA_CERTS loads a CA bundle: about 50 ms here), and a floor started with
 * them while the action and its CLI start without them would be slower than the action could ever be.
 */
const FLOOR_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), LANG: 'C.UTF-8' };

// Secrets as long as real ones (an API key is 108 characters, a GitHub token 40): the transcript is searched for
// each of them, and a search for a short needle is slower than any a user pays for.
const API_KEY = `sk-ant-api03-${'b'.repeat(95)}`;
const GITHUB_TOKEN = `ghs_${'t'.repeat(36)}`;

/** Runner-style environment: INPUT_<NAME> with hyphens kept and action.yml defaults filled in. */
function runnerEnv(workspace, inputs, extra = {}) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-runner-'));
  const runnerTemp = path.join(work, 'temp');
  mkdirSync(runnerTemp);
  writeFileSync(path.join(work, 'output'), '');
  writeFileSync(path.join(work, 'summary.md'), '');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    LANG: 'C.UTF-8',
    GITHUB_OUTPUT: path.join(work, 'output'),
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/widgets',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    ...extra,
  };
  const all = { 'anthropic-api-key': API_KEY, 'open-issue-on': 'none', ...inputs };
  for (const [name, input] of Object.entries(metadata.inputs)) {
    if (input.default !== undefined && !(name in all)) {
      all[name] = input.default.includes('${{') ? GITHUB_TOKEN : input.default;
    }
  }
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, work, runnerTemp };
}

function outputsOf(work) {
  const text = readFileSync(path.join(work, 'output'), 'utf8');
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
    outputs[match[1]] = value.join('\n');
  }
  return outputs;
}

async function runAction({ workspace, inputs, env, nodeArgs = [], expectStatus }) {
  const runner = runnerEnv(workspace, inputs, env);
  try {
    const result = await timed(process.execPath, [...nodeArgs, BUNDLE], { env: runner.env, cwd: workspace });
    const outputs = outputsOf(runner.work);
    if (expectStatus && outputs.status !== expectStatus) {
      throw new Error(
        `The action ended with status "${outputs.status}" (exit ${result.code}), expected ${expectStatus}: ` +
          `${outputs.reason ?? ''}\n${result.stderr}`,
      );
    }
    const transcripts = readdirSync(runner.runnerTemp).map((name) => statSync(path.join(runner.runnerTemp, name)).size);
    return { ...result, outputs, transcriptBytes: transcripts.reduce((a, b) => a + b, 0) };
  } finally {
    rmSync(runner.work, { recursive: true, force: true });
  }
}

function makeSmallRepo() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function readStamps(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [kind, seconds] = line.split(' ');
      return { kind, at: Number(seconds.replace(',', '.')) * 1000 };
    });
}

/** A short transcript for the instant stand-in: init, a text with a gate, the result line. */
function standInTranscript(dir, ready) {
  const file = path.join(dir, `transcript-${ready}.jsonl`);
  const session = 'bench-session';
  const gate = `Done for now.\n<COMPLETION_GATE>\nready: ${ready}\nreason: "bench"\nprogress: "bench"\nblockers: []\n</COMPLETION_GATE>`;
  const lines = [
    { type: 'system', subtype: 'init', session_id: session, model: 'stand-in', claude_code_version: '9.9.9' },
    { type: 'assistant', message: { content: [{ type: 'text', text: gate }] }, parent_tool_use_id: null },
    { type: 'result', subtype: 'success', is_error: false, result: gate, num_turns: 1, total_cost_usd: 0.01 },
  ];
  writeFileSync(file, lines.map((line) => `${JSON.stringify({ ...line, session_id: session })}\n`).join(''));
  return file;
}

// ---------------------------------------------------------------------------------------------------------------
// The machine

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let commit = 'unknown';
  try {
    commit = git(ROOT, 'rev-parse', '--short', 'HEAD').trim();
    if (git(ROOT, 'status', '--porcelain', '--', 'src', 'dist').trim() !== '') commit += ' + uncommitted changes';
  } catch {
    // Not a git checkout.
  }
  return {
    cpu: model,
    cores: os.cpus().length,
    memoryGb: +(os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    git: git(ROOT, '--version').trim(),
    commit,
    bundle: path.relative(ROOT, BUNDLE) || BUNDLE,
    command: `node bench/run.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
  };
}

function warnIfStale() {
  if (BUNDLE !== path.join(ROOT, 'dist', 'index.js')) return;
  const newest = (dir) =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const file = path.join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
    }, 0);
  if (newest(path.join(ROOT, 'src')) > statSync(BUNDLE).mtimeMs) {
    log('WARNING: dist/index.js is older than src/: this measures the committed bundle, not the current sources.');
    log('         Run `npm run bundle` first to measure the sources.\n');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. The bundle (first, it is the quickest)

async function benchBundle() {
  const dir = path.dirname(BUNDLE);
  // The action's own files: dist/local/ holds the local command's bundle, measured apart from it.
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(({ name }) => {
      const content = readFileSync(path.join(dir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
  const repo = makeSmallRepo();
  const node = [];
  const alone = [];
  // Missing prompt: the action reads its inputs, writes all outputs and the summary, and exits 1.
  const n = runs(15, 7);
  for (let i = 0; i < n; i++) {
    node.push((await timed(process.execPath, ['-e', '0'], { env: FLOOR_ENV })).wallMs);
    const run = await runAction({ workspace: repo, inputs: { prompt: '', 'prompt-file': '' } });
    if (run.code !== 1 || run.outputs.status !== 'failed') throw new Error(`Invalid inputs should fail: ${run.stderr}`);
    alone.push(run.wallMs);
  }
  rmSync(repo, { recursive: true, force: true });
  return {
    files,
    totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    nodeMs: summary(node),
    bundleAloneMs: summary(alone),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Start-up

async function benchStartup() {
  const repo = makeSmallRepo();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
  const transcript = standInTranscript(scratch, true);
  const node = [];
  const toVersion = [];
  const toIteration = [];
  const total = [];
  const n = runs(15, 7);
  for (let i = 0; i < n; i++) {
    node.push((await timed(process.execPath, ['-e', '0'], { env: FLOOR_ENV })).wallMs);
    const stamps = path.join(scratch, `stamps-${i}`);
    const run = await runAction({
      workspace: repo,
      inputs: { prompt: 'Go', 'claude-path': STAND_IN, 'max-iterations': '1' },
      env: { BENCH_STAMPS: stamps, BENCH_TRANSCRIPT: transcript },
      expectStatus: 'completed',
    });
    const [version, start] = readStamps(stamps);
    if (version?.kind !== 'version' || start?.kind !== 'start') throw new Error('The stand-in left no stamps.');
    toVersion.push(version.at - run.started);
    toIteration.push(start.at - run.started);
    total.push(run.wallMs);
  }
  // The stand-in's own start: bash up to its first stamp, which the spans above include.
  const standIn = [];
  for (let i = 0; i < n; i++) {
    const stamps = path.join(scratch, `own-${i}`);
    const run = await timed(STAND_IN, ['--version'], { env: { ...FLOOR_ENV, BENCH_STAMPS: stamps } });
    standIn.push(readStamps(stamps)[0].at - run.started);
  }
  rmSync(repo, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  return {
    nodeMs: summary(node),
    toFirstSpawnMs: summary(toVersion),
    toFirstIterationMs: summary(toIteration),
    wholeRunMs: summary(total),
    standInStartMs: summary(standIn),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Per-iteration overhead on a big repository

const BIG_FILES = 10_000;
const BIG_BYTES = 200 * MB;

/** 10,000 files of 200 MB in all, one commit; built once and kept under the system's temp directory. */
function bigRepo() {
  const dir = path.join(CACHE, `repo-${BIG_FILES}-files-${BIG_BYTES / MB}mb-v1`);
  const done = `${dir}.complete`;
  if (existsSync(done) && existsSync(path.join(dir, '.git'))) return { dir, builtMs: 0 };
  const started = now();
  log(`Building the ${BIG_FILES}-file, ${BIG_BYTES / MB} MB repository in ${dir} (once; it is kept for later runs)...`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  let seed = 12345;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const words = 'const let return if else for while function import export from await async class new this'.split(' ');
  let pool = '';
  while (pool.length < 1 << 20) {
    const indent = ' '.repeat(Math.floor(random() * 4) * 2);
    const line = Array.from({ length: 4 + Math.floor(random() * 8) }, () =>
      random() < 0.5 ? words[Math.floor(random() * words.length)] : Math.floor(random() * 1e9).toString(36),
    ).join(' ');
    pool += `${indent}${line};\n`;
  }
  const average = BIG_BYTES / BIG_FILES;
  for (let i = 0; i < BIG_FILES; i++) {
    const folder = path.join(dir, `pkg-${String(Math.floor(i / 100)).padStart(3, '0')}`, 'src');
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    const size = Math.floor(average * (0.2 + (1.6 * ((i * 7919) % 1000)) / 1000));
    const offset = Math.floor(random() * (pool.length - size));
    writeFileSync(path.join(folder, `module-${i}.ts`), `// module ${i}\n${pool.slice(offset, offset + size)}`);
  }
  git(dir, '-c', 'core.compression=1', 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'A big repository');
  writeFileSync(done, '');
  return { dir, builtMs: now() - started };
}

/**
 * Modules of `src/` (paths below it, without `.ts`), transpiled with the project's TypeScript into the same folders of
 * a new directory (an ES module package, so their relative imports resolve to each other). Undefined without TypeScript: the parts that need it are then left out.
 */
async function transpiled(names) {
  let ts;
  try {
    ts = (await import('typescript')).default;
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-src-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const name of names) {
    const source = readFileSync(path.join(ROOT, 'src', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, `${name}.js`), outputText);
  }
  return dir;
}

/**
 * Times `Workspace.fingerprint()` itself: src/system/workspace.ts, transpiled. `prepare` runs before each timed call (and
 * the warm-up), outside the timing. With `after`, each timed call is the second fingerprint of a workspace opened
 * after `prepare`, as in a new run of the action: the first, untimed, is the one that meets the index.
 */
async function fingerprintAlone(repo, n, prepare = () => {}, { after = false } = {}) {
  const dir = await transpiled(['system/workspace', 'core/fingerprint']);
  if (dir === undefined) return undefined;
  const file = path.join(dir, 'system', 'workspace.js');
  try {
    const { Workspace } = await import(pathToFileURL(file).href);
    const timeOne = async (workspace) => {
      prepare();
      if (after) await workspace.fingerprint();
      const started = now();
      await workspace.fingerprint();
      return now() - started;
    };
    const times = [];
    let workspace = await Workspace.open(repo);
    try {
      await timeOne(workspace);
      for (let i = 0; i < n; i++) {
        if (after) {
          workspace.dispose();
          workspace = await Workspace.open(repo);
        }
        times.push(await timeOne(workspace));
      }
    } finally {
      workspace.dispose();
    }
    return summary(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Puts the repository in the state actions/checkout leaves it in: the files and the index written in the same second.
 * git cannot tell from their timestamps whether such a file changed after the index was written ("racily clean"),
 * so the first content scan reads and hashes every one of them; a `git status` that can take the index lock then
 * writes the index again, and later scans trust the timestamps. Setting the index's time back to that of the oldest
 * file makes every entry racy, with the stat data of the index still matching the files.
 */
function makeFresh(repo) {
  const oldest = execFileSync('find', ['.', '-path', './.git', '-prune', '-o', '-type', 'f', '-printf', '%T@\\n'], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((line) => line !== '')
    .reduce((min, line) => Math.min(min, Math.floor(Number(line))), Infinity);
  const index = path.join(repo, '.git', 'index');
  return () => utimesSync(index, oldest, oldest);
}

/** `git status` right after a checkout, and again once that first one has settled the index. */
async function gitStatusFreshAndSettled(repo, n) {
  const fresh = makeFresh(repo);
  const first = [];
  const second = [];
  for (let i = 0; i < n; i++) {
    fresh();
    first.push((await timed('git', ['status', '--porcelain'], { cwd: repo })).wallMs);
    second.push((await timed('git', ['status', '--porcelain'], { cwd: repo })).wallMs);
  }
  return { fresh: summary(first), settled: summary(second) };
}

async function benchIteration() {
  const { dir: repo, builtMs } = bigRepo();
  const tree = git(repo, 'ls-tree', '-r', '-l', 'HEAD')
    .split('\n')
    .filter((line) => line !== '');
  const files = tree.length;
  const bytes = tree.reduce((sum, line) => sum + Number(line.split(/\s+/)[3]), 0);
  // Warm: one of each before timing.
  git(repo, 'status', '--porcelain');
  const status = [];
  const n = runs(15, 7);
  for (let i = 0; i < n; i++) status.push((await timed('git', ['status', '--porcelain'], { cwd: repo })).wallMs);
  const fingerprint = await fingerprintAlone(repo, n);
  // A fresh checkout: git status settles the index, the fingerprint (which works on a copy) does not.
  const freshRuns = runs(5, 3);
  const freshStatus = await gitStatusFreshAndSettled(repo, freshRuns);
  const fingerprintFresh = await fingerprintAlone(repo, freshRuns, makeFresh(repo));
  const fingerprintFreshNext = await fingerprintAlone(repo, freshRuns, makeFresh(repo), { after: true });
  git(repo, 'status', '--porcelain');

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-iteration-'));
  const transcript = standInTranscript(scratch, false);
  const ITERATIONS = 10;
  const gaps = [];
  const standIn = [];
  const wall = { 1: [], [ITERATIONS]: [] };
  const loops = runs(5, 3);
  for (let i = 0; i < loops; i++) {
    for (const iterations of [1, ITERATIONS]) {
      const stamps = path.join(scratch, `stamps-${i}-${iterations}`);
      const run = await runAction({
        workspace: repo,
        inputs: {
          prompt: 'Go',
          'claude-path': STAND_IN,
          'max-iterations': String(iterations),
          'no-change-threshold': '1000',
          'same-error-threshold': '1000',
        },
        env: { BENCH_STAMPS: stamps, BENCH_TRANSCRIPT: transcript },
        expectStatus: 'iteration_limit_reached',
      });
      wall[iterations].push(run.wallMs);
      const marks = readStamps(stamps).filter((mark) => mark.kind !== 'version');
      for (let k = 0; k + 1 < marks.length; k += 2) standIn.push(marks[k + 1].at - marks[k].at);
      for (let k = 1; k + 1 < marks.length; k += 2) gaps.push(marks[k + 1].at - marks[k].at);
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  const marginal = (median(wall[ITERATIONS]) - median(wall[1])) / (ITERATIONS - 1) - median(standIn);
  return {
    repo: { dir: repo, files, bytes, builtMs },
    gitStatusMs: summary(status),
    fingerprintMs: fingerprint,
    freshCheckout: {
      gitStatusMs: freshStatus.fresh,
      gitStatusAfterMs: freshStatus.settled,
      fingerprintMs: fingerprintFresh,
      nextFingerprintMs: fingerprintFreshNext,
    },
    betweenIterationsMs: summary(gaps),
    marginalIterationMs: marginal,
    standInIterationMs: summary(standIn),
    wallMs: { one: summary(wall[1]), ten: summary(wall[ITERATIONS]) },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The secret guard

/** What an iteration changes: a few tracked files edited, two new ones, and a commit of some of it. */
function changeAFewFiles(repo, round) {
  for (let i = 0; i < 5; i++) {
    const file = path.join(
      repo,
      `pkg-${String(i * 7 + round).padStart(3, '0')}`,
      'src',
      `module-${(i * 7 + round) * 100}.ts`,
    );
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// edited in round ${round}\n`);
  }
  writeFileSync(path.join(repo, `new-${round}-a.ts`), `export const round = ${round};\n`.repeat(200));
  writeFileSync(path.join(repo, `new-${round}-b.md`), `# Notes of round ${round}\n`.repeat(50));
  git(repo, 'add', `new-${round}-a.ts`);
  git(repo, 'commit', '-q', '-m', `round ${round}`);
}

/**
 * `SecretGuard.find()` (src/system/secret-guard.ts, transpiled) after an iteration that changed a few files and made
 * a commit: the first search of a loop, and a later one, after another such iteration, where what was found clean
 * before is not read again. The repository is put back as it was after each sample.
 */
async function benchGuard() {
  // A copy: the samples commit and reset, and the kept repository may be in use by another run of the benchmark.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-guard-'));
  const repo = path.join(scratch, 'repo');
  execFileSync('cp', ['-a', bigRepo().dir, repo]);
  git(repo, 'status', '--porcelain');
  try {
    return await guardSamples(repo);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function guardSamples(repo) {
  const freshRuns = runs(5, 3);
  const freshStatus = await gitStatusFreshAndSettled(repo, freshRuns);
  const dir = await transpiled([
    'system/workspace',
    'system/secret-guard',
    'core/fingerprint',
    'text/untrusted-text',
    'text/text',
  ]);
  if (dir === undefined) return undefined;
  const { Workspace } = await import(pathToFileURL(path.join(dir, 'system', 'workspace.js')).href);
  const { SecretGuard } = await import(pathToFileURL(path.join(dir, 'system', 'secret-guard.js')).href);
  const { Secrets } = await import(pathToFileURL(path.join(dir, 'text', 'untrusted-text.js')).href);
  // Random-looking, as real ones are; a run of one letter would be searched faster or slower than any real key.
  const secrets = new Secrets([
    'sk-ant-api03-Qz7Xw2Lm9Rt4Vp8Ys1Kd3Nf6Hj0Bc5GaUe8Ri3Oy6Tw1Pq4Sd7Fg2Hk5Jl9Zx0Cv3Bn6Mq8We1Rt4Yu7Io2Pa5Sd8Fg1Hj4Kl7Zx-AbCdEf',
    'ghs_Ye5Rk9Tn2Wc7Mx4Qb1Lz8Hv3Jp6Df0SaXy12',
  ]);
  const origin = git(repo, 'rev-parse', 'HEAD').trim();
  const first = [];
  const later = [];
  try {
    for (let i = 0; i < runs(7, 3) + 1; i++) {
      const workspace = await Workspace.open(repo);
      try {
        const guard = new SecretGuard(workspace, secrets);
        const start = await workspace.fingerprint();
        changeAFewFiles(repo, 1);
        const after = await workspace.fingerprint();
        let started = now();
        const found = await guard.find(start, after);
        const firstMs = now() - started;
        changeAFewFiles(repo, 2);
        const next = await workspace.fingerprint();
        started = now();
        const foundNext = await guard.find(start, next);
        const laterMs = now() - started;
        if (found.length > 0 || foundNext.length > 0) throw new Error(`The guard found secrets: ${found}`);
        // The first sample warms the caches.
        if (i > 0) {
          first.push(firstMs);
          later.push(laterMs);
        }
      } finally {
        workspace.dispose();
        git(repo, 'reset', '-q', '--hard', origin);
        git(repo, 'clean', '-fdq');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    freshGitStatusMs: freshStatus.fresh,
    settledGitStatusMs: freshStatus.settled,
    firstSearchMs: summary(first),
    laterSearchMs: summary(later),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Transcript throughput and memory

async function benchThroughput() {
  const repo = makeSmallRepo();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-throughput-'));
  const coreDir = await transpiled(CORE_MODULES);
  const results = [];
  try {
    for (const size of SIZES) {
      const n = size >= 1000 * MB ? runs(5, 1) : runs(7, 3);
      const producer = [];
      const pipeFloor = [];
      const nodeReader = [];
      const core = [];
      const action = [];
      const rss = [];
      let transcriptBytes = 0;
      for (let i = 0; i < n; i++) {
        // Each run writes the transcript to disk: start every one with no dirty pages left from the one before.
        execFileSync('sync');
        const devNull = openSync('/dev/null', 'w');
        try {
          const env = { ...FLOOR_ENV, BENCH_BYTES: String(size) };
          producer.push((await timed(process.execPath, [PRODUCER], { env, stdout: devNull })).wallMs);
        } finally {
          closeSync(devNull);
        }
        // What moving the bytes costs at all: through a pipe into a file, as the transcript is.
        const sink = path.join(scratch, 'cat.jsonl');
        const floor = await timed('sh', ['-c', `"${process.execPath}" "${PRODUCER}" | cat > "${sink}"`], {
          env: { ...FLOOR_ENV, BENCH_BYTES: String(size) },
        });
        rmSync(sink, { force: true });
        pipeFloor.push(floor.wallMs);
        // The same through Node (nothing but the file), and through the action's own stream modules alone.
        nodeReader.push(await readerRun(size, sink));
        if (coreDir) core.push(await readerRun(size, sink, coreDir));

        execFileSync('sync');
        const rssFile = path.join(scratch, 'rss');
        rmSync(rssFile, { force: true });
        const run = await runAction({
          workspace: repo,
          inputs: { prompt: 'Go', 'claude-path': PRODUCER, 'max-iterations': '1' },
          env: { BENCH_BYTES: String(size), BENCH_RSS_FILE: rssFile },
          nodeArgs: ['--import', RSS_PROBE],
          expectStatus: 'completed',
        });
        if (run.transcriptBytes < size)
          throw new Error(`The transcript has ${run.transcriptBytes} bytes, not ${size}.`);
        transcriptBytes = run.transcriptBytes;
        action.push(run.wallMs);
        rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
      }
      results.push({
        bytes: size,
        transcriptBytes,
        producerAloneMs: summary(producer),
        pipeToFileMs: summary(pipeFloor),
        nodeReaderMs: summary(nodeReader),
        streamCoreMs: coreDir ? summary(core) : undefined,
        actionMs: summary(action),
        peakRssMb: summary(rss),
        ratio: median(action) / median(producer),
        ratioToPipe: median(action) / median(pipeFloor),
        ratioToCore: coreDir ? median(action) / median(core) : undefined,
        mbPerSecond: size / MB / (median(action) / 1000),
      });
      log(`  ${size / MB} MB: action ${ms(median(action))}, producer alone ${ms(median(producer))}`);
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    if (coreDir) rmSync(coreDir, { recursive: true, force: true });
  }
  return results;
}

/** The modules `bench/node-reader.mjs` runs as the stream core, with everything they import. */
const CORE_MODULES = [
  'claude/transcript',
  'text/untrusted-text',
  'text/secret-bytes',
  'text/wrapped-base64',
  'text/text',
  'claude/line-splitter',
  'claude/stream-json',
  'core/gate',
  'claude/live-log',
];

/** `producer | node bench/node-reader.mjs sink`, with the action's stream modules when `coreDir` is given. */
async function readerRun(size, sink, coreDir) {
  execFileSync('sync');
  const env = { ...FLOOR_ENV, BENCH_BYTES: String(size) };
  const core = coreDir
    ? `BENCH_CORE_DIR="${coreDir}" BENCH_SECRETS="${API_KEY}
${GITHUB_TOKEN}" `
    : '';
  const run = await timed(
    'sh',
    ['-c', `"${process.execPath}" "${PRODUCER}" | ${core}"${process.execPath}" "${NODE_READER}" "${sink}"`],
    { env },
  );
  if (run.code !== 0) throw new Error(`bench/node-reader.mjs failed (exit ${run.code}): ${run.stderr}`);
  const written = existsSync(sink) ? statSync(sink).size : 0;
  rmSync(sink, { force: true });
  if (written < size) throw new Error(`bench/node-reader.mjs wrote ${written} bytes, not ${size}.`);
  return run.wallMs;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The credential proxy

const PROXY_STREAM_BYTES = 256 * MB;

/**
 * The upstream and the proxy each run in a process of their own, as the API and the action do; the client is the
 * benchmark. Each prints one line of JSON when it listens. The upstream answers POST /small with 1 KB of JSON and
 * POST /stream with PROXY_STREAM_BYTES of event stream, and 401 to any request without the real key.
 */
const UPSTREAM_HOST = `
import http from 'node:http';
const [key, total] = [process.argv[1], Number(process.argv[2])];
const small = Buffer.from(JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'y'.repeat(960) }] }));
const chunk = Buffer.from('event: content_block_delta\\ndata: {"delta":"' + 'x'.repeat(16300) + '"}\\n\\n');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.headers['x-api-key'] !== key) return void res.writeHead(401).end();
    if (req.url === '/small') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': small.length });
      return void res.end(small);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let left = total;
    const write = () => {
      while (left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', write);
      }
      res.end();
    };
    write();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port }) + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;
const PROXY_HOST = `
const { CredentialProxy } = await import(process.argv[1]);
const proxy = await CredentialProxy.start({
  credential: { kind: 'api-key', value: process.argv[2] },
  upstream: process.argv[3],
  warn: (message) => process.stderr.write(message + '\\n'),
});
process.stdout.write(JSON.stringify({ url: proxy.url, token: proxy.token }) + '\\n');
// Each line on stdin asks for the CPU time the process has used so far, in milliseconds.
process.stdin.on('data', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(JSON.stringify({ cpuMs: (user + system) / 1000 }) + '\\n');
});
process.stdin.on('end', () => void proxy.close());
`;

/** Starts one of the hosts above; resolves with the JSON line it prints and the process, to end with stdin.end(). */
/** The CPU time a host has used so far (only the proxy's host answers). */
function cpuMsOf(host) {
  return new Promise((resolve) => {
    host.stdout.once('data', (line) => resolve(JSON.parse(line.toString()).cpuMs));
    host.stdin.write('cpu\n');
  });
}

function startHost(script, args, hosts) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
    env: FLOOR_ENV,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  hosts.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (line) => resolve(JSON.parse(line.toString())));
    child.once('exit', (code) => reject(new Error(`A benchmark host exited (${code}) before it listened.`)));
  });
}

/** One POST with a 1 KB body; resolves with the bytes received, and the time from the request to the last byte. */
function proxyRequest(agent, url, key, body) {
  return new Promise((resolve, reject) => {
    const started = now();
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
        else resolve({ ms: now() - started, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function benchProxy() {
  const dir = await transpiled(['system/credential-proxy']);
  if (dir === undefined) return undefined;
  const hosts = [];
  // One connection each way, kept alive, as the CLI keeps its own.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const upstream = await startHost(UPSTREAM_HOST, [API_KEY, String(PROXY_STREAM_BYTES)], hosts);
    const module = pathToFileURL(path.join(dir, 'system', 'credential-proxy.js')).href;
    const proxy = await startHost(PROXY_HOST, [module, API_KEY, upstream.url], hosts);
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'z'.repeat(960) }] });
    const direct = [];
    const through = [];
    const n = runs(2000, 500);
    // Warm both paths up, then alternate, so that a busy moment of the machine falls on both.
    for (let i = 0; i < 200; i++) {
      await proxyRequest(agent, `${upstream.url}/small`, API_KEY, body);
      await proxyRequest(agent, `${proxy.url}/small`, proxy.token, body);
    }
    for (let i = 0; i < n; i++) {
      direct.push((await proxyRequest(agent, `${upstream.url}/small`, API_KEY, body)).ms);
      through.push((await proxyRequest(agent, `${proxy.url}/small`, proxy.token, body)).ms);
    }
    const streamDirect = [];
    const streamThrough = [];
    // On a busy machine the wall time of a stream says more about the other processes than about the proxy: the
    // proxy's own CPU time per byte says what it can pass on one core.
    const streamPerCpuSecond = [];
    const proxyHost = hosts[1];
    for (let i = 0; i < runs(5, 3); i++) {
      for (const [list, url, key] of [
        [streamDirect, upstream.url, API_KEY],
        [streamThrough, proxy.url, proxy.token],
      ]) {
        const cpuBefore = list === streamThrough ? await cpuMsOf(proxyHost) : 0;
        const { ms: took, bytes } = await proxyRequest(agent, `${url}/stream`, key, '{}');
        if (bytes !== PROXY_STREAM_BYTES) throw new Error(`The stream from ${url} had ${bytes} bytes.`);
        list.push(PROXY_STREAM_BYTES / MB / (took / 1000));
        if (list === streamThrough) {
          streamPerCpuSecond.push(PROXY_STREAM_BYTES / MB / (((await cpuMsOf(proxyHost)) - cpuBefore) / 1000));
        }
      }
    }
    const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
    return {
      directMs: summary(direct),
      throughMs: summary(through),
      directP90Ms: p90(direct),
      throughP90Ms: p90(through),
      addedMs: median(through) - median(direct),
      streamBytes: PROXY_STREAM_BYTES,
      streamDirectMbPerSecond: summary(streamDirect),
      streamThroughMbPerSecond: summary(streamThrough),
      streamMbPerProxyCpuSecond: summary(streamPerCpuSecond),
    };
  } finally {
    agent.destroy();
    for (const host of hosts) host.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function verdicts(results) {
  const list = [];
  if (results.startup) {
    const above = results.startup.toFirstSpawnMs.median - results.startup.nodeMs.median;
    list.push({
      goal: `Start-up: first CLI spawn at most ${GOALS.startupAboveNodeMs} ms after a bare node start`,
      measured: `${above.toFixed(1)} ms above (${ms(results.startup.toFirstSpawnMs.median)} vs ${ms(results.startup.nodeMs.median)})`,
      pass: above <= GOALS.startupAboveNodeMs,
    });
  }
  if (results.iteration) {
    const ratio = results.iteration.betweenIterationsMs.median / results.iteration.gitStatusMs.median;
    list.push({
      goal: `Per-iteration overhead at most ${GOALS.iterationVsGitStatus}× one git status (10,000 files, 200 MB)`,
      measured: `${ratio.toFixed(2)}× (${ms(results.iteration.betweenIterationsMs.median)} vs ${ms(results.iteration.gitStatusMs.median)})`,
      pass: ratio <= GOALS.iterationVsGitStatus,
    });
  }
  if (results.throughput) {
    const judged = results.throughput.filter((r) => r.bytes >= GOALS.throughputFromBytes);
    list.push({
      goal:
        `Transcript wall time at most ${GOALS.throughputVsPipe}× the stand-in piped through \`cat\` into a file ` +
        `(from ${GOALS.throughputFromBytes / MB} MB)`,
      measured: results.throughput.map((r) => `${r.bytes / MB} MB ${r.ratioToPipe.toFixed(2)}×`).join(', '),
      pass: judged.length > 0 && judged.every((r) => r.ratioToPipe <= GOALS.throughputVsPipe),
    });
    const peaks = results.throughput.map((r) => r.peakRssMb.median);
    const flat = Math.max(...peaks) - Math.min(...peaks) <= 0.1 * GOALS.peakRssMb;
    list.push({
      goal: `Peak RSS at most ${GOALS.peakRssMb} MB, flat across sizes (within ${0.1 * GOALS.peakRssMb} MB)`,
      measured: peaks.map((p, i) => `${results.throughput[i].bytes / MB} MB: ${p.toFixed(1)} MB`).join(', '),
      pass: Math.max(...peaks) <= GOALS.peakRssMb && flat,
    });
  }
  if (results.proxy) {
    const p = results.proxy;
    list.push({
      goal: `Credential proxy: at most ${GOALS.proxyAddedLatencyMs} ms added to a small request on loopback (median)`,
      measured: `${p.addedMs.toFixed(2)} ms (${p.throughMs.median.toFixed(2)} vs ${p.directMs.median.toFixed(2)} ms direct)`,
      pass: p.addedMs <= GOALS.proxyAddedLatencyMs,
    });
    list.push({
      goal:
        `Credential proxy: a stream passes at ${GOALS.proxyStreamMbPerSecond} MB/s or more ` +
        '(MB per CPU-second of the proxy: wall-clock rates here depend on the other processes)',
      measured:
        `${p.streamMbPerProxyCpuSecond.median.toFixed(0)} MB per CPU-second; wall clock ` +
        `${p.streamThroughMbPerSecond.median.toFixed(0)} MB/s through it, ${p.streamDirectMbPerSecond.median.toFixed(0)} MB/s direct`,
      pass: p.streamMbPerProxyCpuSecond.median >= GOALS.proxyStreamMbPerSecond,
    });
  }
  if (results.guard) {
    const g = results.guard;
    const ratio = Math.max(g.firstSearchMs.median, g.laterSearchMs.median) / g.freshGitStatusMs.median;
    list.push({
      goal: `Secret guard per iteration at most ${GOALS.guardVsFreshStatus}× a fresh checkout's first git status (10,000 files)`,
      measured: `${ratio.toFixed(3)}× (${ms(g.firstSearchMs.median)} first, ${ms(g.laterSearchMs.median)} later, vs ${ms(g.freshGitStatusMs.median)})`,
      pass: ratio <= GOALS.guardVsFreshStatus,
    });
  }
  return list;
}

function markdown(results) {
  const m = results.machine;
  const out = [];
  out.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GiB RAM, ${m.os}; Node ${m.node}; ${m.git}.`);
  out.push(`Command: \`${m.command}\` on ${m.date.slice(0, 10)}, bundle \`${m.bundle}\` (commit ${m.commit}).`);
  out.push('Times are medians (min–max) of the runs shown.', '');
  out.push('| Goal | Measured | Verdict |', '| --- | --- | --- |');
  for (const v of results.verdicts) out.push(`| ${v.goal} | ${v.measured} | ${v.pass ? 'pass' : 'MISS'} |`);
  out.push('');
  if (results.startup) {
    const s = results.startup;
    out.push('**Start-up** (a one-file repository, the instant bash stand-in `bench/stand-in.sh`)', '');
    out.push('| Span from launching `node dist/index.js` | Median | Min–max | Runs |', '| --- | ---: | ---: | ---: |');
    const row = (name, x) => out.push(`| ${name} | ${ms(x.median)} | ${spread(x)} | ${x.runs} |`);
    row('`node -e 0`, whole run (the limit)', s.nodeMs);
    row('to the first CLI spawn (`claude --version` starts)', s.toFirstSpawnMs);
    row('to the first iteration (the CLI starts with the prompt)', s.toFirstIterationMs);
    row('whole run, one iteration', s.wholeRunMs);
    row('(the stand-in alone: spawn to its first stamp)', s.standInStartMs);
    out.push('');
  }
  if (results.iteration) {
    const it = results.iteration;
    out.push(`**Per iteration** (${it.repo.files} files, ${(it.repo.bytes / MB).toFixed(0)} MB, instant stand-in)`, '');
    out.push('| Measure | Median | Min–max | Runs |', '| --- | ---: | ---: | ---: |');
    const row = (name, x) => out.push(`| ${name} | ${ms(x.median)} | ${spread(x)} | ${x.runs} |`);
    row('`git status --porcelain`, warm (the limit)', it.gitStatusMs);
    if (it.fingerprintMs) row('`Workspace.fingerprint()` alone (src/system/workspace.ts)', it.fingerprintMs);
    if (it.freshCheckout) {
      const f = it.freshCheckout;
      row('fresh checkout (every entry racy): first `git status --porcelain`', f.gitStatusMs);
      row('fresh checkout: the `git status` after it (index settled)', f.gitStatusAfterMs);
      if (f.fingerprintMs) row('fresh checkout: the first `Workspace.fingerprint()`', f.fingerprintMs);
      if (f.nextFingerprintMs)
        row('fresh checkout: the fingerprints after it (real index unchanged)', f.nextFingerprintMs);
    }
    row('action: from one CLI exit to the next CLI start', it.betweenIterationsMs);
    row('the stand-in itself, per iteration', it.standInIterationMs);
    row('action, whole run of 1 iteration', it.wallMs.one);
    row('action, whole run of 10 iterations', it.wallMs.ten);
    out.push(
      `| marginal cost of an iteration: (10-run − 1-run) / 9 − stand-in | ${ms(it.marginalIterationMs)} | | |`,
      '',
    );
  }
  if (results.throughput) {
    out.push('**Transcript throughput and memory** (one iteration, `bench/producer.mjs` as the CLI)', '');
    out.push(
      '| Stream-json | Stand-in alone → /dev/null | Stand-in → pipe → `cat` > file | → Node > file | → stream core alone | Action | Action ÷ pipe | Action ÷ core | Action MB/s | Peak RSS | Runs |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of results.throughput) {
      const core = r.streamCoreMs ? ms(r.streamCoreMs.median) : '(no TypeScript)';
      const toCore = r.ratioToCore === undefined ? '' : `${r.ratioToCore.toFixed(2)}×`;
      out.push(
        `| ${r.bytes / MB} MB | ${ms(r.producerAloneMs.median)} | ${ms(r.pipeToFileMs.median)} | ${ms(r.nodeReaderMs.median)} | ${core} | ` +
          `${ms(r.actionMs.median)} (${spread(r.actionMs)}) | ${r.ratioToPipe.toFixed(2)}× | ${toCore} | ${r.mbPerSecond.toFixed(0)} | ` +
          `${r.peakRssMb.median.toFixed(1)} MB (${r.peakRssMb.min.toFixed(1)}–${r.peakRssMb.max.toFixed(1)}) | ${r.actionMs.runs} |`,
      );
    }
    out.push(
      '',
      '`→ Node > file`: `bench/node-reader.mjs` writing each chunk to the file and nothing else. `→ stream core ' +
        'alone`: the same with the action’s transcript, line splitter, stream parser and live log from `src/` ' +
        '(transpiled), without the process, the loop, the fingerprints or the reports.',
      '',
    );
  }
  if (results.guard) {
    const g = results.guard;
    out.push('**Secret guard** (10,000 files; an iteration that edited 5 files, added 2 and committed 1)', '');
    out.push('| Measure | Median | Min–max | Runs |', '| --- | ---: | ---: | ---: |');
    const row = (name, x) => out.push(`| ${name} | ${ms(x.median)} | ${spread(x)} | ${x.runs} |`);
    row('fresh checkout: first `git status --porcelain` (the floor)', g.freshGitStatusMs);
    row('the `git status` after it (index settled)', g.settledGitStatusMs);
    row('`SecretGuard.find()`, the first search of a loop', g.firstSearchMs);
    row('`SecretGuard.find()`, after a second such iteration', g.laterSearchMs);
    out.push('');
  }
  if (results.bundle) {
    const b = results.bundle;
    out.push('**Bundle**', '');
    out.push('| File | Bytes | Gzipped |', '| --- | ---: | ---: |');
    for (const f of b.files)
      out.push(`| dist/${f.name} | ${f.bytes.toLocaleString('en')} | ${f.gzipBytes.toLocaleString('en')} |`);
    out.push(`| total | ${b.totalBytes.toLocaleString('en')} | |`, '');
    out.push(
      `Start-up of the bundle alone (invalid inputs: it reads them, writes every output and the summary, exits 1): ` +
        `${ms(b.bundleAloneMs.median)} (${spread(b.bundleAloneMs)}), against \`node -e 0\` ${ms(b.nodeMs.median)} ` +
        `(${spread(b.nodeMs)}): ${(b.bundleAloneMs.median - b.nodeMs.median).toFixed(1)} ms for loading the bundle ` +
        `and reporting. ${b.nodeMs.runs} runs each.`,
      '',
    );
  }
  if (results.proxy) {
    const p = results.proxy;
    out.push(
      '**Credential proxy** (upstream, proxy and client each in a process of its own; one kept-alive connection each way)',
      '',
    );
    out.push('| Measure | Direct to the upstream | Through the proxy | Runs |', '| --- | ---: | ---: | ---: |');
    out.push(
      `| POST, 1 KB each way: median (min–max) | ${p.directMs.median.toFixed(2)} ms (${spread(p.directMs)}) | ` +
        `${p.throughMs.median.toFixed(2)} ms (${spread(p.throughMs)}) | ${p.directMs.runs} |`,
      `| the same, 90th percentile | ${p.directP90Ms.toFixed(2)} ms | ${p.throughP90Ms.toFixed(2)} ms | |`,
      `| stream of ${p.streamBytes / MB} MB: median MB/s (min–max) | ${p.streamDirectMbPerSecond.median.toFixed(0)} ` +
        `(${p.streamDirectMbPerSecond.min.toFixed(0)}–${p.streamDirectMbPerSecond.max.toFixed(0)}) | ` +
        `${p.streamThroughMbPerSecond.median.toFixed(0)} (${p.streamThroughMbPerSecond.min.toFixed(0)}–` +
        `${p.streamThroughMbPerSecond.max.toFixed(0)}) | ${p.streamDirectMbPerSecond.runs} |`,
      `| the same: MB per CPU-second of the proxy's process | | ${p.streamMbPerProxyCpuSecond.median.toFixed(0)} ` +
        `(${p.streamMbPerProxyCpuSecond.min.toFixed(0)}–${p.streamMbPerProxyCpuSecond.max.toFixed(0)}) | |`,
      '',
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

if (!existsSync(BUNDLE)) {
  log(`${BUNDLE} does not exist: run \`npm run bundle\` first.`);
  process.exit(1);
}
warnIfStale();
mkdirSync(CACHE, { recursive: true });
const results = { machine: machine() };
log(
  `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}: ${results.machine.command}\n`,
);
const started = now();
if (only.has('bundle')) {
  log('Bundle...');
  results.bundle = await benchBundle();
}
if (only.has('startup')) {
  log('Start-up...');
  results.startup = await benchStartup();
}
if (only.has('iteration')) {
  log('Per-iteration overhead...');
  results.iteration = await benchIteration();
}
if (only.has('guard')) {
  log('Secret guard...');
  results.guard = await benchGuard();
}
if (only.has('throughput')) {
  log(`Transcript throughput (${SIZES.map((s) => `${s / MB} MB`).join(', ')})...`);
  results.throughput = await benchThroughput();
}
if (only.has('proxy')) {
  log('Credential proxy...');
  results.proxy = await benchProxy();
}
results.verdicts = verdicts(results);
results.durationS = (now() - started) / 1000;

const text = markdown(results);
log(`\n${text}`);
log(`(${results.durationS.toFixed(0)} s)`);
mkdirSync(path.join(BENCH, 'results'), { recursive: true });
writeFileSync(path.join(BENCH, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(BENCH, 'results', 'latest.md'), `${text}\n`);
log('Written: bench/results/latest.json, bench/results/latest.md');
