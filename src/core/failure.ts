/**
 * Why an iteration failed, if it did, and whether the failure is worth a retry. Pure: it reads the CLI's exit and
 * result line, whose error texts are listed in shared/claude-cli-facts.md (API errors come as `is_error` with
 * `api_error_status` and texts like "API Error: Repeated 529 Overloaded errors").
 */
import type { ProcessOutcome } from '../core/iteration-run.js';

export type FailureKind =
  /** Credentials rejected or missing: never retried. */
  | 'auth'
  /** Rate limit, overload, 5xx, a lost connection or a time-out: the iteration may be re-run. */
  | 'transient'
  /** The CLI's own --max-budget-usd (what is left of `max-budget-usd`, or one in claude-args) stopped it. */
  | 'budget'
  | 'other';

export interface IterationFailure {
  kind: FailureKind;
  message: string;
  /** When the error says when a limit resets (epoch ms). */
  resetAt: number | undefined;
}

export interface CredentialInputs {
  anthropicApiKey: string;
  claudeCodeOauthToken: string;
}

const AUTH_TEXT =
  /invalid api key|not logged in|please run \/login|authentication|oauth token|unauthorized|forbidden|permission_error|x-api-key/i;
const TRANSIENT_TEXT =
  /overloaded|rate.?limit|too many requests|usage limit|unable to connect|connection error|econnreset|econnrefused|etimedout|epipe|socket hang up|fetch failed|network|timed? ?out|timeout|internal server error|bad gateway|service unavailable|api error: (429|5\d\d)|\((429|5\d\d)\)/i;

/** Undefined when the iteration ended normally (a turn cap is a normal end: the next iteration resumes). */
export function iterationFailure(run: ProcessOutcome, credentials: CredentialInputs): IterationFailure | undefined {
  if (run.spawnError !== undefined) {
    return { kind: 'other', message: `Could not start claude: ${run.spawnError}`, resetAt: undefined };
  }
  const result = run.stream.result;
  if (result === undefined) {
    const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
    const detail = lastLines(run.stderrTail) || 'no output on stderr';
    return classify(`claude ${how} without a result line: ${detail}`, undefined, credentials);
  }
  if (result.subtype === 'error_max_turns') return undefined;
  if (result.subtype === 'error_max_budget_usd') {
    return {
      kind: 'budget',
      message: `The CLI stopped at its own budget: ${result.text || result.subtype}`,
      resetAt: undefined,
    };
  }
  if (!result.isError && (run.exitCode === 0 || run.stoppedAfterResult)) return undefined;
  const text = result.text || lastLines(run.stderrTail) || `${result.subtype} (exit code ${run.exitCode})`;
  return classify(text, result.apiErrorStatus, credentials);
}

/**
 * A failure that resuming the same session again would meet again: the CLI ran far enough to report an error in a
 * result line ("No conversation found with session ID", an API 400 or 404), and it is neither transient nor about the
 * credentials, which are this run's. A CLI that printed no result line (a flag it refused) says nothing about the session.
 */
export function failsEveryResume(failure: IterationFailure, run: ProcessOutcome): boolean {
  return failure.kind === 'other' && run.stream.result !== undefined;
}

function classify(text: string, status: number | undefined, credentials: CredentialInputs): IterationFailure {
  if (status === 401 || status === 403 || (status === undefined && AUTH_TEXT.test(text))) {
    return { kind: 'auth', message: authMessage(text, status, credentials), resetAt: undefined };
  }
  // 5xx takes in 529 Overloaded.
  const transient = status === 429 || status === 408 || (status ?? 0) >= 500 || TRANSIENT_TEXT.test(text);
  return { kind: transient ? 'transient' : 'other', message: text, resetAt: transient ? resetTime(text) : undefined };
}

function authMessage(text: string, status: number | undefined, credentials: CredentialInputs): string {
  const code = status ? ` (${status})` : '';
  if (
    /not logged in|please run \/login/i.test(text) &&
    !credentials.anthropicApiKey &&
    !credentials.claudeCodeOauthToken
  ) {
    return (
      "Claude Code has no credentials: set the 'anthropic-api-key' or 'claude-code-oauth-token' input. If you " +
      'did, from a secret, it came out empty: the secret has not been created (or has another name), or the run ' +
      'has no access to it (a pull request from a fork, or a Dependabot run, which only sees Dependabot secrets). ' +
      `The CLI said: ${text}`
    );
  }
  const input = credentials.claudeCodeOauthToken
    ? "'claude-code-oauth-token'"
    : credentials.anthropicApiKey
      ? "'anthropic-api-key'"
      : "'anthropic-api-key' or 'claude-code-oauth-token'";
  return `The Anthropic API rejected the API key or token${code}: check the ${input} input. The CLI said: ${text}`;
}

/**
 * A reset time in the error text: the subscription limit form "usage limit reached|<epoch seconds>", or
 * "retry after N seconds" / "try again in N seconds".
 */
export function resetTime(text: string, now = Date.now()): number | undefined {
  const epoch = /limit reached\|(\d{10})\b/i.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  const seconds = /(?:retry after|try again in|resets in) (\d{1,6}) ?s(?:ec(?:ond)?s?)?\b/i.exec(text);
  if (seconds) return now + Number(seconds[1]) * 1000;
  return undefined;
}

export const FIRST_RETRY_DELAY_MS = 5_000;
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * How long to wait before retry number `retry` (1-based): 5 s doubling to at most 60 s, or until the limit resets
 * when the error says so. Undefined when the reset lies beyond what is left of the iteration timeout: waiting would
 * not help.
 */
export function retryDelayMs(
  failure: IterationFailure,
  retry: number,
  remainingMs: number,
  now = Date.now(),
): number | undefined {
  if (failure.resetAt !== undefined) {
    const wait = failure.resetAt - now;
    if (wait > remainingMs) return undefined;
    if (wait > 0) return wait;
  }
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
}

function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}
