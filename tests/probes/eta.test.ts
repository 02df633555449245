import { describe, expect, it } from 'vitest';
import { EMPTY_TRACK, estimateTimeLeft, formatTimeLeft, trackProgress, type ProgressSample } from '../../src/probes/eta.ts';

const track = (samples: ProgressSample[]) => samples.reduce(trackProgress, EMPTY_TRACK);

describe('time left from the measured speed', () => {
  it('says nothing until the warm-up unit and two more have finished', () => {
    expect(estimateTimeLeft(track([{ at: 0, done: 0 }]), 10, 100)).toBeNull();
    expect(
      estimateTimeLeft(
        track([
          { at: 0, done: 0 },
          { at: 5000, done: 1 },
        ]),
        10,
        5000,
      ),
    ).toBeNull();
    expect(
      estimateTimeLeft(
        track([
          { at: 5000, done: 1 },
          { at: 6000, done: 2 },
        ]),
        10,
        6000,
      ),
    ).toBeNull();
  });

  it('measures from the end of the slow first unit, not from the start', () => {
    // the first unit takes 5 s (kernels, text), then 1 s per unit: 7 units left take 7 s
    const t = track([
      { at: 0, done: 0 },
      { at: 5000, done: 1 },
      { at: 6000, done: 2 },
      { at: 7000, done: 3 },
    ]);
    expect(estimateTimeLeft(t, 10, 7000)).toBe(7000);
  });

  it('times units by their ends: a report that a unit starts does not stretch the last one', () => {
    const t = track([
      { at: 1000, done: 1 },
      { at: 2000, done: 2 },
      { at: 3000, done: 3 },
      { at: 3001, done: 3 },
      { at: 3900, done: 3 },
    ]);
    expect(t.last).toEqual({ at: 3000, done: 3 });
    expect(estimateTimeLeft(t, 5, 3000)).toBe(2000);
  });

  it('counts down between reports and never goes below zero', () => {
    const t = track([
      { at: 1000, done: 1 },
      { at: 3000, done: 3 },
    ]);
    expect(estimateTimeLeft(t, 5, 3000)).toBe(2000);
    expect(estimateTimeLeft(t, 5, 4500)).toBe(500);
    expect(estimateTimeLeft(t, 5, 9000)).toBe(0);
  });

  it('follows a change of speed through the latest report', () => {
    const t = track([
      { at: 1000, done: 1 },
      { at: 3000, done: 3 },
      { at: 11_000, done: 5 },
    ]);
    expect(estimateTimeLeft(t, 10, 11_000)).toBe(5 * 2500); // 10 s over 4 units
  });

  it('reads as a rounded duration', () => {
    expect(formatTimeLeft(null)).toBe('estimating…');
    expect(formatTimeLeft(2000)).toBe('a few seconds left');
    expect(formatTimeLeft(42_000)).toBe('about 40 s left');
    expect(formatTimeLeft(185_000)).toBe('about 3 min left');
    expect(formatTimeLeft(3_900_000)).toBe('about 1 h 5 min left');
  });
});
