/**
 * The CLI's command line and environment for one iteration. Pure: the only place that knows the CLI's flags.
 */
import { GATE_END, GATE_START } from '../core/gate.js';
import type { LoopConfig } from '../core/settings.js';
import { ANTHROPIC_CREDENTIAL_VARIABLES, PROVIDER_NAMES, providerSwitch } from '../core/providers.js';
import type { Credential, CredentialKind } from '../system/credential-proxy.js';
import { takeSettingsArg } from './sandbox-settings.js';

/**
 * Tells Claude how and when to print the gate; goes in through --append-system-prompt on every iteration.
 * @param where where the loop runs, in the host's words: "a GitHub Actions job"
 */
export const gateProtocol = (where: string): string =>
  `You are running unattended inside an automated loop (${where}). Nobody can answer questions: decide for yourself and keep working.
The loop runs you again and again, resuming this session, until you declare the task complete.
At the very end of every reply, print exactly one completion gate block in your own text (never inside a file or a command). It must be the last thing you write: any text after it cancels it.

${GATE_START}
ready: true or false
reason: "one sentence: why the task is or is not complete"
progress: "one sentence: what has been accomplished so far"
blockers: ["what still stands in the way", "one short item each"]
${GATE_END}

- ready: true only when the whole task is done and verified (for example the tests pass). The loop then stops.
- ready: false while work remains; list the concrete blockers, most important first (blockers: [] when nothing blocks). The loop runs you again.
- A gate that you quote from a file, a command's output or these instructions does not count: only the block that ends your reply.`;

/** The gate protocol, and when a check command is set, that `ready: true` is verified by running it. */
export function gateSystemPrompt(where: string, checkCommand: string): string {
  if (checkCommand === '') return gateProtocol(where);
  return `${gateProtocol(where)}
- ready: true is verified: the loop then runs this check command in the working directory, and the task is complete only when it passes: ${checkCommand}
  If it fails, the loop resumes this session with its output. Run it yourself before you say ready: true.`;
}

export interface IterationCall {
  /** Resume exactly this session (iterations 2..n and retries). */
  resumeSessionId: string | undefined;
  /** Fall back to --continue: only when a later iteration has never seen a session id. */
  continueLastSession: boolean;
  /** What is left of `max-budget-usd`: the CLI stops itself there, so one run overshoots by one turn at most. */
  maxBudgetUsd?: number;
}

/**
 * @param where where the loop runs, for the system prompt (`gateProtocol`)
 * @param settings the one --settings JSON, in place of any in claude-args (the sandbox's, merged with the user's)
 */
export function buildClaudeArgs(
  config: Readonly<LoopConfig>,
  call: IterationCall,
  where: string,
  settings?: string,
): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', config.permissionMode];
  if (call.resumeSessionId) args.push('--resume', call.resumeSessionId);
  else if (call.continueLastSession) args.push('--continue');
  if (config.model) args.push('--model', config.model);
  if (config.maxTurns !== undefined) args.push('--max-turns', String(config.maxTurns));
  if (call.maxBudgetUsd !== undefined) args.push('--max-budget-usd', call.maxBudgetUsd.toFixed(4));
  // One value, items joined by spaces: the CLI splits it on spaces outside parentheses (`Bash(npm test:*)` stays
  // one item), and a single value cannot make the variadic flag swallow the argument after it.
  if (config.allowedTools.length > 0) args.push('--allowedTools', config.allowedTools.join(' '));
  if (config.disallowedTools.length > 0) args.push('--disallowedTools', config.disallowedTools.join(' '));
  // The CLI keeps only one --append-system-prompt: fold the user's own into ours rather than lose the gate protocol.
  const { appended, rest } = takeAppendedPrompts(config.claudeArgs);
  args.push('--append-system-prompt', [gateSystemPrompt(where, config.checkCommand), ...appended].join('\n\n'));
  if (settings === undefined) args.push(...rest);
  else args.push(...takeSettingsArg(rest).rest, '--settings', settings);
  return args;
}

function takeAppendedPrompts(claudeArgs: readonly string[]): { appended: string[]; rest: string[] } {
  const appended: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < claudeArgs.length; i++) {
    const arg = claudeArgs[i];
    if (arg === '--append-system-prompt' && i + 1 < claudeArgs.length) appended.push(claudeArgs[++i]);
    else if (arg.startsWith('--append-system-prompt=')) appended.push(arg.slice('--append-system-prompt='.length));
    else rest.push(arg);
  }
  return { appended, rest };
}

/** What the host keeps from Claude and the programs we run, and how its user knows the GitHub token. */
export interface EnvironmentWords {
  /** The host's own variables (its settings, tokens and channels back to it) that never reach them. */
  withheld: RegExp;
  /** The GitHub token as the host's user gives it: "the github-token input". */
  githubToken: string;
}

export interface ClaudeEnvironment {
  env: Record<string, string>;
  /** Things worth saying in the log, e.g. that IS_SANDBOX was set. */
  notes: string[];
}

/**
 * The parent environment without anything secret of ours: the host's `withheld` variables, and any variable whose
 * value is one of `secrets` (a workflow may have put a token in GH_TOKEN as well). Also for the programs we run
 * before Claude (`claude --version`, the npm install and its install scripts).
 */
export function withoutSecrets(
  parentEnv: NodeJS.ProcessEnv,
  secrets: readonly string[],
  withheld: RegExp,
): { env: Record<string, string>; withheldByValue: string[] } {
  const env: Record<string, string> = {};
  const withheldByValue: string[] = [];
  for (const [name, value] of Object.entries(parentEnv)) {
    // search(), not test(): a host's pattern with the g or y flag would make test() skip names by its lastIndex.
    if (value === undefined || name.search(withheld) >= 0) continue;
    if (secrets.some((secret) => secret !== '' && value === secret)) withheldByValue.push(name);
    else env[name] = value;
  }
  return { env, withheldByValue };
}

/**
 * The Anthropic credential the CLI would use: an input first (both at once is refused earlier), else the job's
 * ANTHROPIC_API_KEY, which the CLI prefers to CLAUDE_CODE_OAUTH_TOKEN, else a gateway's ANTHROPIC_AUTH_TOKEN.
 * Undefined: the CLI finds its own login.
 */
export function claudeCredential(config: Readonly<LoopConfig>, parentEnv: NodeJS.ProcessEnv): Credential | undefined {
  if (config.anthropicApiKey) return { kind: 'api-key', value: config.anthropicApiKey };
  if (config.claudeCodeOauthToken) return { kind: 'oauth', value: config.claudeCodeOauthToken };
  if (parentEnv.ANTHROPIC_API_KEY) return { kind: 'api-key', value: parentEnv.ANTHROPIC_API_KEY };
  if (parentEnv.CLAUDE_CODE_OAUTH_TOKEN) return { kind: 'oauth', value: parentEnv.CLAUDE_CODE_OAUTH_TOKEN };
  if (parentEnv.ANTHROPIC_AUTH_TOKEN) return { kind: 'auth-token', value: parentEnv.ANTHROPIC_AUTH_TOKEN };
  return undefined;
}

/** What Claude holds instead of the credential: the proxy's address and its token for this run. */
export interface CredentialStandIn {
  kind: CredentialKind;
  token: string;
  baseUrl: string;
}

const CREDENTIAL_VARIABLE: Record<CredentialKind, string> = {
  'api-key': 'ANTHROPIC_API_KEY',
  oauth: 'CLAUDE_CODE_OAUTH_TOKEN',
  'auth-token': 'ANTHROPIC_AUTH_TOKEN',
};

/** Where the CLI reads its credential: Claude's alone, never the other programs'. */
const CLAUDE_CREDENTIALS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/**
 * The environment of the programs we run that are not Claude (the check command, git, `claude --version`, the
 * install): `withoutSecrets`, and without Claude's credential either, by name and by value, where the job put it in
 * its own environment rather than in an input.
 */
export function withoutCredentials(
  parentEnv: NodeJS.ProcessEnv,
  secrets: readonly string[],
  withheld: RegExp,
): Record<string, string> {
  const credentials = CLAUDE_CREDENTIALS.map((name) => parentEnv[name] ?? '');
  const { env } = withoutSecrets(parentEnv, [...secrets, ...credentials], withheld);
  for (const name of CLAUDE_CREDENTIALS) delete env[name];
  return env;
}

export function buildClaudeEnv(
  config: Readonly<LoopConfig>,
  parentEnv: NodeJS.ProcessEnv,
  runningAsRoot: boolean,
  words: EnvironmentWords,
  standIn?: CredentialStandIn,
): ClaudeEnvironment {
  const notes: string[] = [];
  // The GitHub token is for the issue only, whatever variable a workflow also put it in.
  const { env, withheldByValue } = withoutSecrets(parentEnv, [config.githubToken], words.withheld);
  if (withheldByValue.length > 0) {
    notes.push(`Not passed to Claude because they hold ${words.githubToken}: ${withheldByValue.join(', ')}.`);
  }
  if (standIn) {
    // No credential variable of the job reaches Claude, nor any other that holds one of the credentials.
    const real = new Set(
      [
        config.anthropicApiKey,
        config.claudeCodeOauthToken,
        ...CLAUDE_CREDENTIALS.map((name) => parentEnv[name]),
      ].filter((value): value is string => Boolean(value)),
    );
    for (const [name, value] of Object.entries(env)) {
      if (real.has(value) || CLAUDE_CREDENTIALS.includes(name)) delete env[name];
    }
    env[CREDENTIAL_VARIABLE[standIn.kind]] = standIn.token;
    env.ANTHROPIC_BASE_URL = standIn.baseUrl;
  } else {
    if (config.anthropicApiKey) env.ANTHROPIC_API_KEY = config.anthropicApiKey;
    if (config.claudeCodeOauthToken) {
      env.CLAUDE_CODE_OAUTH_TOKEN = config.claudeCodeOauthToken;
      // An API key from the job's environment would win over the token the user chose.
      delete env.ANTHROPIC_API_KEY;
    }
  }
  // A cloud provider signs in with the job's cloud credentials: an Anthropic one would be a secret Claude has no use for.
  const cloudSwitch = providerSwitch(config.provider);
  if (cloudSwitch) {
    env[cloudSwitch] = '1';
    const dropped = ANTHROPIC_CREDENTIAL_VARIABLES.filter((name) => name in env);
    for (const name of dropped) delete env[name];
    if (dropped.length > 0) {
      notes.push(`Not passed to Claude, which signs in to ${PROVIDER_NAMES[config.provider]}: ${dropped.join(', ')}.`);
    }
  }
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
  if (runningAsRoot && config.permissionMode === 'bypassPermissions' && env.IS_SANDBOX !== '1') {
    env.IS_SANDBOX = '1';
    notes.push('Running as root with bypassPermissions: set IS_SANDBOX=1 so that the CLI accepts it.');
  }
  return { env, notes };
}
