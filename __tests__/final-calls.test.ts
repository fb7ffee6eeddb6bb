import { describe, expect, it } from 'vitest';
import {
  CANCELLED_FINAL_CALLS_MS,
  finalCallsBudgetMs,
  MAX_FINAL_CALLS_MS,
  MIN_FINAL_CALLS_MS,
} from '../src/actions/final-calls.js';

describe('finalCallsBudgetMs', () => {
  const now = 1_000_000;
  it('is capped without a time limit', () => {
    expect(finalCallsBudgetMs(now, undefined, false)).toBe(MAX_FINAL_CALLS_MS);
  });
  it('ends at the time limit when one is near', () => {
    expect(finalCallsBudgetMs(now, now + 12_000, false)).toBe(12_000);
    expect(finalCallsBudgetMs(now, now + 3_600_000, false)).toBe(MAX_FINAL_CALLS_MS);
  });
  it('leaves a loop stopped by its time limit a few seconds to report', () => {
    expect(finalCallsBudgetMs(now, now - 500, false)).toBe(MIN_FINAL_CALLS_MS);
  });
  it('is short after a cancellation, whatever the time limit', () => {
    expect(finalCallsBudgetMs(now, undefined, true)).toBe(CANCELLED_FINAL_CALLS_MS);
    expect(finalCallsBudgetMs(now, now + 60_000, true)).toBe(CANCELLED_FINAL_CALLS_MS);
  });
});
