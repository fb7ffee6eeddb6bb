/**
 * Reads every action input once, validates it, and returns one typed, frozen `LoopConfig`. Every error names the
 * input and the value it got, so a user can fix the workflow without reading our code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isStatus, STATUSES, type LoopStatus } from './outcome.js';
import { splitShellWords } from './shell-words.js';

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

/** The CLI version installed when no `claude` is found; the one the end-to-end tests run. */
export const DEFAULT_CLAUDE_VERSION = '2.1.330';

export const DEFAULT_CONTINUATION_PROMPT =
  'Continue working on the task. Review your previous output and progress. When you are completely done, output a COMPLETION_GATE block with ready: true.';

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
  apiRetries: number;
  /** Absolute. */
  workingDirectory: string;
  anthropicApiKey: string;
  claudeCodeOauthToken: string;
  model: string;
  maxTurns: number | undefined;
  allowedTools: string;
  disallowedTools: string;
  permissionMode: PermissionMode;
  claudeArgs: string[];
  claudePath: string;
  claudeVersion: string;
  failOn: LoopStatus[];
  openIssueOn: LoopStatus[];
  issueLabels: string[];
  githubToken: string;
  /** Things the user should know but that do not stop the run (e.g. a clamped limit). */
  warnings: string[];
}

/** Where inputs come from: `@actions/core` in the action, a plain map in tests. */
export interface InputSource {
  getInput(name: string): string;
  setSecret(value: string): void;
}

export class InputError extends Error {
  override name = 'InputError';
}

/** @param baseDirectory where a relative `working-directory` starts (GITHUB_WORKSPACE on a runner). */
export function readInputs(source: InputSource, baseDirectory: string): Readonly<LoopConfig> {
  const get = (name: string): string => source.getInput(name).trim();
  const secret = (name: string): string => {
    const value = get(name);
    if (value !== '') source.setSecret(value);
    return value;
  };
  // Secrets first, so that nothing below can log one before it is masked.
  const anthropicApiKey = secret('anthropic-api-key');
  const claudeCodeOauthToken = secret('claude-code-oauth-token');
  const githubToken = secret('github-token');

  const warnings: string[] = [];
  const hardLimit = wholeNumber(get, 'hard-limit', 50, 1);
  const requestedMax = wholeNumber(get, 'max-iterations', 10, 1);
  const maxIterations = Math.min(requestedMax, hardLimit);
  if (requestedMax > hardLimit) {
    warnings.push(`Input 'max-iterations' is ${requestedMax}, above 'hard-limit' ${hardLimit}: using ${hardLimit}.`);
  }

  const workingDirectory = path.resolve(baseDirectory, get('working-directory') || '.');
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new InputError(
      `Input 'working-directory' is "${get('working-directory')}", but ${workingDirectory} is not a directory.`,
    );
  }

  if (anthropicApiKey !== '' && claudeCodeOauthToken !== '') {
    throw new InputError("Set only one of the inputs 'anthropic-api-key' and 'claude-code-oauth-token', not both.");
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

  const maxTurnsText = get('max-turns');
  return Object.freeze({
    prompt: readPrompt(get, workingDirectory),
    continuationPrompt: get('continuation-prompt') || DEFAULT_CONTINUATION_PROMPT,
    maxIterations,
    hardLimit,
    noChangeThreshold: wholeNumber(get, 'no-change-threshold', 3, 1),
    sameErrorThreshold: wholeNumber(get, 'same-error-threshold', 5, 1),
    maxBudgetUsd: optionalPositiveNumber(get, 'max-budget-usd'),
    iterationTimeoutMs: (optionalPositiveNumber(get, 'iteration-timeout-minutes') ?? 30) * 60_000,
    apiRetries: wholeNumber(get, 'api-retries', 2, 0),
    workingDirectory,
    anthropicApiKey,
    claudeCodeOauthToken,
    model: get('model'),
    maxTurns: maxTurnsText === '' ? undefined : wholeNumber(get, 'max-turns', 0, 1),
    allowedTools: get('allowed-tools'),
    disallowedTools: get('disallowed-tools'),
    permissionMode: permissionMode as PermissionMode,
    claudeArgs,
    claudePath: get('claude-path'),
    claudeVersion: get('claude-version') || DEFAULT_CLAUDE_VERSION,
    failOn: statusList(get, 'fail-on', 'failed,timed_out'),
    openIssueOn: statusList(get, 'open-issue-on', ''),
    issueLabels: (get('issue-labels') || 'autonomous-loop')
      .split(/[,\n]/)
      .map((label) => label.trim())
      .filter((label) => label !== ''),
    githubToken,
    warnings,
  });
}

function readPrompt(get: (name: string) => string, workingDirectory: string): string {
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

/** Comma-, space- or newline-separated items. */
function list(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `none` is an explicit empty list (an empty input gets the default). */
function statusList(get: (name: string) => string, name: string, fallback: string): LoopStatus[] {
  const raw = get(name);
  if (raw.toLowerCase() === 'none') return [];
  const items = list(raw === '' ? fallback : raw);
  for (const item of items) {
    if (!isStatus(item)) {
      throw new InputError(`Input '${name}' has an unknown status "${item}"; known statuses: ${STATUSES.join(', ')}.`);
    }
  }
  return [...new Set(items)] as LoopStatus[];
}
