/**
 * The settings of one loop, whatever front end read them: one frozen value, checked before anything runs.
 */
import type { CheckOn } from './check.js';
import type { LoopStatus } from './outcome.js';

/** The CLI version installed when no `claude` is found; the one the end-to-end tests run. */
export const DEFAULT_CLAUDE_VERSION = '2.1.330';

/**
 * Node's timers fire at once when asked to wait longer than 2³¹−1 ms (about 24.8 days): the whole minutes below that,
 * ⌊(2³¹−1) / 60,000⌋ (a test checks the sum).
 */
export const MAX_DURATION_MINUTES = 35_791;

export const DEFAULT_CONTINUATION_PROMPT =
  'Continue working on the task. Review your previous output and progress. When you are completely done, output a COMPLETION_GATE block with ready: true.';

export const PERMISSION_MODES = [
  'acceptEdits',
  'auto',
  'bypassPermissions',
  'default',
  'dontAsk',
  'manual',
  'plan',
] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** Where Claude is reached: the Anthropic API, or a cloud's (the rules for each are in providers.ts). */
export const PROVIDERS = ['anthropic', 'bedrock', 'vertex', 'foundry'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface LoopConfig {
  prompt: string;
  continuationPrompt: string;
  /** After the hard-limit clamp. */
  maxIterations: number;
  hardLimit: number;
  noChangeThreshold: number;
  sameErrorThreshold: number;
  maxBudgetUsd: number | undefined;
  iterationTimeoutMs: number;
  /** This run's time limit, from the start of the action; undefined: none. */
  timeLimitMs: number | undefined;
  apiRetries: number;
  /** Empty: no check; `completed` rests on the gate alone. */
  checkCommand: string;
  checkOn: CheckOn;
  checkTimeoutMs: number;
  /** Absolute. */
  workingDirectory: string;
  /** Absolute; empty: the loop is not kept for a later run. */
  stateDir: string;
  anthropicApiKey: string;
  claudeCodeOauthToken: string;
  /** With a cloud provider the two credentials above are empty: the cloud's come from the job's environment. */
  provider: Provider;
  model: string;
  maxTurns: number | undefined;
  /** One tool or pattern each, e.g. `Bash(npm test:*)`. */
  allowedTools: string[];
  disallowedTools: string[];
  permissionMode: PermissionMode;
  claudeArgs: string[];
  /** Run every Bash command in Claude Code's own sandbox, and keep its file tools out of private places. */
  sandbox: boolean;
  /** The hosts sandboxed commands may reach; empty: none. */
  allowedDomains: string[];
  claudePath: string;
  /** An exact version, e.g. 2.1.330: the one installed, and the one a `claude` on PATH must be. */
  claudeVersion: string;
  /** Use a `claude` on PATH whatever its version. */
  claudeFromPath: boolean;
  failOn: LoopStatus[];
  openIssueOn: LoopStatus[];
  issueLabels: string[];
  /** The issue or pull request whose status comment the action keeps up to date; undefined: none. */
  statusIssue: number | undefined;
  githubToken: string;
  /** Lower-cased logins that may start the loop without write permission on the repository. */
  allowedActors: string[];
  /** Things the user should know but that do not stop the run (e.g. a clamped limit). */
  warnings: string[];
}
