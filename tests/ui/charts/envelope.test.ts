import { line } from 'd3';
import { describe, expect, it } from 'vitest';
import { columnEnvelope, envelopePath, meanCos, rotationColumnMeans } from '../../../src/ui/charts/envelope.ts';

/** The y values a path visits within pixel column c (points with c ≤ x ≤ c + 1). */
function yRangeInColumn(d: string, c: number): [number, number] {
  const points = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const ys = points.filter(([x]) => x >= c - 1e-9 && x <= c + 1 + 1e-9).map(([, y]) => y);
  return [Math.min(...ys), Math.max(...ys)];
}

describe('columnEnvelope', () => {
  // sin(2.1·x) at 200,000 points on [0, 200000): about 67,000 periods across 100 columns
  const xs = Float64Array.from({ length: 200_000 }, (_, n) => n);
  const ys = xs.map((x) => Math.sin(2.1 * x));
  const columns = 100;
  const columnOf = (x: number) => (x / 200_000) * columns;
  const env = columnEnvelope(xs, ys, columnOf, columns);

  it('holds every sample inside its column range', () => {
    const outside = Array.from(xs).filter((x, n) => {
      const c = Math.floor(columnOf(x));
      return !(ys[n] >= env.min[c] && ys[n] <= env.max[c]);
    });
    expect(outside).toEqual([]);
    // each column sees many periods, so its range is the whole of [−1, 1]
    for (let c = 0; c < columns; c++) {
      expect(env.min[c]).toBeLessThan(-0.999);
      expect(env.max[c]).toBeGreaterThan(0.999);
    }
  });

  it('draws a band that covers the true range, where point samples would draw noise', () => {
    const y = (v: number) => 100 - 50 * v; // +1 → 50 px, −1 → 150 px
    const band = envelopePath(env, y);
    for (let c = 0; c < columns; c++) {
      const [top, bottom] = yRangeInColumn(band, c);
      expect(top).toBeLessThanOrEqual(y(0.999));
      expect(bottom).toBeGreaterThanOrEqual(y(-0.999));
    }
    // the same curve through one sample per column (what a 100-point grid draws): within a column it only
    // spans the step to the next sample, and in most columns that misses one end of [−1, 1]
    const samples = Array.from({ length: columns }, (_, c) => [c + 0.5, Math.sin(2.1 * c * 2000)] as [number, number]);
    const pointSampled = line<[number, number]>()
      .x((p) => p[0])
      .y((p) => y(p[1]))(samples)!;
    const missed = Array.from({ length: columns - 1 }, (_, c) => yRangeInColumn(pointSampled, c + 0.5)).filter(
      ([top, bottom]) => top > y(0.9) || bottom < y(-0.9),
    );
    expect(missed.length).toBeGreaterThan(columns / 2);
  });

  it('skips empty columns, non-finite values and samples outside the plot', () => {
    const e = columnEnvelope([0.5, 1.5, 1.7, 3.5, 9], [1, 2, NaN, -1, 5], (x) => x, 4);
    expect(Array.from(e.min)).toEqual([1, 2, NaN, -1]);
    expect(Array.from(e.max)).toEqual([1, 2, NaN, -1]);
    // two runs of filled columns: two closed polygons
    expect(envelopePath(e, (v) => v).match(/Z/g)).toHaveLength(2);
  });
});

describe('rotationColumnMeans', () => {
  it('is the average of densely sampled cos(Δθ) over each column, never a single sample', () => {
    const theta = [1, 0.01, 1e-6];
    const edges = [0, 1000, 2000, 3000];
    const means = rotationColumnMeans(theta, theta.length, edges);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < theta.length; i++) {
        const samples = Array.from({ length: 100_001 }, (_, k) => Math.cos(theta[i] * (edges[c] + (k / 100_000) * 1000)));
        const average = samples.reduce((s, v) => s + v, 0) / samples.length;
        expect(means[c * theta.length + i]).toBeCloseTo(average, 3);
      }
    }
    // the fast pair turns ~160 times per column: its mean is near 0, where a point sample is anywhere in [−1, 1]
    expect(Math.abs(means[0])).toBeLessThan(0.01);
    expect(Math.cos(1 * 1000)).toBeGreaterThan(0.5);
    // the slow pair does not turn: the mean is cos itself
    expect(means[2]).toBeCloseTo(1, 6);
  });

  it('meanCos is finite for an empty interval', () => {
    expect(meanCos(0.5, 10, 10)).toBeCloseTo(Math.cos(5), 12);
  });
});
