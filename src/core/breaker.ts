/**
 * The circuit breaker: decides when a loop that has not completed is going nowhere. Pure; its rules in this order:
 * the iteration cap first, then runs without file changes, then the same error repeated. The loop checks the gate
 * before it records an iteration, so `ready: true` on the last allowed iteration completes.
 */

export interface BreakerLimits {
  maxIterations: number;
  noChangeThreshold: number;
  sameErrorThreshold: number;
}

export type TripCause = 'max_iterations' | 'no_changes' | 'same_error';

/** The counts that carry over into a later run of the same loop (the iteration cap is per run). */
export interface BreakerCounters {
  runsWithoutChanges: number;
  sameErrorCount: number;
  lastError: string | undefined;
}

/**
 * A same-error threshold of N stops at the N-th consecutive iteration that reports the same error; N = 1 stops at
 * the first iteration that reports any error. A blank error is no error.
 */
export class CircuitBreaker {
  iterationCount = 0;
  runsWithoutChanges = 0;
  sameErrorCount = 0;
  lastError: string | undefined;
  /** Set once the breaker has opened; it stays open. */
  trip: { cause: TripCause; reason: string } | undefined;

  /** @param carried the counts a continued loop ended its last run with */
  constructor(
    readonly limits: BreakerLimits,
    carried?: BreakerCounters,
  ) {
    if (carried) {
      this.runsWithoutChanges = carried.runsWithoutChanges;
      this.sameErrorCount = carried.sameErrorCount;
      this.lastError = carried.lastError;
    }
  }

  get counters(): BreakerCounters {
    return {
      runsWithoutChanges: this.runsWithoutChanges,
      sameErrorCount: this.sameErrorCount,
      lastError: this.lastError,
    };
  }

  get isOpen(): boolean {
    return this.trip !== undefined;
  }

  /** Records one finished iteration; returns true while the loop may go on. */
  recordIteration(hadChanges: boolean, error: string | undefined): boolean {
    this.iterationCount += 1;

    if (this.iterationCount >= this.limits.maxIterations) {
      return this.open('max_iterations', `Maximum iterations (${this.limits.maxIterations}) reached`);
    }

    if (hadChanges) {
      this.runsWithoutChanges = 0;
    } else {
      this.runsWithoutChanges += 1;
      if (this.runsWithoutChanges >= this.limits.noChangeThreshold) {
        return this.open('no_changes', `No file changes for ${this.runsWithoutChanges} consecutive runs`);
      }
    }

    // A blank error is no error: it must not count as the same error repeated.
    const reported = error !== undefined && error.trim() !== '' ? error : undefined;
    if (reported === undefined) {
      this.lastError = undefined;
      this.sameErrorCount = 0;
      return true;
    }
    this.sameErrorCount = reported === this.lastError ? this.sameErrorCount + 1 : 1;
    this.lastError = reported;
    // Checked on the first occurrence too: a threshold of 1 stops at the first error, not at the first repeat.
    if (this.sameErrorCount >= this.limits.sameErrorThreshold) {
      return this.open('same_error', sameErrorReason(this.sameErrorCount, reported));
    }
    return true;
  }

  private open(cause: TripCause, reason: string): false {
    this.trip = { cause, reason };
    return false;
  }
}

function sameErrorReason(count: number, error: string): string {
  if (count === 1) return `Error reported, and same-error-threshold is 1: ${error}`;
  return `Same error repeated ${count} times: ${error}`;
}
