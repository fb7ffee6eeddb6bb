/**
 * The loop's rules and nothing else. Everything with side effects (running the CLI, looking at the work tree,
 * waiting, logging) comes in as `LoopDeps`, so tests drive the rules with scripted fakes.
 */
import { CircuitBreaker, type TripCause } from './breaker.js';
import type { ProcessOutcome } from './claude-process.js';
import { iterationFailure, retryDelayMs, type IterationFailure } from './failure.js';
import type { Gate } from './gate.js';
import type { LoopConfig } from './inputs.js';
import type { IterationRecord, LoopOutcome, LoopStatus } from './outcome.js';
import { sameFingerprint, type WorkTreeFingerprint } from './workspace.js';

export interface IterationRequest {
  /** 1-based iteration number. */
  number: number;
  /** 1 for the first run of the iteration, 2.. for retries after transient API errors. */
  attempt: number;
  prompt: string;
  resumeSessionId: string | undefined;
  continueLastSession: boolean;
  /** What is left of the iteration timeout: retries and their waits count against it too. */
  timeoutMs: number;
}

export interface LoopLog {
  startIteration(number: number, maxIterations: number): void;
  endIteration(record: IterationRecord, verdict: string): void;
  warning(message: string): void;
}

export interface LoopDeps {
  runIteration(request: IterationRequest): Promise<ProcessOutcome>;
  fingerprint(): Promise<WorkTreeFingerprint>;
  countChangedFiles(from: WorkTreeFingerprint, to: WorkTreeFingerprint): Promise<number>;
  /** Resolves early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  log: LoopLog;
  /** Read when the loop ends: '' if the transcript could not be written. */
  transcriptFile(): string;
}

export type LoopSettings = Pick<
  LoopConfig,
  | 'prompt'
  | 'continuationPrompt'
  | 'maxIterations'
  | 'noChangeThreshold'
  | 'sameErrorThreshold'
  | 'maxBudgetUsd'
  | 'iterationTimeoutMs'
  | 'apiRetries'
  | 'anthropicApiKey'
  | 'claudeCodeOauthToken'
>;

const STATUS_OF_TRIP: Record<TripCause, LoopStatus> = {
  max_iterations: 'iteration_limit_reached',
  no_changes: 'no_progress',
  same_error: 'repeated_error',
};

export async function runLoop(settings: LoopSettings, deps: LoopDeps, signal: AbortSignal): Promise<LoopOutcome> {
  const breaker = new CircuitBreaker({
    maxIterations: settings.maxIterations,
    noChangeThreshold: settings.noChangeThreshold,
    sameErrorThreshold: settings.sameErrorThreshold,
  });
  const records: IterationRecord[] = [];
  const start = await deps.fingerprint();
  let current = start;
  let sessionId: string | undefined;
  let lastGate: Gate | undefined;
  let costUsd = 0;
  let turns = 0;

  const finish = async (status: LoopStatus, reason: string): Promise<LoopOutcome> => {
    const filesChanged = await deps.countChangedFiles(start, current).catch(() => 0);
    return {
      status,
      reason,
      iterations: records.length,
      maxIterations: settings.maxIterations,
      records,
      lastGate,
      sessionId: sessionId ?? '',
      costUsd,
      turns,
      filesChanged,
      transcriptFile: deps.transcriptFile(),
    };
  };
  const cancelledReason = (): string => `The job was cancelled during iteration ${records.length || 1}.`;

  for (let number = 1; ; number++) {
    if (signal.aborted) return finish('cancelled', cancelledReason());
    deps.log.startIteration(number, settings.maxIterations);
    const prompt = number === 1 ? settings.prompt : settings.continuationPrompt;

    let run: ProcessOutcome;
    let failure: IterationFailure | undefined;
    const retryNotes: string[] = [];
    /** CLI runs and the waits between retries: all of it counts against the iteration timeout. */
    let durationMs = 0;
    let iterationCost = 0;
    let iterationTurns = 0;
    let toolCalls = 0;
    for (let attempt = 1; ; attempt++) {
      run = await deps.runIteration({
        number,
        attempt,
        prompt,
        resumeSessionId: sessionId,
        continueLastSession: number > 1 && sessionId === undefined,
        timeoutMs: Math.max(1, settings.iterationTimeoutMs - durationMs),
      });
      sessionId = run.stream.sessionId ?? sessionId;
      durationMs += run.durationMs;
      iterationCost += run.stream.result?.costUsd ?? 0;
      iterationTurns += run.stream.result?.turns ?? 0;
      toolCalls += run.stream.toolCalls;
      if (run.stream.malformedLines > 0) {
        deps.log.warning(
          `Iteration ${number}: skipped ${run.stream.malformedLines} of ${run.stream.lines} lines of the CLI's output that were not JSON.`,
        );
      }
      failure = run.cancelled || run.timedOut ? undefined : iterationFailure(run, settings);
      if (failure?.kind !== 'transient' || attempt > settings.apiRetries || signal.aborted) break;
      const remainingMs = settings.iterationTimeoutMs - durationMs;
      const delay = retryDelayMs(failure, attempt, remainingMs);
      if (delay === undefined || delay >= remainingMs) {
        failure = {
          ...failure,
          message: `${failure.message} (no retry: it would not end within the iteration timeout)`,
        };
        break;
      }
      const note = `attempt ${attempt} failed: ${failure.message}; retried after ${Math.round(delay / 1000)} s`;
      retryNotes.push(note);
      deps.log.warning(`Iteration ${number}: transient API error, retry ${attempt} of ${settings.apiRetries}: ${note}`);
      await deps.sleep(delay, signal);
      durationMs += delay;
      if (signal.aborted) break;
    }
    costUsd += iterationCost;
    turns += iterationTurns;

    // On cancellation the runner kills everything seconds later: report with what is known instead of a git scan.
    const after = signal.aborted ? current : await deps.fingerprint();
    const changed = !sameFingerprint(current, after);
    current = after;
    const gate = run.stream.lastGate;
    if (gate) lastGate = gate;
    const record: IterationRecord = {
      number,
      durationMs,
      turns: iterationTurns,
      toolCalls,
      costUsd: iterationCost,
      changed,
      gate,
      retryNotes,
      subtype: run.stream.result?.subtype,
      error: failure?.message,
    };
    records.push(record);

    const stop = async (status: LoopStatus, reason: string): Promise<LoopOutcome> => {
      deps.log.endIteration(record, `${status}: ${reason}`);
      return finish(status, reason);
    };

    if (run.cancelled || signal.aborted) return stop('cancelled', cancelledReason());
    if (run.timedOut) {
      const minutes = +(settings.iterationTimeoutMs / 60_000).toFixed(3);
      return stop(
        'timed_out',
        `Iteration ${number} ran longer than 'iteration-timeout-minutes' (${minutes}) and was stopped.`,
      );
    }
    if (failure?.kind === 'budget') return stop('budget_exceeded', failure.message);
    if (failure) return stop('failed', failure.message);
    if (gate?.ready) return stop('completed', gate.reason || 'Claude reported the task complete.');
    if (!breaker.recordIteration(changed, gate?.blockers?.[0])) {
      const trip = breaker.trip!;
      return stop(STATUS_OF_TRIP[trip.cause], trip.reason);
    }
    if (settings.maxBudgetUsd !== undefined && costUsd >= settings.maxBudgetUsd) {
      return stop(
        'budget_exceeded',
        `The loop has cost $${costUsd.toFixed(4)}, reaching 'max-budget-usd' ($${settings.maxBudgetUsd}).`,
      );
    }
    deps.log.endIteration(
      record,
      gate ? `not ready: ${gate.reason || 'no reason given'}` : 'no COMPLETION_GATE, continuing',
    );
  }
}
