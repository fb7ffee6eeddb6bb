/**
 * The loop's state between runs, as one serializable value, and the rules for continuing from it. Pure: reading and
 * writing the state directory is `state-store.ts`. A saved state is untrusted (whoever can write the directory or the
 * cache it came from can plant one): `parseLoopState` checks every field; `resumeDecision` refuses another loop's.
 */
import type { BreakerCounters } from './breaker.js';
import { GATE_START, type Gate } from './gate.js';
import { isStatus, type EarlierRuns, type LoopStatus, type Totals } from './outcome.js';
import { shorten } from '../text/text.js';

export const LOOP_STATE_VERSION = 1;
/** A state is a few kilobytes; a bigger file is not one of ours. */
export const MAX_STATE_BYTES = 1024 * 1024;
/**
 * Bounds of what a saved state may count (runs, iterations, turns, the breaker's counters) and cost: far above any
 * loop (`hard-limit` iterations per run), and far below where arithmetic on them would stop being exact, so that a
 * planted state cannot make a limit unreachable or a sum overflow.
 */
export const MAX_SAVED_COUNT = 1_000_000;
export const MAX_SAVED_COST_USD = 1_000_000;

/** Where the loop is, saved after every iteration and at the end of each run. */
export interface LoopState extends Totals {
  version: typeof LOOP_STATE_VERSION;
  /** The repository as the host names it (`owner/name`); a state of another repository is never continued. */
  repository: string;
  /** The working directory relative to the workspace: Claude's session belongs to it. */
  workingDirectory: string;
  /** The task the loop started with. */
  prompt: string;
  sessionId: string;
  /** `running` while a run is under way (or was killed before it could say how it ended). */
  status: LoopStatus | 'running';
  reason: string;
  /** Runs of the loop that have saved this state, this one included. */
  runs: number;
  /** `Totals` are over every run; `costUsd` is a lower bound once an iteration's cost was unknown. */
  breaker: BreakerCounters;
  lastGate: Gate | undefined;
  /** What the last failed check said, for the next iteration's prompt. */
  checkReport: string | undefined;
  /** ISO time of the last save. */
  savedAt: string;
  /**
   * With status `usage_limited`: when the usage limit resets (ISO 8601, UTC). A run that starts before then ends at
   * once. Optional: states written before it existed read as they did.
   */
  resetsAt?: string;
}

/** Which loop a run belongs to: a saved state must match it to be continued. */
export interface LoopIdentity {
  repository: string;
  workingDirectory: string;
}

export function earlierRuns(state: LoopState): EarlierRuns {
  return {
    prompt: state.prompt,
    runs: state.runs,
    iterations: state.iterations,
    costUsd: state.costUsd,
    costKnown: state.costKnown,
  };
}

/**
 * What the writer keeps of text fields: well inside what the reader accepts (`MAX_TEXT`), and small enough that the
 * whole state, even escaped, stays under `MAX_STATE_BYTES`. A state the action writes is always one it reads back.
 */
export const MAX_SAVED_TEXT = 16 * 1024;
const MAX_SAVED_BLOCKERS = 20;
const MAX_SAVED_BLOCKER = 1000;

/** The state as it is written: long texts from the task, Claude or an error shortened. */
export function boundedForSaving(state: LoopState): LoopState {
  const bound = (text: string | undefined, max = MAX_SAVED_TEXT): string | undefined =>
    text === undefined ? undefined : shorten(text, max);
  const gate = state.lastGate;
  const count = (value: number): number => Math.min(value, MAX_SAVED_COUNT);
  return {
    ...state,
    runs: count(state.runs),
    iterations: count(state.iterations),
    turns: count(state.turns),
    costUsd: Math.min(state.costUsd, MAX_SAVED_COST_USD),
    prompt: shorten(state.prompt, MAX_SAVED_TEXT),
    reason: shorten(state.reason, MAX_SAVED_TEXT),
    checkReport: bound(state.checkReport),
    breaker: {
      runsWithoutChanges: count(state.breaker.runsWithoutChanges),
      sameErrorCount: count(state.breaker.sameErrorCount),
      lastError: bound(state.breaker.lastError, MAX_SAVED_BLOCKER),
    },
    lastGate: gate && {
      ready: gate.ready,
      reason: bound(gate.reason, MAX_SAVED_BLOCKER),
      progress: bound(gate.progress, MAX_SAVED_BLOCKER),
      blockers: gate.blockers?.slice(0, MAX_SAVED_BLOCKERS).map((blocker) => shorten(blocker, MAX_SAVED_BLOCKER)),
      extra: {},
    },
  };
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 64 * 1024;

/** A session id the CLI made: a UUID. Anything else would be a path or a flag smuggled into `--resume`. */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

export type ParsedState = { state: LoopState } | { problem: string };

/** Reads a saved state, checking every field: a state that is not exactly ours is a problem, never a crash. */
export function parseLoopState(text: string): ParsedState {
  const parsed = parseVersioned(text);
  if ('problem' in parsed) return parsed;
  const { value } = parsed;
  // A field that is not what it should be is a problem; the state built from it is then never returned.
  const problems: string[] = [];
  const read = fieldReader(problems);
  const { sessionId, status, breaker, lastError, lastGate, resetsAt } = checkedFields(value, read, problems);
  const state: LoopState = {
    version: LOOP_STATE_VERSION,
    repository: read.text(value, 'repository')!,
    workingDirectory: read.text(value, 'workingDirectory')!,
    prompt: read.text(value, 'prompt')!,
    sessionId,
    status: status as LoopState['status'],
    reason: read.text(value, 'reason')!,
    runs: read.count(value, 'runs'),
    iterations: read.count(value, 'iterations'),
    costUsd: value.costUsd as number,
    costKnown: value.costKnown as boolean,
    turns: read.count(value, 'turns'),
    breaker: {
      runsWithoutChanges: read.count(breaker, 'runsWithoutChanges'),
      sameErrorCount: read.count(breaker, 'sameErrorCount'),
      lastError: typeof lastError === 'string' ? lastError : undefined,
    },
    lastGate,
    checkReport: read.text(value, 'checkReport', true),
    savedAt: read.text(value, 'savedAt')!,
    ...(resetsAt !== undefined ? { resetsAt } : {}),
  };
  if (problems.length > 0) return { problem: problems.join(', ') };
  return { state };
}

/** A JSON object of this version of the state, or what keeps it from being one. */
function parseVersioned(text: string): { value: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `it is not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { problem: 'it is not a JSON object' };
  if (value.version !== LOOP_STATE_VERSION) {
    return { problem: `its version is ${JSON.stringify(value.version)}, not ${LOOP_STATE_VERSION}` };
  }
  return { value };
}

interface FieldReader {
  text(record: Record<string, unknown>, name: string, optional?: boolean): string | undefined;
  count(record: Record<string, unknown>, name: string): number;
}

/** Reads text and count fields, adding a problem for each that is not one. */
function fieldReader(problems: string[]): FieldReader {
  return {
    text(record, name, optional = false) {
      const field = record[name];
      if (optional && (field === undefined || field === null)) return undefined;
      if (typeof field !== 'string' || field.length > MAX_TEXT) problems.push(`'${name}' is not a string`);
      return field as string;
    },
    count(record, name) {
      const field = record[name];
      if (!Number.isSafeInteger(field) || (field as number) < 0 || (field as number) > MAX_SAVED_COUNT) {
        problems.push(`'${name}' is not a whole number from 0 to ${MAX_SAVED_COUNT}`);
      }
      return field as number;
    },
  };
}

/** The fields that need more than a type check, checked in the order their problems are told. */
function checkedFields(value: Record<string, unknown>, read: FieldReader, problems: string[]) {
  const sessionId = read.text(value, 'sessionId')!;
  if (!isSessionId(sessionId)) problems.push("'sessionId' is not a session id");
  const status = read.text(value, 'status')!;
  if (status !== 'running' && !isStatus(status)) problems.push(`'status' is not a status`);
  const costUsd = value.costUsd;
  if (!Number.isFinite(costUsd) || (costUsd as number) < 0 || (costUsd as number) > MAX_SAVED_COST_USD) {
    problems.push(`'costUsd' is not a number of dollars from 0 to ${MAX_SAVED_COST_USD}`);
  }
  if (typeof value.costKnown !== 'boolean') problems.push("'costKnown' is not true or false");
  const breaker = isObject(value.breaker) ? value.breaker : {};
  if (!isObject(value.breaker)) problems.push("'breaker' is not an object");
  const lastError = breaker.lastError;
  if (lastError !== undefined && lastError !== null && typeof lastError !== 'string') {
    problems.push("'breaker.lastError' is not a string");
  }
  const lastGate = parseGate(value.lastGate, problems);
  const resetsAt = read.text(value, 'resetsAt', true);
  if (resetsAt !== undefined && !Number.isFinite(Date.parse(resetsAt))) problems.push("'resetsAt' is not a time");
  return { sessionId, status, breaker, lastError, lastGate, resetsAt };
}

function parseGate(value: unknown, problems: string[]): Gate | undefined {
  if (value === undefined || value === null) return undefined;
  const optionalText = (field: unknown): boolean => field === undefined || typeof field === 'string';
  const ok =
    isObject(value) &&
    typeof value.ready === 'boolean' &&
    optionalText(value.reason) &&
    optionalText(value.progress) &&
    (value.blockers === undefined ||
      (Array.isArray(value.blockers) && value.blockers.every((blocker) => typeof blocker === 'string')));
  if (!ok) {
    problems.push("'lastGate' is not a completion gate");
    return undefined;
  }
  // Keys the protocol does not define are not carried over: nothing reads them from a saved state.
  return {
    ready: value.ready as boolean,
    reason: value.reason as string | undefined,
    progress: value.progress as string | undefined,
    blockers: value.blockers as string[] | undefined,
    extra: {},
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ResumeDecision = { resume: true; state: LoopState } | { resume: false; why: string; warn: boolean };

/** Continue a saved loop of this repository and directory that has not completed; anything else starts anew. */
export function resumeDecision(parsed: ParsedState | undefined, identity: LoopIdentity): ResumeDecision {
  if (parsed === undefined) return { resume: false, why: 'no saved state: starting a new loop', warn: false };
  if ('problem' in parsed) {
    return { resume: false, why: `the saved state is not usable (${parsed.problem}): starting a new loop`, warn: true };
  }
  const { state } = parsed;
  if (state.repository !== identity.repository) {
    return {
      resume: false,
      why: `the saved state belongs to another repository (${state.repository}): starting a new loop`,
      warn: true,
    };
  }
  if (state.workingDirectory !== identity.workingDirectory) {
    return {
      resume: false,
      why: `the saved state belongs to another working directory (${state.workingDirectory}): starting a new loop`,
      warn: true,
    };
  }
  if (state.status === 'completed') {
    return { resume: false, why: 'the saved loop completed: starting a new loop', warn: false };
  }
  return { resume: true, state };
}

/**
 * The saved loop of this repository and directory when a usage limit paused it and its reset is still to come: the
 * run then ends at once, without starting Claude. Undefined otherwise (the loop goes on as `resumeDecision` says).
 */
export function pausedByUsageLimit(
  parsed: ParsedState | undefined,
  identity: LoopIdentity,
  now: number,
): { state: LoopState; resetsAt: number } | undefined {
  if (parsed === undefined || 'problem' in parsed) return undefined;
  const { state } = parsed;
  if (state.repository !== identity.repository || state.workingDirectory !== identity.workingDirectory)
    return undefined;
  if (state.status !== 'usage_limited' || state.resetsAt === undefined) return undefined;
  const resetsAt = Date.parse(state.resetsAt);
  return resetsAt > now ? { state, resetsAt } : undefined;
}

/**
 * The first prompt of a continued loop: the continuation prompt, preceded by this run's prompt when it is not the
 * task the loop started with (a maintainer's "/continue: fix the error messages first"), then this run's facts, then
 * what the last failed check said.
 */
export function resumePrompt(
  state: LoopState,
  prompt: string,
  continuationPrompt: string,
  checkCommand: string,
): string {
  // The saved task is shortened as it was written.
  const parts = shorten(prompt, MAX_SAVED_TEXT).trim() === state.prompt.trim() ? [] : [prompt];
  parts.push(continuationPrompt, runFacts(checkCommand));
  if (state.checkReport) parts.push(state.checkReport);
  return parts.join('\n\n');
}

/**
 * What this run decides and the resumed conversation may say otherwise: an earlier run can have had another check
 * command (the system prompt of this run says the same; the conversation is older than it).
 */
export function runFacts(checkCommand: string): string {
  const check = checkCommand
    ? `When you say ready: true, the loop runs this check command in the working directory, and the task is complete only when it passes: ${checkCommand}`
    : 'No check command runs in this run: ready: true alone completes the task.';
  return (
    `This is a new run of the loop; what it checks may differ from earlier runs. ${check}\n` +
    `End your reply with the ${GATE_START} block, as the system prompt describes.`
  );
}
