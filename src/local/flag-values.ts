/**
 * The checks on one flag's value, each a `UsageError` that names the flag and the value it got. The same rules as the
 * action's inputs (src/actions/inputs.ts), in the flags' words.
 */
import { isStatus, STATUSES, type LoopStatus } from '../core/outcome.js';
import { DEFAULT_CLAUDE_VERSION, MAX_DURATION_MINUTES } from '../core/settings.js';
import { ownedFlagsIn, refusedFlagsIn } from '../claude/user-args.js';
import { splitShellWords } from '../text/shell-words.js';
import { isHostPattern, ListError, splitList, splitToolList } from '../text/tool-list.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A string flag's value, trimmed; '' when not given. */
export type Get = (name: string) => string;

export function wholeNumber(get: Get, name: string, fallback: number, min: number): number {
  const text = get(name);
  if (text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got '${text}'.`);
  }
  return value;
}

export function optionalPositiveNumber(get: Get, name: string): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const value = /^(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${text}'.`);
  return value;
}

/** Minutes as milliseconds, capped where Node's timers still wait (see MAX_DURATION_MINUTES). */
export function optionalMinutes(get: Get, name: string): number | undefined {
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

export function oneOf<T extends string>(get: Get, name: string, values: readonly T[], fallback: T): T {
  const value = get(name) || fallback;
  if (!(values as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} is '${value}'; expected one of: ${values.join(', ')}.`);
  }
  return value as T;
}

/** Exact: it names the tool-cache directory and is compared with what `claude --version` prints. */
export function exactVersion(get: Get, name: string): string {
  const value = get(name) || DEFAULT_CLAUDE_VERSION;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(value)) {
    throw new UsageError(`--${name} is '${value}'; expected an exact version such as ${DEFAULT_CLAUDE_VERSION}.`);
  }
  return value;
}

export function toolList(get: Get, name: string): string[] {
  const text = get(name);
  try {
    return splitToolList(text);
  } catch (error) {
    if (!(error instanceof ListError)) throw error;
    throw new UsageError(`--${name} is '${text}': ${error.message}`);
  }
}

export function domainList(get: Get, name: string): string[] {
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
export function statusList(get: Get, name: string, fallback: string): LoopStatus[] {
  const raw = get(name);
  if (raw.toLowerCase() === 'none') return [];
  const items = splitList(raw === '' ? fallback : raw);
  const unknown = items.find((item) => !isStatus(item));
  if (unknown !== undefined) {
    throw new UsageError(`--${name} has an unknown status '${unknown}'; known statuses: ${STATUSES.join(', ')}.`);
  }
  return [...new Set(items)] as LoopStatus[];
}

/**
 * More arguments for the CLI, split as a shell would (quotes kept together), refused as the action refuses them in
 * `claude-args`: flags the loop sets itself, and those that would carry a secret past redaction.
 */
export function claudeArgs(get: Get, name: string, budgetOwned: boolean): string[] {
  const text = get(name);
  let args: string[];
  try {
    args = splitShellWords(text);
  } catch (error) {
    throw new UsageError(`--${name} is '${text}': ${(error as Error).message}.`);
  }
  const owned = ownedFlagsIn(args, budgetOwned);
  if (owned.length > 0) {
    throw new UsageError(
      `--${name} is '${text}': autonomous-loop sets ${owned.join(', ')} itself; remove ` +
        `${owned.length === 1 ? 'it' : 'them'}` +
        (owned.includes('--max-budget-usd')
          ? " (--max-budget-usd is the loop's budget: pass it to autonomous-loop)."
          : '.'),
    );
  }
  const refused = refusedFlagsIn(args);
  if (refused.length > 0) {
    throw new UsageError(
      `--${name} is '${text}': ${refused.join(', ')} cannot be used, as the loop redacts whole messages: a secret ` +
        `cut across two partial events would reach the terminal and the transcript; remove ${refused.length === 1 ? 'it' : 'them'}.`,
    );
  }
  return args;
}
