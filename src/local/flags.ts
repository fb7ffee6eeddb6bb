/**
 * Reads the local command's flags (named after the action's inputs) into a frozen `LoopConfig` and the terminal's own
 * options. Every error is a `UsageError` that names the flag and the value it got.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CHECK_ON } from '../core/check.js';
import { isStatus, STATUSES, type LoopStatus } from '../core/outcome.js';
import {
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_CONTINUATION_PROMPT,
  MAX_DURATION_MINUTES,
  PERMISSION_MODES,
  type LoopConfig,
  type PermissionMode,
} from '../core/settings.js';
import { isWithin, realPath } from '../system/real-path.js';
import { isHostPattern, ListError, splitList, splitToolList } from '../text/tool-list.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** What the terminal front end does besides the loop. */
export interface LocalOptions {
  quiet: boolean;
  json: boolean;
  /** Where the Markdown summary goes; undefined: nowhere. */
  summaryFile: string | undefined;
  failOn: LoopStatus[];
}

export type LocalCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Readonly<LoopConfig>; options: LocalOptions };

const STRING_FLAGS = [
  'prompt',
  'prompt-file',
  'continuation-prompt',
  'max-iterations',
  'hard-limit',
  'no-change-threshold',
  'same-error-threshold',
  'max-budget-usd',
  'iteration-timeout-minutes',
  'time-limit-minutes',
  'api-retries',
  'check-command',
  'check-on',
  'check-timeout-minutes',
  'working-directory',
  'state-dir',
  'model',
  'max-turns',
  'allowed-tools',
  'disallowed-tools',
  'permission-mode',
  'allowed-domains',
  'claude-path',
  'claude-version',
  'fail-on',
  'summary',
] as const;
const BOOLEAN_FLAGS = ['sandbox', 'claude-from-path', 'quiet', 'json', 'help', 'version'] as const;

const OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' as const }])),
  ...Object.fromEntries(BOOLEAN_FLAGS.map((name) => [name, { type: 'boolean' as const }])),
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
};

export const HELP = `Usage: autonomous-loop --prompt TEXT [flags]

Runs Claude Code in a loop in a git work tree until its COMPLETION_GATE says ready: true or a circuit breaker trips.
Credentials: ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or the CLI's own login.

The task
  --prompt TEXT                  the task for Claude (or --prompt-file)
  --prompt-file FILE             a file with the task, relative to the working directory
  --continuation-prompt TEXT     what each later iteration is told
Limits
  --max-iterations N             (default 10)      --hard-limit N            (default 50)
  --no-change-threshold N        (default 3)       --same-error-threshold N  (default 5)
  --max-budget-usd USD           --max-turns N     --api-retries N           (default 2)
  --iteration-timeout-minutes M  (default 30)      --time-limit-minutes M
Check
  --check-command CMD            run after an iteration; completion needs it to pass
  --check-on ready|every-iteration (default ready)  --check-timeout-minutes M (default 10)
Where
  --working-directory DIR        (default: the current directory; must be in a git work tree)
  --state-dir DIR                keep the loop there (outside the repository) to continue it in a later run
Claude
  --model NAME  --permission-mode MODE (default bypassPermissions)
  --allowed-tools LIST  --disallowed-tools LIST  --sandbox  --allowed-domains LIST
  --claude-path PATH  --claude-version X.Y.Z (default ${DEFAULT_CLAUDE_VERSION})  --claude-from-path
Output
  -q, --quiet                    do not print Claude's text as it streams
  --json                         print the outputs as one JSON object at the end
  --summary FILE                 write a Markdown summary to FILE
  --fail-on LIST                 statuses that exit 1 (default failed,timed_out; none: never)
  -h, --help                     --version

Exit codes: 0 done; 1 a status in --fail-on; 2 a usage error; 130 interrupted (Ctrl-C).
`;

/** @param cwd where a relative `--working-directory` or `--state-dir` starts. */
export function parseFlags(argv: readonly string[], cwd: string): LocalCommand {
  let values: Partial<Record<string, string | boolean>>;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values as Partial<
      Record<string, string | boolean>
    >;
  } catch (error) {
    // Node's own words name the flag: "Unknown option '--promt'", "Option '--prompt <value>' argument missing".
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const get = (name: (typeof STRING_FLAGS)[number]): string => ((values[name] as string | undefined) ?? '').trim();
  const flag = (name: string): boolean => values[name] === true;

  const workingDirectory = path.resolve(cwd, get('working-directory'));
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new UsageError(
      `--working-directory is '${get('working-directory')}', but ${workingDirectory} is not a directory.`,
    );
  }
  const hardLimit = wholeNumber(get, 'hard-limit', 50, 1);
  const requestedMax = wholeNumber(get, 'max-iterations', 10, 1);
  const warnings: string[] = [];
  if (requestedMax > hardLimit) {
    warnings.push(`--max-iterations is ${requestedMax}, above --hard-limit ${hardLimit}: using ${hardLimit}.`);
  }
  const sandbox = flag('sandbox');
  const allowedDomains = domainList(get, 'allowed-domains');
  if (!sandbox && allowedDomains.length > 0) {
    warnings.push("--allowed-domains is set without --sandbox: Claude's commands may reach any host.");
  }
  const maxTurnsText = get('max-turns');
  const summary = get('summary');
  const config: LoopConfig = {
    prompt: readPrompt(get, workingDirectory),
    continuationPrompt: get('continuation-prompt') || DEFAULT_CONTINUATION_PROMPT,
    maxIterations: Math.min(requestedMax, hardLimit),
    hardLimit,
    noChangeThreshold: wholeNumber(get, 'no-change-threshold', 3, 1),
    sameErrorThreshold: wholeNumber(get, 'same-error-threshold', 5, 1),
    maxBudgetUsd: optionalPositiveNumber(get, 'max-budget-usd'),
    iterationTimeoutMs: optionalMinutes(get, 'iteration-timeout-minutes') ?? 30 * 60_000,
    timeLimitMs: optionalMinutes(get, 'time-limit-minutes'),
    apiRetries: wholeNumber(get, 'api-retries', 2, 0),
    checkCommand: get('check-command'),
    checkOn: oneOf(get, 'check-on', CHECK_ON, 'ready'),
    checkTimeoutMs: optionalMinutes(get, 'check-timeout-minutes') ?? 10 * 60_000,
    workingDirectory,
    stateDir: readStateDir(get, cwd, workingDirectory),
    // The CLI finds ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or its own login.
    anthropicApiKey: '',
    claudeCodeOauthToken: '',
    provider: 'anthropic',
    model: get('model'),
    maxTurns: maxTurnsText === '' ? undefined : wholeNumber(get, 'max-turns', 0, 1),
    allowedTools: toolList(get, 'allowed-tools'),
    disallowedTools: toolList(get, 'disallowed-tools'),
    permissionMode: oneOf(get, 'permission-mode', PERMISSION_MODES, 'bypassPermissions') as PermissionMode,
    claudeArgs: [],
    sandbox,
    allowedDomains,
    claudePath: get('claude-path'),
    claudeVersion: exactVersion(get, 'claude-version'),
    claudeFromPath: flag('claude-from-path'),
    failOn: statusList(get, 'fail-on', 'failed,timed_out'),
    openIssueOn: [],
    issueLabels: [],
    statusIssue: undefined,
    githubToken: '',
    allowedActors: [],
    warnings,
  };
  return {
    kind: 'run',
    config: Object.freeze(config),
    options: {
      quiet: flag('quiet'),
      json: flag('json'),
      summaryFile: summary === '' ? undefined : path.resolve(cwd, summary),
      failOn: config.failOn,
    },
  };
}

type Get = (name: (typeof STRING_FLAGS)[number]) => string;
type Name = (typeof STRING_FLAGS)[number];

function readPrompt(get: Get, workingDirectory: string): string {
  const prompt = get('prompt');
  const promptFile = get('prompt-file');
  if (prompt !== '' && promptFile !== '') throw new UsageError('Give one of --prompt and --prompt-file, not both.');
  if (prompt === '' && promptFile === '') {
    throw new UsageError('Give --prompt or --prompt-file: the task for Claude is missing (see --help).');
  }
  if (prompt !== '') return prompt;
  const file = path.resolve(workingDirectory, promptFile);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(`--prompt-file is '${promptFile}', but ${file} does not exist or is not a file.`);
  }
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw new UsageError(`--prompt-file is '${promptFile}', but ${file} is empty.`);
  return text;
}

/** Outside the work tree: the loop would count its own saves as Claude's changes, and Claude could edit them. */
function readStateDir(get: Get, cwd: string, workingDirectory: string): string {
  const given = get('state-dir');
  if (given === '') return '';
  const stateDir = path.resolve(cwd, given);
  if (isWithin(stateDir, workingDirectory) || isWithin(realPath(stateDir), realPath(workingDirectory))) {
    throw new UsageError(
      `--state-dir is '${given}', which is inside the working directory (${workingDirectory}): use a directory ` +
        'outside the repository.',
    );
  }
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) {
    throw new UsageError(`--state-dir is '${given}', but ${stateDir} is not a directory.`);
  }
  return stateDir;
}

function wholeNumber(get: Get, name: Name, fallback: number, min: number): number {
  const text = get(name);
  if (text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got '${text}'.`);
  }
  return value;
}

function optionalPositiveNumber(get: Get, name: Name): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const value = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${text}'.`);
  return value;
}

/** Minutes as milliseconds, capped where Node's timers still wait (see MAX_DURATION_MINUTES). */
function optionalMinutes(get: Get, name: Name): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const minutes = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(minutes > 0 && minutes <= MAX_DURATION_MINUTES)) {
    throw new UsageError(
      `--${name} must be a number of minutes above 0 and at most ${MAX_DURATION_MINUTES}, got '${text}'.`,
    );
  }
  return Math.max(1, Math.round(minutes * 60_000));
}

function oneOf<T extends string>(get: Get, name: Name, values: readonly T[], fallback: T): T {
  const value = get(name) || fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} is '${value}'; expected one of: ${values.join(', ')}.`);
  }
  return value as T;
}

function exactVersion(get: Get, name: Name): string {
  const value = get(name) || DEFAULT_CLAUDE_VERSION;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new UsageError(`--${name} is '${value}'; expected an exact version such as ${DEFAULT_CLAUDE_VERSION}.`);
  }
  return value;
}

function toolList(get: Get, name: Name): string[] {
  const text = get(name);
  try {
    return splitToolList(text);
  } catch (error) {
    if (!(error instanceof ListError)) throw error;
    throw new UsageError(`--${name} is '${text}': ${error.message}`);
  }
}

function domainList(get: Get, name: Name): string[] {
  const hosts = splitList(get(name));
  const bad = hosts.find((host) => !isHostPattern(host));
  if (bad !== undefined) {
    throw new UsageError(
      `--${name} has '${bad}', which is not a host name; expected names such as registry.npmjs.org or *.example.com.`,
    );
  }
  return [...new Set(hosts.map((host) => host.toLowerCase()))];
}

/** `none` is an explicit empty list. */
function statusList(get: Get, name: Name, fallback: string): LoopStatus[] {
  const raw = get(name);
  if (raw.toLowerCase() === 'none') return [];
  const items = splitList(raw === '' ? fallback : raw);
  const unknown = items.find((item) => !isStatus(item));
  if (unknown !== undefined) {
    throw new UsageError(`--${name} has an unknown status '${unknown}'; known statuses: ${STATUSES.join(', ')}.`);
  }
  return [...new Set(items)] as LoopStatus[];
}
