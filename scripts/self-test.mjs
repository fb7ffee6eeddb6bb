// The self-test of the action on a real runner (the `self-test` jobs of .github/workflows/ci.yml), without secrets.
//
//   node scripts/self-test.mjs prepare         a scratch git repository with a task, the fake Anthropic API of the test
//                                              suite started in the background, the stand-in CLI's scenario; what the
//                                              action's steps need goes to $GITHUB_ENV
//   node scripts/self-test.mjs check KIND      checks a step's outputs, given as STATUS, ITERATIONS, … in the
//                                              environment; KIND is real-cli, stand-in or windows
//
// The real Claude Code CLI, installed by the action itself, talks to the fake API on 127.0.0.1: the test runs the
// action's whole path (install into the tool cache, two iterations with a resumed session, the check command) on the
// runner's own operating system, and costs nothing.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const work = path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'autonomous-loop-self-test');
/** The fake API stops by itself after this long, so that it never outlives the job. */
const SERVE_FOR_MS = 20 * 60_000;
/** The stand-in's blocker, which the check expects back in the `blockers` output. */
const STAND_IN_BLOCKER = 'A human must decide on the API';

const gate = (ready, reason, blockers) =>
  [
    '<COMPLETION_GATE>',
    `ready: ${ready}`,
    `reason: ${JSON.stringify(reason)}`,
    'progress: "see the files"',
    `blockers: ${JSON.stringify(blockers)}`,
    '</COMPLETION_GATE>',
  ].join('\n');

/** What the fake model answers: iteration 1 writes greet.js, iteration 2 (the resumed session) its test. */
const conversation = [
  {
    text: 'Writing greet.js.',
    tool: 'Write',
    input: { file_path: 'greet.js', content: 'export const greet = (name) => `Hello, ${name}!`;\n' },
  },
  { text: `greet.js is written; its test is missing.\n\n${gate(false, 'No test yet', ['Write the test'])}` },
  {
    text: 'Writing the test.',
    tool: 'Write',
    input: {
      file_path: 'greet.test.js',
      content:
        "import assert from 'node:assert';\nimport { greet } from './greet.js';\n" +
        "assert.strictEqual(greet('Ada'), 'Hello, Ada!');\n",
    },
  },
  { text: `Done.\n\n${gate(true, 'greet.js and its test are written', [])}` },
];

const [command, kind] = process.argv.slice(2);
if (command === 'prepare') await prepare();
else if (command === 'serve') await serve();
else if (command === 'check') check(kind);
else fail(`Unknown command "${command ?? ''}": use prepare, serve or check KIND.`);

async function prepare() {
  const repo = path.join(work, 'repo');
  mkdirSync(repo, { recursive: true });
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=self-test', '-c', 'user.email=self-test@example.com', ...args], {
      cwd: repo,
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, 'package.json'), '{ "name": "self-test", "type": "module", "private": true }\n');
  writeFileSync(path.join(repo, 'TASK.md'), 'Write greet(name) in greet.js, and greet.test.js that tests it.\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');

  // The stand-in: the same gate with the same blocker every time, so the loop runs out of iterations.
  const scenario = path.join(work, 'stand-in-scenario.json');
  const standInGate = gate(false, 'Waiting for a decision', [STAND_IN_BLOCKER]);
  writeFileSync(scenario, JSON.stringify([[{ text: standInGate }, { result: { total_cost_usd: 0.01 } }]]));

  const urlFile = path.join(work, 'api-url');
  const log = openSync(path.join(work, 'fake-api.log'), 'a');
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  server.unref();
  for (let waited = 0; !existsSync(urlFile); waited += 100) {
    if (waited > 30_000) fail(`The fake API did not start: see ${path.join(work, 'fake-api.log')}.`);
    await sleep(100);
  }
  const env = {
    SELF_TEST_REPO: repo,
    ANTHROPIC_BASE_URL: readFileSync(urlFile, 'utf8').trim(),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '1',
    FAKE_CLAUDE_SCENARIO: scenario,
    FAKE_CLAUDE_STATE: path.join(work, 'stand-in-state'),
  };
  const lines = Object.entries(env).map(([name, value]) => `${name}=${value}\n`);
  if (process.env.GITHUB_ENV) appendFileSync(process.env.GITHUB_ENV, lines.join(''));
  console.log(`Prepared ${repo}; the fake Anthropic API listens on ${env.ANTHROPIC_BASE_URL}.`);
}

async function serve() {
  const { startFakeAnthropicApi } = await import('../__tests__/fixtures/fake-anthropic-api.mjs');
  const api = await startFakeAnthropicApi(conversation);
  writeFileSync(path.join(work, 'api-url'), api.url);
  await sleep(SERVE_FOR_MS);
  await api.close();
}

function check(what) {
  const out = (name) => process.env[name] ?? '';
  const problems = [];
  const expect = (name, wanted) => {
    if (out(name) !== wanted) problems.push(`${name} is "${out(name)}", expected "${wanted}"`);
  };
  if (what === 'real-cli') {
    expect('STATUS', 'completed');
    expect('ITERATIONS', '2');
    expect('CHECK', 'passed');
    expect('FILES_CHANGED', '2');
    expect('BLOCKERS', '[]');
    if (!/^[0-9a-f-]{36}$/.test(out('SESSION_ID'))) problems.push(`SESSION_ID "${out('SESSION_ID')}" is no session id`);
    if (!existsSync(out('TRANSCRIPT_FILE'))) problems.push(`TRANSCRIPT_FILE "${out('TRANSCRIPT_FILE')}" is missing`);
    // The action installed the pinned CLI into the tool cache's layout (no claude is on the runner's PATH).
    const cached = path.join(process.env.RUNNER_TOOL_CACHE ?? '', 'claude-code', out('CLAUDE_VERSION'), os.arch());
    if (!existsSync(`${cached}.complete`)) problems.push(`${cached}.complete is missing: the CLI was not cached`);
  } else if (what === 'stand-in') {
    expect('STATUS', 'iteration_limit_reached');
    expect('ITERATIONS', '2');
    expect('BLOCKERS', JSON.stringify([STAND_IN_BLOCKER]));
    expect('COST_USD', '0.0200');
    expect('FILES_CHANGED', '0');
    expect('SESSION_ID', 'session-1');
  } else if (what === 'windows') {
    expect('OUTCOME', 'failure');
    expect('STATUS', 'failed');
    expect('ITERATIONS', '0');
    if (!out('REASON').includes('runs on Linux and macOS runners only')) {
      problems.push(`REASON "${out('REASON')}" does not say that only Linux and macOS are supported`);
    }
  } else {
    fail(`Unknown check "${what ?? ''}": use real-cli, stand-in or windows.`);
  }
  if (problems.length > 0) fail(`The ${what} self-test failed:\n- ${problems.join('\n- ')}`);
  console.log(`The ${what} self-test passed.`);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
