// Per-pixel-column min/max envelopes. A curve that oscillates faster than the pixel grid (the decay
// measures on a linear axis to 1M tokens) drawn through one sample per column shows whatever phase each
// sample happened to hit: structure that is not there. Reducing many samples per column to their range
// and drawing that band shows only what the samples say. Pure: no React, no DOM.

export interface ColumnEnvelope {
  /** Per column: the smallest and largest sample; NaN where no finite sample falls in the column. */
  min: Float64Array;
  max: Float64Array;
}

/**
 * Reduces samples (xs[n], ys[n]) to the range of ys in each of `columns` columns; `columnOf(x)` gives a
 * sample's column as a real number (its pixel x), floored here. Samples outside [0, columns) and
 * non-finite ys are skipped.
 */
export function columnEnvelope(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  columnOf: (x: number) => number,
  columns: number,
): ColumnEnvelope {
  if (xs.length !== ys.length) throw new RangeError(`xs (${xs.length}) and ys (${ys.length}) differ in length`);
  const count = Math.max(0, Math.floor(columns));
  const min = new Float64Array(count).fill(NaN);
  const max = new Float64Array(count).fill(NaN);
  for (let n = 0; n < xs.length; n++) {
    const y = ys[n];
    if (!Number.isFinite(y)) continue;
    const c = Math.floor(columnOf(xs[n]));
    if (!(c >= 0 && c < count)) continue;
    if (!(min[c] <= y)) min[c] = y;
    if (!(max[c] >= y)) max[c] = y;
  }
  return { min, max };
}

/**
 * SVG path of the band between the column minima and maxima: one closed polygon per run of filled
 * columns, each column spanning [c, c + 1) in pixels. `y` maps a value to its pixel row. A band one value
 * thick is a line, so a smooth curve still draws as a curve (stroke the path as well as filling it).
 */
export function envelopePath(envelope: ColumnEnvelope, y: (value: number) => number): string {
  const { min, max } = envelope;
  const parts: string[] = [];
  const r = (v: number) => Math.round(v * 100) / 100;
  let start = -1;
  const close = (end: number) => {
    const points: string[] = [];
    for (let c = start; c < end; c++) points.push(`${c},${r(y(max[c]))}`, `${c + 1},${r(y(max[c]))}`);
    for (let c = end - 1; c >= start; c--) points.push(`${c + 1},${r(y(min[c]))}`, `${c},${r(y(min[c]))}`);
    parts.push(`M${points.join('L')}Z`);
  };
  for (let c = 0; c <= min.length; c++) {
    const filled = c < min.length && Number.isFinite(min[c]);
    if (filled && start < 0) start = c;
    if (!filled && start >= 0) {
      close(c);
      start = -1;
    }
  }
  return parts.join('');
}

/**
 * Mean of cos(θΔ) over Δ ∈ [a, b], exactly: (sin θb − sin θa) / (θ(b − a)). A heat-map cell covering a
 * stretch of distances shows this mean (a box filter) instead of cos at one sample, so a pair that turns
 * many times within one pixel column fades to 0 rather than drawing moiré bands.
 */
export function meanCos(theta: number, a: number, b: number): number {
  const span = theta * (b - a);
  // below ~1e-4 rad the quotient loses digits; cos at the middle is then exact to 1e-9
  if (Math.abs(span) < 1e-4) return Math.cos((theta * (a + b)) / 2);
  return (Math.sin(theta * b) - Math.sin(theta * a)) / span;
}

/**
 * Row-major (columns × pairs) means of cos(Δθᵢ) over each column's distances [edges[c], edges[c + 1]]:
 * the heat map of the rotation view, one value per pixel column and pair.
 */
export function rotationColumnMeans(theta: ArrayLike<number>, pairs: number, edges: ArrayLike<number>): Float32Array {
  const columns = edges.length - 1;
  const out = new Float32Array(Math.max(0, columns) * pairs);
  for (let c = 0; c < columns; c++) {
    for (let i = 0; i < pairs; i++) out[c * pairs + i] = meanCos(theta[i], edges[c], edges[c + 1]);
  }
  return out;
}
