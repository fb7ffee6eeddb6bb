// `npm run demo`: the action doing its main job on this machine, with no credentials. It starts the fake Anthropic
// API of the test suite on 127.0.0.1, makes a throw-away git repository with a small task, runs the built action with
// the real Claude Code CLI (the pinned devDependency) the way the GitHub runner would, and prints what a user sees:
// the live log, the step outputs and the job summary.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { startFakeAnthropicApi } from '../__tests__/fixtures/fake-anthropic-api.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'index.js');
const claude = path.join(root, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
for (const [file, fix] of [
  [bundle, 'npm run bundle'],
  [claude, 'npm ci'],
]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`${fix}\` first.`);
    process.exit(1);
  }
}

const tty = process.stdout.isTTY;
const style = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (text) => style('1', text);
const dim = (text) => style('2', text);
const banner = (text) => console.log(`\n${style('1;36', `━━ ${text} ${'━'.repeat(Math.max(0, 74 - text.length))}`)}`);

const gate = (ready, reason, progress, blockers) =>
  [
    '<COMPLETION_GATE>',
    `ready: ${ready}`,
    `reason: ${JSON.stringify(reason)}`,
    `progress: ${JSON.stringify(progress)}`,
    `blockers: ${JSON.stringify(blockers)}`,
    '</COMPLETION_GATE>',
  ].join('\n');

// What the fake model answers, turn by turn: iteration 1 writes the function and admits a test is missing;
// iteration 2 (the resumed session) writes the test, runs it with a real Bash tool call, and completes.
const script = [
  {
    text: 'I will add the greeting function first.',
    tool: 'Write',
    input: { file_path: 'greet.js', content: 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n' },
  },
  {
    text:
      'greet.js is written. It has no test yet, so I am not done.\n\n' +
      gate(false, 'greet() exists but is untested', 'Wrote greet.js', ['Add a test for greet()', 'Run the test']),
  },
  {
    text: 'Now the test.',
    tool: 'Write',
    input: {
      file_path: 'greet.test.js',
      content:
        "import assert from 'node:assert';\nimport { greet } from './greet.js';\n" +
        "assert.strictEqual(greet('Ada'), 'Hello, Ada!');\nconsole.log('greet test passed');\n",
    },
  },
  { tool: 'Bash', input: { command: 'node greet.test.js', description: 'Run the greet test' } },
  {
    text:
      'The test passes.\n\n' + gate(true, 'greet() is written and its test passes', 'greet.js and greet.test.js', []),
  },
];

const api = await startFakeAnthropicApi(script);
const work = mkdtempSync(path.join(os.tmpdir(), 'autonomous-loop-demo-'));
const repo = path.join(work, 'repo');
const home = path.join(work, 'home');
const runnerTemp = path.join(work, 'runner-temp');
for (const dir of [repo, home, runnerTemp]) mkdirSync(dir);
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { cwd: repo });
git('init', '-q', '-b', 'main');
writeFileSync(path.join(repo, 'package.json'), '{ "name": "demo", "type": "module", "private": true }\n');
writeFileSync(path.join(repo, 'TASK.md'), 'Add a greet(name) function in greet.js and a test that runs with node.\n');
git('add', '-A');
git('commit', '-q', '-m', 'initial');

const outputFile = path.join(work, 'github-output');
const summaryFile = path.join(work, 'step-summary.md');
writeFileSync(outputFile, '');
writeFileSync(summaryFile, '');

// The inputs as the runner passes them: INPUT_<NAME> with hyphens kept, action.yml defaults filled in.
const metadata = yaml.load(readFileSync(path.join(root, 'action.yml'), 'utf8'));
const inputs = {};
for (const [name, input] of Object.entries(metadata.inputs)) {
  if (input.default !== undefined) inputs[name] = input.default.includes('${{') ? '' : input.default;
}
Object.assign(inputs, {
  'prompt-file': 'TASK.md',
  'anthropic-api-key': 'sk-ant-demo-not-a-real-key',
  'claude-path': claude,
  'max-iterations': '5',
  'max-budget-usd': '1',
});
const env = {
  PATH: process.env.PATH,
  HOME: home,
  CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
  ANTHROPIC_BASE_URL: api.url,
  CLAUDE_CODE_MAX_RETRIES: '1',
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: repo,
  GITHUB_OUTPUT: outputFile,
  GITHUB_STEP_SUMMARY: summaryFile,
  GITHUB_REPOSITORY: 'octo/demo',
  GITHUB_RUN_ID: '1',
  RUNNER_TEMP: runnerTemp,
};
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

banner('The task');
console.log(`A throw-away repository in ${repo}, with TASK.md:\n  ${readFileSync(path.join(repo, 'TASK.md'), 'utf8')}`);
console.log(
  dim(`The real Claude Code CLI talks to a fake Anthropic API at ${api.url}, scripted to do the task in two steps.`),
);

banner('Live log (as the Actions log shows it)');
const masks = [];
const exitCode = await new Promise((resolve) => {
  const child = spawn(process.execPath, [bundle], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) printLogLine(line);
  });
  child.on('close', (code) => {
    if (pending) printLogLine(pending);
    resolve(code);
  });
});

function printLogLine(raw) {
  if (raw.startsWith('::add-mask::')) return masks.push(raw.slice(12));
  let line = raw;
  for (const mask of masks) line = line.split(mask).join('***');
  const command = /^::(group|endgroup|warning|error|notice)(?: [^:]*)?::(.*)$/.exec(line);
  if (!command) return console.log(`  ${line}`);
  const [, kind, text] = command;
  if (kind === 'group') console.log(`${style('1;34', '▼')} ${bold(text)}`);
  else if (kind === 'warning') console.log(style('33', `  Warning: ${text}`));
  else if (kind === 'error') console.log(style('31', `  Error: ${text}`));
  else if (kind === 'notice') console.log(`  Notice: ${text}`);
}

banner(`Step outputs (exit code ${exitCode})`);
const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
const width = Math.max(...Object.keys(outputs).map((name) => name.length));
for (const [name, value] of Object.entries(outputs)) console.log(`  ${name.padEnd(width)}  ${value}`);

banner('Job summary');
console.log(renderMarkdown(readFileSync(summaryFile, 'utf8')));

banner('What Claude left in the repository');
console.log(execFileSync('git', ['status', '--short'], { cwd: repo, encoding: 'utf8' }));

await api.close();
rmSync(work, { recursive: true, force: true });
process.exit(outputs.status === 'completed' ? 0 : 1);

function parseOutputs(text) {
  const result = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
    result[match[1]] = value.join('\n');
  }
  return result;
}

/** Headings in bold, tables with aligned columns: enough markdown for a terminal. */
function renderMarkdown(markdown) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('|')) {
      const rows = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) {
        if (!/^\|[-| ]+\|$/.test(lines[i])) rows.push(splitRow(lines[i]));
      }
      i--;
      const widths = rows[0].map((_, c) => Math.min(60, Math.max(...rows.map((r) => (r[c] ?? '').length))));
      for (const row of rows) {
        out.push(
          `  ${row.map((cell, c) => (cell.length > 60 ? `${cell.slice(0, 59)}…` : cell).padEnd(widths[c])).join('  ')}`,
        );
      }
      continue;
    }
    const heading = /^#+ (.*)$/.exec(lines[i]);
    out.push(heading ? bold(heading[1]) : lines[i].replace(/\*\*(.+?)\*\*/g, (_, text) => bold(text)));
  }
  return out.join('\n');
}

function splitRow(line) {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|').replace(/<br>/g, '; ').replace(/`/g, ''));
}
