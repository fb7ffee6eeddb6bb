import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/core/breaker.js';

const breaker = (noChangeThreshold: number, sameErrorThreshold: number, maxIterations: number): CircuitBreaker =>
  new CircuitBreaker({ noChangeThreshold, sameErrorThreshold, maxIterations });

describe('CircuitBreaker: the seed tests', () => {
  it('trips at max iterations', () => {
    const cb = breaker(3, 5, 5);
    for (let i = 0; i < 4; i++) expect(cb.recordIteration(true, undefined)).toBe(true);
    expect(cb.recordIteration(true, undefined)).toBe(false);
    expect(cb.isOpen).toBe(true);
    expect(cb.trip).toEqual({ cause: 'max_iterations', reason: 'Maximum iterations (5) reached' });
  });

  it('trips after N runs without changes', () => {
    const cb = breaker(3, 5, 10);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.recordIteration(false, undefined)).toBe(false);
    expect(cb.trip).toEqual({ cause: 'no_changes', reason: 'No file changes for 3 consecutive runs' });
  });

  it('trips after N same errors', () => {
    const cb = breaker(10, 3, 10);
    expect(cb.recordIteration(true, 'Test failed')).toBe(true);
    expect(cb.recordIteration(true, 'Test failed')).toBe(true);
    expect(cb.recordIteration(true, 'Test failed')).toBe(false);
    expect(cb.trip).toEqual({ cause: 'same_error', reason: 'Same error repeated 3 times: Test failed' });
  });

  it('does not trip on different errors', () => {
    const cb = breaker(10, 3, 10);
    expect(cb.recordIteration(true, 'error 1')).toBe(true);
    expect(cb.recordIteration(true, 'error 2')).toBe(true);
    expect(cb.recordIteration(true, 'error 3')).toBe(true);
    expect(cb.isOpen).toBe(false);
  });

  it('resets the no-change count on a change', () => {
    const cb = breaker(3, 5, 10);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.recordIteration(true, undefined)).toBe(true);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.recordIteration(false, undefined)).toBe(true);
    expect(cb.isOpen).toBe(false);
  });
});

describe('CircuitBreaker: order and resets', () => {
  it('checks max iterations before no-change', () => {
    const cb = breaker(2, 5, 2);
    cb.recordIteration(false, undefined);
    expect(cb.recordIteration(false, undefined)).toBe(false);
    expect(cb.trip?.cause).toBe('max_iterations');
  });

  it('checks no-change before the same error', () => {
    const cb = breaker(2, 2, 10);
    cb.recordIteration(false, 'e');
    expect(cb.recordIteration(false, 'e')).toBe(false);
    expect(cb.trip?.cause).toBe('no_changes');
  });

  it('an iteration without error resets the same-error count', () => {
    const cb = breaker(10, 2, 10);
    cb.recordIteration(true, 'e');
    cb.recordIteration(true, undefined);
    expect(cb.recordIteration(true, 'e')).toBe(true);
    expect(cb.recordIteration(true, 'e')).toBe(false);
    expect(cb.trip?.reason).toBe('Same error repeated 2 times: e');
  });

  it('a different error starts counting again at 1', () => {
    const cb = breaker(10, 3, 10);
    cb.recordIteration(true, 'a');
    cb.recordIteration(true, 'a');
    cb.recordIteration(true, 'b');
    expect(cb.sameErrorCount).toBe(1);
    expect(cb.recordIteration(true, 'b')).toBe(true);
    expect(cb.recordIteration(true, 'b')).toBe(false);
  });

  it('a limit of 1 stops after the first iteration', () => {
    expect(breaker(3, 5, 1).recordIteration(true, undefined)).toBe(false);
  });
});

describe('CircuitBreaker: same-error-threshold N stops at the N-th consecutive iteration with that error', () => {
  it('1 stops at the first iteration that reports an error', () => {
    const cb = breaker(10, 1, 10);
    expect(cb.recordIteration(true, undefined)).toBe(true);
    expect(cb.recordIteration(true, 'CI red')).toBe(false);
    expect(cb.trip).toEqual({ cause: 'same_error', reason: 'Error reported, and same-error-threshold is 1: CI red' });
  });

  it('N from 1 to 5 stops at exactly the N-th iteration in a row', () => {
    for (let threshold = 1; threshold <= 5; threshold++) {
      const cb = breaker(10, threshold, 10);
      for (let i = 1; i < threshold; i++) expect(cb.recordIteration(true, 'e'), `${threshold}: ${i}`).toBe(true);
      expect(cb.recordIteration(true, 'e'), `${threshold}`).toBe(false);
      expect(cb.trip?.cause).toBe('same_error');
    }
  });

  it('2 does not stop at the first iteration, and restarts after a different error', () => {
    const cb = breaker(10, 2, 10);
    expect(cb.recordIteration(true, 'a')).toBe(true);
    expect(cb.recordIteration(true, 'b')).toBe(true);
    expect(cb.recordIteration(true, 'b')).toBe(false);
    expect(cb.trip?.reason).toBe('Same error repeated 2 times: b');
  });

  it('an empty or whitespace-only error is no error', () => {
    const cb = breaker(10, 2, 10);
    for (const error of ['', '', '  ', '\n\t', ''])
      expect(cb.recordIteration(true, error), JSON.stringify(error)).toBe(true);
    expect(breaker(10, 1, 10).recordIteration(true, ' ')).toBe(true);
  });

  it('an empty error between two same errors resets the count', () => {
    const cb = breaker(10, 2, 10);
    cb.recordIteration(true, 'e');
    cb.recordIteration(true, '');
    expect(cb.recordIteration(true, 'e')).toBe(true);
  });
});
