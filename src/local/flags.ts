/**
 * Reads the local command's flags (named after the action's inputs) into a frozen `LoopConfig` and the terminal's own
 * options. Every error is a `UsageError` that names the flag and the value it got.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CHECK_ON } from '../core/check.js';
import type { LoopStatus } from '../core/outcome.js';
import { DEFAULT_CONTINUATION_PROMPT, PERMISSION_MODES, type LoopConfig } from '../core/settings.js';
import * as value from './flag-values.js';
import { UsageError, type Get } from './flag-values.js';
import { readPrompt, readStateDir, readSummaryFile, readWorkingDirectory, type Where } from './flag-paths.js';
import { readProviderFlag } from './provider-flag.js';

export { UsageError };

/** What the terminal front end does besides the loop. */
export interface LocalOptions {
  quiet: boolean;
  json: boolean;
  /** Where the Markdown summary goes; undefined: nowhere. */
  summaryFile: string | undefined;
  failOn: LoopStatus[];
}

export type LocalCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; config: Readonly<LoopConfig>; options: LocalOptions; repository: string };

/**
 * The action's inputs that a terminal has no use for are not flags: `anthropic-api-key` and `claude-code-oauth-token`
 * (a secret on the command line shows in `ps` and the shell's history: the environment holds them), and the GitHub
 * ones (`open-issue-on`, `issue-labels`, `status-issue`, `github-token`, `allowed-actors`).
 */
const STRING_FLAGS = [
  ...['prompt', 'prompt-file', 'continuation-prompt', 'max-iterations', 'hard-limit', 'no-change-threshold'],
  ...['same-error-threshold', 'max-budget-usd', 'iteration-timeout-minutes', 'time-limit-minutes', 'api-retries'],
  ...['check-command', 'check-on', 'check-timeout-minutes', 'working-directory', 'state-dir', 'provider', 'model'],
  ...['max-turns', 'allowed-tools', 'disallowed-tools', 'permission-mode', 'claude-args', 'allowed-domains'],
  ...['claude-path', 'claude-version', 'fail-on', 'summary'],
];
const BOOLEAN_FLAGS = ['sandbox', 'claude-from-path', 'quiet', 'json', 'help', 'version'];

const OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' as const }])),
  ...Object.fromEntries(BOOLEAN_FLAGS.map((name) => [name, { type: 'boolean' as const }])),
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
};

/** Every flag name, for a test that holds them against action.yml's inputs. */
export const FLAG_NAMES: readonly string[] = [...STRING_FLAGS, ...BOOLEAN_FLAGS];

export function parseFlags(argv: readonly string[], where: Where): LocalCommand {
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
  const get: Get = (name) => ((values[name] as string | undefined) ?? '').trim();
  const flag = (name: string): boolean => values[name] === true;
  const { workingDirectory, repository } = readWorkingDirectory(get, where);
  const config = readConfig(get, flag, where, workingDirectory, repository);
  const options: LocalOptions = {
    quiet: flag('quiet'),
    json: flag('json'),
    summaryFile: readSummaryFile(get, where.cwd),
    failOn: config.failOn,
  };
  return { kind: 'run', config: Object.freeze(config), options, repository };
}

function readConfig(
  get: Get,
  flag: (name: string) => boolean,
  where: Where,
  workingDirectory: string,
  repository: string,
): LoopConfig {
  const warnings: string[] = [];
  const hardLimit = value.wholeNumber(get, 'hard-limit', 50, 1);
  const requestedMax = value.wholeNumber(get, 'max-iterations', 10, 1);
  if (requestedMax > hardLimit) {
    warnings.push(`--max-iterations is ${requestedMax}, above --hard-limit ${hardLimit}: using ${hardLimit}.`);
  }
  const sandbox = flag('sandbox');
  const allowedDomains = value.domainList(get, 'allowed-domains');
  if (!sandbox && allowedDomains.length > 0) {
    warnings.push("--allowed-domains is set without --sandbox: Claude's commands may reach any host.");
  }
  const maxBudgetUsd = value.optionalPositiveNumber(get, 'max-budget-usd');
  return {
    prompt: readPrompt(get, workingDirectory, repository),
    continuationPrompt: get('continuation-prompt') || DEFAULT_CONTINUATION_PROMPT,
    maxIterations: Math.min(requestedMax, hardLimit),
    hardLimit,
    noChangeThreshold: value.wholeNumber(get, 'no-change-threshold', 3, 1),
    sameErrorThreshold: value.wholeNumber(get, 'same-error-threshold', 5, 1),
    maxBudgetUsd,
    iterationTimeoutMs: value.optionalMinutes(get, 'iteration-timeout-minutes') ?? 30 * 60_000,
    timeLimitMs: value.optionalMinutes(get, 'time-limit-minutes'),
    apiRetries: value.wholeNumber(get, 'api-retries', 2, 0),
    checkCommand: get('check-command'),
    checkOn: value.oneOf(get, 'check-on', CHECK_ON, 'ready'),
    checkTimeoutMs: value.optionalMinutes(get, 'check-timeout-minutes') ?? 10 * 60_000,
    workingDirectory,
    stateDir: readStateDir(get, where.cwd, repository),
    // The CLI finds ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or its own login.
    anthropicApiKey: '',
    claudeCodeOauthToken: '',
    provider: readProviderFlag(get('provider'), where.env, warnings),
    model: get('model'),
    maxTurns: get('max-turns') === '' ? undefined : value.wholeNumber(get, 'max-turns', 0, 1),
    allowedTools: value.toolList(get, 'allowed-tools'),
    disallowedTools: value.toolList(get, 'disallowed-tools'),
    permissionMode: value.oneOf(get, 'permission-mode', PERMISSION_MODES, 'bypassPermissions'),
    claudeArgs: value.claudeArgs(get, 'claude-args', maxBudgetUsd !== undefined),
    sandbox,
    allowedDomains,
    claudePath: get('claude-path'),
    claudeVersion: value.exactVersion(get, 'claude-version'),
    claudeFromPath: flag('claude-from-path'),
    failOn: value.statusList(get, 'fail-on', 'failed,timed_out'),
    // The GitHub inputs: no issue, no status comment, no actor check on a terminal.
    openIssueOn: [],
    issueLabels: [],
    statusIssue: undefined,
    githubToken: '',
    allowedActors: [],
    warnings,
  };
}
