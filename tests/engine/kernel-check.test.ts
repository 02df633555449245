// ErrorTracker decides whether a kernel case passes in Node and in Chromium: `maxError ≤ tolerance`
// must hold exactly when every value compared was within its own allowance.
import { describe, expect, it } from 'vitest';
import { ErrorTracker } from '../helpers/engine-kernel-check.ts';

const passes = (t: ErrorTracker) => {
  const r = t.result('case');
  return r.maxError <= r.tolerance;
};

describe('ErrorTracker', () => {
  it('reports the value closest to its allowance, not the largest error', () => {
    const t = new ErrorTracker('2 values');
    t.compare(10.5, 10, 1, 'big'); // half its allowance
    t.compare(0.009, 0, 0.01, 'small'); // 90% of it
    expect(t.result('case')).toEqual({
      name: 'case',
      maxError: 0.009,
      tolerance: 0.01,
      details: '2 values; 2 values compared, worst small',
    });
  });

  it('fails when any one value exceeds its allowance, even if a larger error was allowed elsewhere', () => {
    const t = new ErrorTracker('');
    t.compare(10.5, 10, 1, 'big');
    t.compare(0.02, 0, 0.01, 'small');
    expect(passes(t)).toBe(false);
    expect(t.result('case').details).toContain('worst small');
  });

  it('fails on NaN, in either operand', () => {
    for (const [got, want] of [
      [NaN, 1],
      [1, NaN],
    ]) {
      const t = new ErrorTracker('');
      t.compare(got, want, 1e9, 'nan');
      expect(passes(t)).toBe(false);
    }
  });

  it('with allowance 0 demands the same number: 0 ≠ −0, NaN = NaN', () => {
    const cases: [number, number, boolean][] = [
      [3, 3, true],
      [3, 3.0000001, false],
      [0, -0, false],
      [NaN, NaN, true],
    ];
    for (const [got, want, same] of cases) {
      const t = new ErrorTracker('');
      t.compare(got, want, 0, 'exact');
      expect(passes(t), `${got} vs ${want}`).toBe(same);
    }
  });

  it('fails a case that compared nothing', () => {
    expect(passes(new ErrorTracker('empty'))).toBe(false);
    expect(new ErrorTracker('empty').result('case').details).toContain('no values compared');
  });
});
