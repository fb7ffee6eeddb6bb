/**
 * Runs the built action (`node dist/index.js`) the way the GitHub runner does: inputs as `INPUT_<NAME>` variables with
 * hyphens kept and action.yml defaults filled in, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files, `RUNNER_TEMP`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE = path.join(ROOT, 'dist', 'index.js');
export const FAKE_CLAUDE = path.join(ROOT, '__tests__', 'fixtures', 'fake-claude.mjs');

interface ActionMetadata {
  inputs: Record<string, { default?: string }>;
}
const metadata = yaml.load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;

/** The defaults the runner fills in for inputs the workflow does not set. */
export function runnerInputDefaults(): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(metadata.inputs)) {
    if (input.default === undefined) continue;
    // The runner evaluates expressions; tests stand in a fixed fake token.
    defaults[name] = input.default.includes('${{') ? 'ghs_fake_workflow_token_0123456789' : input.default;
  }
  return defaults;
}

export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
}

/** A git repository with one commit, in a fresh temporary directory. */
export function makeRepo(files: Record<string, string> = { 'README.md': '# test repo\n' }): TempRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loop-repo-'));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  git('init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return { dir, git };
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

export interface ActionOptions {
  inputs: Record<string, string>;
  /** Extra environment for the action process (and so for the CLI it starts). */
  env?: Record<string, string>;
  cwd: string;
  /** Called once the process has started, e.g. to send it a signal later. */
  onStart?: (child: ChildProcess) => void;
  /** What GITHUB_OUTPUT and GITHUB_STEP_SUMMARY hold before the action starts (an earlier step's writes). */
  outputFileStart?: string;
  summaryFileStart?: string;
}

export function runAction(options: ActionOptions): Promise<ActionRun> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'loop-runner-'));
  const outputFile = path.join(work, 'output');
  const summaryFile = path.join(work, 'summary.md');
  const runnerTemp = path.join(work, 'temp');
  mkdirSync(runnerTemp);
  writeFileSync(outputFile, options.outputFileStart ?? '');
  writeFileSync(summaryFile, options.summaryFileStart ?? '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_REPOSITORY: 'octo/widgets',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'loop',
    GITHUB_JOB: 'build',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    ...options.env,
  };
  for (const [name, value] of Object.entries({ ...runnerInputDefaults(), ...options.inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        runnerTemp,
      });
    });
    options.onStart?.(child);
  });
}

/**
 * The runner's file-command format: `name<<DELIMITER\nvalue\nDELIMITER`, or `name=value` on one line (a `=` before
 * any `<<` makes it the one-line form, so a line glued onto the end of another is lost, as on the runner).
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const equals = lines[i].indexOf('=');
    const heredoc = lines[i].indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[lines[i].slice(0, equals)] = lines[i].slice(equals + 1);
      continue;
    }
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** A stand-in CLI session: scenario file and state directory for `fake-claude.mjs`. */
export interface FakeClaude {
  env: Record<string, string>;
  calls(): Array<{
    index: number;
    pid: number;
    args: string[];
    stdin: string;
    cwd: string;
    env: Record<string, string>;
  }>;
  /** The environments `claude --version` ran with. */
  versionCalls(): Array<{ env: Record<string, string> }>;
  sleepers(): number[];
}

export type FakeStep = Record<string, unknown>;

export function fakeClaude(invocations: FakeStep[][]): FakeClaude {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-claude-'));
  const scenario = path.join(dir, 'scenario.json');
  writeFileSync(scenario, JSON.stringify(invocations));
  const state = path.join(dir, 'state');
  const readLines = (name: string): string[] =>
    existsSync(path.join(state, name))
      ? readFileSync(path.join(state, name), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];
  return {
    env: { FAKE_CLAUDE_SCENARIO: scenario, FAKE_CLAUDE_STATE: state },
    calls: () => readLines('calls.jsonl').map((line) => JSON.parse(line)),
    versionCalls: () => readLines('version-calls.jsonl').map((line) => JSON.parse(line)),
    sleepers: () => readLines('sleepers').map(Number),
  };
}

/** Alive and not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A gate block as Claude would print it. */
export function gate(ready: boolean, reason: string, blockers: string[] = []): string {
  return `Work summary.\n<COMPLETION_GATE>\nready: ${ready}\nreason: ${JSON.stringify(reason)}\nprogress: "step done"\nblockers: ${JSON.stringify(blockers)}\n</COMPLETION_GATE>`;
}

/**
 * The log as the runner shows it: each `::add-mask::` value is replaced by *** in the lines after it (not before:
 * a secret printed before it was masked would leak), and the mask commands themselves are not shown.
 */
export function runnerLog(stdout: string): string {
  const masks: string[] = [];
  const shown: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::add-mask::')) {
      masks.push(line.slice('::add-mask::'.length));
      continue;
    }
    shown.push(masks.reduce((text, mask) => (mask === '' ? text : text.split(mask).join('***')), line));
  }
  return shown.join('\n');
}

/** The commands the runner knows (ActionCommandManager); `##[name]` works only for these. */
const RUNNER_COMMANDS = new Set([
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
]);

/**
 * The commands the runner would act on in this stdout, as the runner's ActionCommandManager reads them: a line that
 * starts with `::` after its leading whitespace (`::name props::data`), or holds `##[name props]data` anywhere, for a
 * known name; and between `::stop-commands::TOKEN` and a command named TOKEN, none but that one.
 */
export function runnerCommands(stdout: string): Array<{ name: string; data: string }> {
  const commands: Array<{ name: string; data: string }> = [];
  let stopToken: string | undefined;
  // The runner reads lines as .NET does: \n, \r\n and a lone \r all end one.
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const parsed = parseRunnerCommand(line, stopToken);
    if (!parsed) continue;
    if (stopToken !== undefined) {
      if (parsed.name.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined;
      continue;
    }
    if (parsed.name === 'stop-commands') stopToken = parsed.data;
    else commands.push(parsed);
  }
  return commands;
}

function parseRunnerCommand(line: string, stopToken: string | undefined): { name: string; data: string } | undefined {
  const known = (name: string): boolean =>
    RUNNER_COMMANDS.has(name) || (stopToken !== undefined && name.toLowerCase() === stopToken.toLowerCase());
  const trimmed = line.trimStart();
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const name = info.split(' ')[0];
      // V2 takes any name; an unknown one only earns a warning, which is still the runner acting on the line.
      if (name !== '') return { name, data: trimmed.slice(end + 2) };
    }
  }
  const legacy = line.indexOf('##[');
  if (legacy >= 0) {
    const close = line.indexOf(']', legacy);
    if (close >= 0) {
      const name = line.slice(legacy + 3, close).split(' ')[0];
      if (known(name)) return { name, data: line.slice(close + 1) };
    }
  }
  return undefined;
}
