/**
 * Reads every action input once, validates it, and returns one typed, frozen `LoopConfig`. Every error names the
 * input and the value it got, so a user can fix the workflow without reading our code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CHECK_ON } from '../core/check.js';
import {
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_CONTINUATION_PROMPT,
  MAX_DURATION_MINUTES,
  PERMISSION_MODES,
  type LoopConfig,
  type PermissionMode,
} from '../core/settings.js';
import { isStatus, STATUSES, type LoopStatus } from '../core/outcome.js';
import { ownedFlagsIn, refusedFlagsIn } from '../claude/user-args.js';
import { splitShellWords } from '../text/shell-words.js';
import { isHostPattern, ListError, splitList, splitToolList } from '../text/tool-list.js';
import { isWithin, realPath } from '../system/real-path.js';
import { InputError } from './input-error.js';
import { readProvider } from './provider-input.js';

/** Every input action.yml declares, in its order (a test keeps the two in step). */
export const INPUT_NAMES = [
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
  'anthropic-api-key',
  'claude-code-oauth-token',
  'provider',
  'model',
  'max-turns',
  'allowed-tools',
  'disallowed-tools',
  'permission-mode',
  'claude-args',
  'sandbox',
  'allowed-domains',
  'claude-path',
  'claude-version',
  'claude-from-path',
  'fail-on',
  'open-issue-on',
  'issue-labels',
  'status-issue',
  'github-token',
  'allowed-actors',
] as const;

/** Where inputs come from: `@actions/core` in the action, a plain map in tests. */
export interface InputSource {
  getInput(name: string): string;
  setSecret(value: string): void;
  /** The names of the inputs given, as the runner spells them (`MAX-ITERATIONS`): to warn about misspelt ones. */
  inputNames?(): string[];
}

/** The runner passes each input as `INPUT_<NAME>`, upper-cased with hyphens kept (`INPUT_MAX-ITERATIONS`). */
export function inputNamesFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((key) => key.startsWith('INPUT_'))
    .map((key) => key.slice('INPUT_'.length));
}

export { InputError, DEFAULT_CLAUDE_VERSION, DEFAULT_CONTINUATION_PROMPT, MAX_DURATION_MINUTES };

/**
 * @param baseDirectory where a relative `working-directory` starts (GITHUB_WORKSPACE on a runner).
 * @param env the job's environment, where a cloud provider finds its settings.
 */
export function readInputs(
  source: InputSource,
  baseDirectory: string,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<LoopConfig> {
  const get = (name: string): string => source.getInput(name).trim();
  const secret = (name: string): string => {
    const value = get(name);
    if (value !== '') source.setSecret(value);
    return value;
  };
  // Secrets first, so that nothing below can log one before it is masked.
  let anthropicApiKey = secret('anthropic-api-key');
  let claudeCodeOauthToken = secret('claude-code-oauth-token');
  const githubToken = secret('github-token');

  const warnings: string[] = undeclaredInputWarnings(source.inputNames?.() ?? []);
  const hardLimit = wholeNumber(get, 'hard-limit', 50, 1);
  const requestedMax = wholeNumber(get, 'max-iterations', 10, 1);
  const maxIterations = Math.min(requestedMax, hardLimit);
  if (requestedMax > hardLimit) {
    warnings.push(`Input 'max-iterations' is ${requestedMax}, above 'hard-limit' ${hardLimit}: using ${hardLimit}.`);
  }

  // An empty segment resolves to the base directory itself.
  const workingDirectory = path.resolve(baseDirectory, get('working-directory'));
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new InputError(
      `Input 'working-directory' is "${get('working-directory')}", but ${workingDirectory} is not a directory.`,
    );
  }

  if (anthropicApiKey !== '' && claudeCodeOauthToken !== '') {
    throw new InputError("Set only one of the inputs 'anthropic-api-key' and 'claude-code-oauth-token', not both.");
  }
  const provider = readProvider(get('provider'), env, warnings);
  if (provider !== 'anthropic') {
    // Claude signs in to the cloud with the job's credentials: an Anthropic one would only be one secret more in its reach.
    for (const name of ['anthropic-api-key', 'claude-code-oauth-token']) {
      if (get(name) !== '') warnings.push(`Input '${name}' is ignored with provider '${provider}'.`);
    }
    anthropicApiKey = claudeCodeOauthToken = '';
  } else if (anthropicApiKey === '' && claudeCodeOauthToken === '') {
    // Not an error: on a self-hosted runner claude may be logged in, or the job may set ANTHROPIC_API_KEY itself.
    warnings.push(
      "Neither 'anthropic-api-key' nor 'claude-code-oauth-token' is set. If you gave one as ${{ secrets.… }}, it " +
        'came out empty: the secret has not been created (or has another name), or the run has no access to it ' +
        '(a pull request from a fork, or a Dependabot run, which only sees Dependabot secrets). Going on: claude ' +
        'may be logged in on this runner, or ANTHROPIC_API_KEY set in the environment.',
    );
  }

  const permissionMode = get('permission-mode') || 'bypassPermissions';
  if (!(PERMISSION_MODES as readonly string[]).includes(permissionMode)) {
    throw new InputError(
      `Input 'permission-mode' is "${permissionMode}"; expected one of: ${PERMISSION_MODES.join(', ')}.`,
    );
  }

  let claudeArgs: string[];
  try {
    claudeArgs = splitShellWords(get('claude-args'));
  } catch (error) {
    throw new InputError(`Input 'claude-args' is "${get('claude-args')}": ${(error as Error).message}.`);
  }
  const maxBudgetUsd = optionalPositiveNumber(get, 'max-budget-usd');
  // The CLI keeps the last of a repeated flag: one of the user's would replace what is left of the loop's budget.
  const owned = ownedFlagsIn(claudeArgs, maxBudgetUsd !== undefined);
  if (owned.length > 0) {
    throw new InputError(
      `Input 'claude-args' is "${get('claude-args')}": the action sets ${owned.join(', ')} itself; remove ` +
        `${owned.length === 1 ? 'it' : 'them'}` +
        (owned.includes('--max-budget-usd') ? " (the 'max-budget-usd' input is the loop's budget)." : '.'),
    );
  }

  const sandbox = boolean(get, 'sandbox', false);
  const allowedDomains = domainList(get, 'allowed-domains');
  if (!sandbox && allowedDomains.length > 0) {
    warnings.push("Input 'allowed-domains' is set but 'sandbox' is not true: Claude's commands may reach any host.");
  }
  const refused = refusedFlagsIn(claudeArgs);
  if (refused.length > 0) {
    throw new InputError(
      `Input 'claude-args' is "${get('claude-args')}": ${refused.join(', ')} cannot be used with the action, which ` +
        'redacts whole messages: a secret cut across two partial events would reach the transcript; remove ' +
        `${refused.length === 1 ? 'it' : 'them'}.`,
    );
  }

  const stateDir = readStateDir(get, baseDirectory, workingDirectory);
  const maxTurnsText = get('max-turns');
  const statusIssueText = get('status-issue');
  return Object.freeze({
    prompt: readPrompt(get, baseDirectory, workingDirectory),
    continuationPrompt: get('continuation-prompt') || DEFAULT_CONTINUATION_PROMPT,
    maxIterations,
    hardLimit,
    noChangeThreshold: wholeNumber(get, 'no-change-threshold', 3, 1),
    sameErrorThreshold: wholeNumber(get, 'same-error-threshold', 5, 1),
    maxBudgetUsd,
    iterationTimeoutMs: optionalMinutes(get, 'iteration-timeout-minutes') ?? 30 * 60_000,
    timeLimitMs: optionalMinutes(get, 'time-limit-minutes'),
    apiRetries: wholeNumber(get, 'api-retries', 2, 0),
    checkCommand: get('check-command'),
    checkOn: oneOf(get, 'check-on', CHECK_ON, 'ready'),
    checkTimeoutMs: optionalMinutes(get, 'check-timeout-minutes') ?? 10 * 60_000,
    workingDirectory,
    stateDir,
    anthropicApiKey,
    claudeCodeOauthToken,
    provider,
    model: get('model'),
    maxTurns: maxTurnsText === '' ? undefined : wholeNumber(get, 'max-turns', 0, 1),
    allowedTools: toolList(get, 'allowed-tools'),
    disallowedTools: toolList(get, 'disallowed-tools'),
    permissionMode: permissionMode as PermissionMode,
    claudeArgs,
    sandbox,
    allowedDomains,
    claudePath: get('claude-path'),
    claudeVersion: exactVersion(get, 'claude-version', DEFAULT_CLAUDE_VERSION),
    claudeFromPath: boolean(get, 'claude-from-path', false),
    failOn: statusList(get, 'fail-on', 'failed,timed_out'),
    openIssueOn: statusList(get, 'open-issue-on', ''),
    issueLabels: (get('issue-labels') || 'autonomous-loop')
      .split(/[,\n]/)
      .map((label) => label.trim())
      .filter((label) => label !== ''),
    statusIssue: statusIssueText === '' ? undefined : wholeNumber(get, 'status-issue', 0, 1),
    githubToken,
    allowedActors: actorList(get, 'allowed-actors'),
    warnings,
  });
}

/**
 * The state directory, absolute. Not inside the repository: the loop would take its own saves for Claude's changes,
 * and Claude could edit what the next run trusts.
 */
function readStateDir(get: (name: string) => string, baseDirectory: string, workingDirectory: string): string {
  const given = get('state-dir');
  if (given === '') return '';
  const stateDir = path.resolve(baseDirectory, given);
  for (const [what, directory] of [
    ['the workspace', baseDirectory],
    ["'working-directory'", workingDirectory],
  ]) {
    // By its spelling and by where it leads: a link into the workspace is inside it.
    const real = realPath(stateDir);
    if (isWithin(stateDir, directory) || isWithin(real, realPath(directory))) {
      const through = real === stateDir ? '' : ` (through a link: ${real})`;
      throw new InputError(
        `Input 'state-dir' is "${given}", which is inside ${what} (${directory})${through}: the loop would count ` +
          'its own saved state as changes to the repository. Use a directory outside it, e.g. ' +
          '${{ runner.temp }}/loop-state.',
      );
    }
  }
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) {
    throw new InputError(`Input 'state-dir' is "${given}", but ${stateDir} is not a directory.`);
  }
  return stateDir;
}

function readPrompt(get: (name: string) => string, baseDirectory: string, workingDirectory: string): string {
  const prompt = get('prompt');
  const promptFile = get('prompt-file');
  if (prompt !== '' && promptFile !== '') {
    throw new InputError("Set exactly one of the inputs 'prompt' and 'prompt-file', not both.");
  }
  if (prompt === '' && promptFile === '') {
    throw new InputError("Set one of the inputs 'prompt' and 'prompt-file': the task for Claude is missing.");
  }
  if (prompt !== '') return prompt;

  const file = path.resolve(workingDirectory, promptFile);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(`Input 'prompt-file' is "${promptFile}", but ${file} does not exist or is not a file.`);
  }
  // A file in the repository is the repository's to link anywhere (a pull request's link to /proc/self/environ would
  // put the action's environment in the prompt); one that the workflow names outside it is the workflow's choice.
  const real = realPath(file);
  if (isWithin(file, baseDirectory) && !isWithin(real, realPath(baseDirectory))) {
    throw new InputError(
      `Input 'prompt-file' is "${promptFile}", but ${file} leads out of the workspace through a link ` +
        `(${baseDirectory}), to ${real}: a prompt file in the workspace must stay in it.`,
    );
  }
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw new InputError(`Input 'prompt-file' is "${promptFile}", but ${file} is empty.`);
  return text;
}

function wholeNumber(get: (name: string) => string, name: string, fallback: number, min: number): number {
  const text = get(name);
  if (text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(`Input '${name}' must be a whole number of at least ${min}, got "${text}".`);
  }
  return value;
}

function optionalPositiveNumber(get: (name: string) => string, name: string): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const value = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`Input '${name}' must be a positive number, got "${text}".`);
  }
  return value;
}

/**
 * A duration input in minutes (fractions allowed), as milliseconds; undefined when empty. Capped so that a timer
 * can wait that long: above 2³¹−1 ms Node fires it at once, and a limit would end the loop at the start.
 */
function optionalMinutes(get: (name: string) => string, name: string): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const minutes = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(minutes > 0 && minutes <= MAX_DURATION_MINUTES)) {
    throw new InputError(
      `Input '${name}' must be a number of minutes above 0 and at most ${MAX_DURATION_MINUTES} (about 24.8 days), got "${text}".`,
    );
  }
  return Math.max(1, Math.round(minutes * 60_000));
}

/** A tool list input; see splitToolList. */
function toolList(get: (name: string) => string, name: string): string[] {
  const text = get(name);
  try {
    return splitToolList(text);
  } catch (error) {
    if (!(error instanceof ListError)) throw error;
    throw new InputError(`Input '${name}' is "${text}": ${error.message}`);
  }
}

/**
 * For each input given that action.yml does not declare, the declared name it most likely meant. The runner itself
 * warns "Unexpected input(s)" and lists every valid input; this adds only the nearest one.
 */
function undeclaredInputWarnings(givenNames: readonly string[]): string[] {
  const known = new Set<string>(INPUT_NAMES.map((name) => name.toUpperCase()));
  return givenNames
    .filter((given) => !known.has(given.toUpperCase()))
    .map((given) => {
      const name = given.toLowerCase();
      return `Input '${name}': did you mean '${closestInput(name)}'?`;
    });
}

/** The declared input with the fewest edits from `name`, with `_` and spaces read as `-` (the first on a tie). */
function closestInput(name: string): string {
  const normalised = name.replace(/[_ ]/g, '-');
  let best: string = INPUT_NAMES[0];
  let bestDistance = Infinity;
  for (const candidate of INPUT_NAMES) {
    const distance = editDistance(normalised, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * An exact package version: it names the tool-cache directory, and it is compared with what `claude --version`
 * prints, so a range or a tag such as `latest` could never match and would be installed again on every run.
 */
function exactVersion(get: (name: string) => string, name: string, fallback: string): string {
  const value = get(name) || fallback;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new InputError(`Input '${name}' is "${value}"; expected an exact version such as ${fallback}.`);
  }
  return value;
}

/** `true` or `false` in the spellings of YAML 1.2 that `core.getBooleanInput` accepts. */
function boolean(get: (name: string) => string, name: string, fallback: boolean): boolean {
  const value = get(name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`Input '${name}' is "${value}"; expected true or false.`);
}

function oneOf<T extends string>(get: (name: string) => string, name: string, values: readonly T[], fallback: T): T {
  const value = get(name) || fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new InputError(`Input '${name}' is "${value}"; expected one of: ${values.join(', ')}.`);
  }
  return value as T;
}

/**
 * Host names for the sandbox's network filter, separated like the tool lists; `*.example.com` takes its subdomains.
 * A URL or a host with a port is an error: the filter matches names only, and would never let it through.
 */
function domainList(get: (name: string) => string, name: string): string[] {
  const hosts = splitList(get(name));
  for (const host of hosts) {
    if (!isHostPattern(host)) {
      throw new InputError(
        `Input '${name}' has "${host}", which is not a host name; expected names such as registry.npmjs.org or ` +
          '*.example.com, without a scheme, a port or a path.',
      );
    }
  }
  return [...new Set(hosts.map((host) => host.toLowerCase()))];
}

/**
 * GitHub logins (a bot as `name[bot]`), lower-cased: GitHub compares logins without case. No wildcard: a pattern that
 * lets everyone in would undo the check it is meant to widen.
 */
function actorList(get: (name: string) => string, name: string): string[] {
  const text = get(name);
  const logins = splitList(text);
  for (const login of logins) {
    if (login.includes('*')) {
      throw new InputError(`Input '${name}' is "${text}": "${login}" is a wildcard; list each login instead.`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(\[bot\])?$/.test(login)) {
      throw new InputError(
        `Input '${name}' is "${text}": "${login}" is not a GitHub login (letters, digits, hyphens; a bot as name[bot]).`,
      );
    }
  }
  return [...new Set(logins.map((login) => login.toLowerCase()))];
}

/** `none` is an explicit empty list (an empty input gets the default). */
function statusList(get: (name: string) => string, name: string, fallback: string): LoopStatus[] {
  const raw = get(name);
  if (raw.toLowerCase() === 'none') return [];
  const items = splitList(raw === '' ? fallback : raw);
  for (const item of items) {
    if (!isStatus(item)) {
      throw new InputError(`Input '${name}' has an unknown status "${item}"; known statuses: ${STATUSES.join(', ')}.`);
    }
  }
  return [...new Set(items)] as LoopStatus[];
}
