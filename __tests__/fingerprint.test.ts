/** When two fingerprints of the work tree are the same: commit, tree, and every nested repository's alike. */
import { describe, expect, it } from 'vitest';
import { sameFingerprint, type WorkTreeFingerprint } from '../src/core/fingerprint.js';

const print = (head: string, tree: string, nested?: Record<string, WorkTreeFingerprint>): WorkTreeFingerprint =>
  nested ? { head, tree, nested } : { head, tree };

describe('sameFingerprint', () => {
  it('holds for the same commit and tree, and for none and no nested repositories alike', () => {
    expect(sameFingerprint(print('c1', 't1'), print('c1', 't1'))).toBe(true);
    expect(sameFingerprint(print('', 't1'), print('', 't1'))).toBe(true);
    expect(sameFingerprint(print('c1', 't1', {}), print('c1', 't1'))).toBe(true);
    expect(sameFingerprint(print('c1', 't1'), print('c1', 't1', {}))).toBe(true);
  });

  it('fails for another commit or another tree', () => {
    expect(sameFingerprint(print('c1', 't1'), print('c2', 't1'))).toBe(false);
    expect(sameFingerprint(print('c1', 't1'), print('c1', 't2'))).toBe(false);
    expect(sameFingerprint(print('', 't1'), print('c1', 't1'))).toBe(false);
  });

  it('compares the nested repositories by path, at any depth', () => {
    const inner = (tree: string) => ({ 'vendor/lib': print('n1', tree) });
    expect(sameFingerprint(print('c', 't', inner('x')), print('c', 't', inner('x')))).toBe(true);
    expect(sameFingerprint(print('c', 't', inner('x')), print('c', 't', inner('y')))).toBe(false);
    expect(sameFingerprint(print('c', 't', inner('x')), print('c', 't'))).toBe(false);
    expect(sameFingerprint(print('c', 't'), print('c', 't', inner('x')))).toBe(false);
    // The same repository under another path is another repository.
    expect(sameFingerprint(print('c', 't', inner('x')), print('c', 't', { 'vendor/other': print('n1', 'x') }))).toBe(
      false,
    );
    // Both have one nested repository more than the other has.
    const two = { a: print('n', 'x'), b: print('n', 'x') };
    expect(sameFingerprint(print('c', 't', two), print('c', 't', { a: print('n', 'x') }))).toBe(false);
    expect(sameFingerprint(print('c', 't', { a: print('n', 'x') }), print('c', 't', two))).toBe(false);
    expect(sameFingerprint(print('c', 't', two), print('c', 't', { b: print('n', 'x'), a: print('n', 'x') }))).toBe(
      true,
    );
    // One of two differs.
    expect(sameFingerprint(print('c', 't', two), print('c', 't', { a: print('n', 'x'), b: print('m', 'x') }))).toBe(
      false,
    );
    const deep = (tree: string) => ({ a: print('n', 'x', { 'a/b': print('d', tree) }) });
    expect(sameFingerprint(print('c', 't', deep('1')), print('c', 't', deep('1')))).toBe(true);
    expect(sameFingerprint(print('c', 't', deep('1')), print('c', 't', deep('2')))).toBe(false);
  });
});
