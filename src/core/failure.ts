/**
 * Why an iteration failed, if it did, and whether the failure is worth a retry. Pure: it reads the CLI's exit and
 * result line, whose error texts are listed in shared/claude-cli-facts.md (API errors come as `is_error` with
 * `api_error_status` and texts like "API Error: Repeated 529 Overloaded errors").
 */
import type { ProcessOutcome, RateLimitInfo } from '../core/iteration-run.js';
import type { CloudProvider } from './providers.js';
import type { AuthCredential } from './stop-cause.js';
import type { Provider } from './settings.js';

export type FailureKind =
  /** Credentials rejected or missing: never retried. */
  | 'auth'
  /** Rate limit, overload, 5xx, a lost connection or a time-out: the iteration may be re-run. */
  | 'transient'
  /** The CLI's own --max-budget-usd (what is left of the loop's budget, or one in its own arguments) stopped it. */
  | 'budget'
  /** A subscription's usage limit refused the requests until `resetAt`: never retried as a transient error. */
  | 'usage_limit'
  | 'other';

export interface IterationFailure {
  kind: FailureKind;
  message: string;
  /** When the error says when a limit resets (epoch ms). */
  resetAt: number | undefined;
  /** Which usage limit (`five_hour`, `seven_day`, …), when the CLI said it. */
  limitType?: string;
  /** With kind `auth`: which credential was rejected (`message` is what the CLI said). */
  auth?: AuthRejection;
}

export interface AuthRejection {
  credential: AuthCredential;
  provider: CloudProvider | undefined;
  status: number | undefined;
}

export interface CredentialInputs {
  anthropicApiKey: string;
  claudeCodeOauthToken: string;
  /** Undefined: the Anthropic API. */
  provider?: Provider;
}

const AUTH_TEXT =
  /invalid api key|not logged in|please run \/login|authentication|oauth token|unauthorized|forbidden|permission_error|x-api-key/i;
/**
 * The CLI's words for a subscription's usage limit: "You've hit your limit · resets 8:14pm (UTC)", "You've hit your
 * 5-hour limit", older "Claude AI usage limit reached|<epoch>" and "5-hour limit reached ∙ resets 3pm".
 */
const USAGE_LIMIT_TEXT =
  /you(?:'|’)?ve hit your\b[^\n·]*\blimit|usage limit reached|usage_limit_reached|(?:5-hour|weekly|opus|sonnet) limit reached/i;
const TRANSIENT_TEXT =
  /overloaded|rate.?limit|too many requests|usage limit|unable to connect|connection error|econnreset|econnrefused|etimedout|epipe|socket hang up|fetch failed|network|timed? ?out|timeout|internal server error|bad gateway|service unavailable|api error: (429|5\d\d)|\((429|5\d\d)\)/i;

/** Undefined when the iteration ended normally (a turn cap is a normal end: the next iteration resumes). */
export function iterationFailure(run: ProcessOutcome, credentials: CredentialInputs): IterationFailure | undefined {
  if (run.spawnError !== undefined) {
    return { kind: 'other', message: `Could not start claude: ${run.spawnError}`, resetAt: undefined };
  }
  const result = run.stream.result;
  if (result === undefined) return withoutResult(run, credentials);
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
  // Before the credentials: a usage limit is the subscription's, and its token is fine.
  if (run.stream.usageLimit || result.apiError === 'usage_limit_reached' || USAGE_LIMIT_TEXT.test(text)) {
    return usageLimitFailure(text, run.stream.usageLimit);
  }
  return classify(text, result.apiErrorStatus, credentials);
}

/** A CLI that ended without a result line: how it ended, and the end of what it wrote on stderr. */
function withoutResult(run: ProcessOutcome, credentials: CredentialInputs): IterationFailure {
  const how = run.exitSignal ? `was killed by ${run.exitSignal}` : `exited with code ${run.exitCode}`;
  const detail = lastLines(run.stderrTail) || 'no output on stderr';
  const text = `claude ${how} without a result line: ${detail}`;
  if (run.stream.usageLimit || USAGE_LIMIT_TEXT.test(detail)) return usageLimitFailure(text, run.stream.usageLimit);
  return classify(text, undefined, credentials);
}

/**
 * A failure that resuming the same session again would meet again: the CLI ran far enough to report an error in a
 * result line ("No conversation found with session ID", an API 400 or 404), and it is neither transient nor about the
 * credentials, which are this run's. A CLI that printed no result line (a flag it refused) says nothing about the session.
 */
export function failsEveryResume(failure: IterationFailure, run: ProcessOutcome): boolean {
  return failure.kind === 'other' && run.stream.result !== undefined;
}

/** The reset time comes from the CLI's `rate_limit_info` when it gave one, else from its words. */
function usageLimitFailure(text: string, limit: RateLimitInfo | undefined): IterationFailure {
  const resetAt = limit?.resetsAt ?? usageLimitReset(text);
  const which = limit?.limitType ? ` (${limit.limitType})` : '';
  const until = resetAt === undefined ? 'the CLI did not say when it resets' : `it resets at ${isoTime(resetAt)}`;
  return {
    kind: 'usage_limit',
    message: `Claude's usage limit${which} was reached: ${until}. The CLI said: ${text}`,
    resetAt,
    ...(limit?.limitType ? { limitType: limit.limitType } : {}),
  };
}

/** Whether a text is one of the CLI's usage-limit messages. */
export function isUsageLimitText(text: string): boolean {
  return USAGE_LIMIT_TEXT.test(text);
}

/** ISO 8601 in UTC, as the reports and the `resets-at` output show a time. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function classify(text: string, status: number | undefined, credentials: CredentialInputs): IterationFailure {
  if (status === 401 || status === 403 || (status === undefined && AUTH_TEXT.test(text))) {
    return {
      kind: 'auth',
      message: text,
      resetAt: undefined,
      auth: { ...rejectedCredential(text, status, credentials), status },
    };
  }
  // 5xx takes in 529 Overloaded.
  const transient = status === 429 || status === 408 || (status ?? 0) >= 500 || TRANSIENT_TEXT.test(text);
  return { kind: transient ? 'transient' : 'other', message: text, resetAt: transient ? resetTime(text) : undefined };
}

/** Which credential the rejection concerns: the front end words it (an input, an environment variable). */
function rejectedCredential(
  text: string,
  status: number | undefined,
  credentials: CredentialInputs,
): Pick<AuthRejection, 'credential' | 'provider'> {
  if (credentials.provider !== undefined && credentials.provider !== 'anthropic') {
    return { credential: 'cloud', provider: credentials.provider };
  }
  const none = !credentials.anthropicApiKey && !credentials.claudeCodeOauthToken;
  if (/not logged in|please run \/login/i.test(text) && none) return { credential: 'none', provider: undefined };
  const credential: AuthCredential = credentials.claudeCodeOauthToken
    ? 'oauth-token'
    : credentials.anthropicApiKey
      ? 'api-key'
      : 'api-key-or-oauth-token';
  return { credential, provider: undefined };
}

/**
 * A reset time in the error text: the subscription limit form "usage limit reached|<epoch seconds>", or
 * "retry after N seconds" / "try again in N seconds".
 */
export function resetTime(text: string, now = Date.now()): number | undefined {
  const epoch = /limit reached\|(\d{10})\b/i.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  return secondsFromNow(text, now);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** "resets 8:14pm (UTC)", "resets Dec 11, 6:18am (UTC)", "will reset at 3pm (America/Santiago)". */
const RESETS_AT =
  /\breset(?:s)?\s+(?:at\s+)?(?:([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap]m)\s*\(([^)\s]+)\)/i;

/**
 * When a usage limit resets, from the CLI's words: the epoch form, a clock time (the next one to come, in the time
 * zone it names) with or without a date, or "in N seconds". Undefined when the text says none of these.
 */
export function usageLimitReset(text: string, now = Date.now()): number | undefined {
  const epoch = /\|(\d{10})\b/.exec(text);
  if (epoch) return Number(epoch[1]) * 1000;
  const clock = RESETS_AT.exec(text);
  if (clock) {
    const [, month, day, hour, minute, half, zone] = clock;
    const hours = (Number(hour) % 12) + (half.toLowerCase() === 'pm' ? 12 : 0);
    const monthIndex = month === undefined ? -1 : MONTHS.indexOf(month.toLowerCase());
    if (Number(hour) <= 12 && Number(minute ?? 0) < 60 && (month === undefined || monthIndex >= 0)) {
      const at = nextWallTime(now, zone, monthIndex, Number(day ?? 0), hours, Number(minute ?? 0));
      if (at !== undefined) return at;
    }
  }
  return secondsFromNow(text, now);
}

/** The first moment after `now - 1 min` that the zone's clock shows this time (on this day of this month, if given). */
function nextWallTime(
  now: number,
  zone: string,
  month: number,
  day: number,
  hours: number,
  minutes: number,
): number | undefined {
  const today = wallClock(now, zone);
  if (today === undefined) return undefined;
  const candidates =
    month >= 0
      ? [0, 1].map((years) => [today.year + years, month, day])
      : [0, 1].map((days) => [today.year, today.month, today.day + days]);
  for (const [year, m, d] of candidates) {
    const wall = Date.UTC(year, m, d, hours, minutes);
    const offset = zoneOffset(wall, zone);
    if (offset === undefined) return undefined;
    const at = wall - offset;
    // The clock shows minutes: a reset in this very minute has not passed.
    if (at > now - 60_000) return at;
  }
  return undefined;
}

/** The date the zone's clock shows at `at`; undefined for a zone the platform does not know. */
function wallClock(at: number, zone: string): { year: number; month: number; day: number } | undefined {
  const offset = zoneOffset(at, zone);
  if (offset === undefined) return undefined;
  const local = new Date(at + offset);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate() };
}

/** How far the zone's clock is ahead of UTC at about `at` (ms). */
function zoneOffset(at: number, zone: string): number | undefined {
  if (/^(?:utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(zone)) return 0;
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(at));
    const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    const shown = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
    return Number.isFinite(shown) ? shown - Math.floor(at / 1000) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function secondsFromNow(text: string, now: number): number | undefined {
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
