// The numbers behind the attention-over-distance chart, kept apart from the drawing so they can be
// checked: the mass by distance bucket averaged over one head or all heads (each head weighted
// equally), each bucket placed at its geometric middle, and the analytic decay of a RoPE config.
import { distanceBucketRange, headSummary, type AttentionStats } from '../../../probes/index.ts';
import { decayCurves, logSpacedDistances, type RopeConfig } from '../../../rope/index.ts';

export type HeadChoice = { layer: number; head: number } | 'all';

/** Mean mass per distance bucket over the chosen heads (sums to 1 up to rounding). */
export function meanBucketMass(stats: AttentionStats, choice: HeadChoice): number[] {
  const heads = choice === 'all'
    ? Array.from({ length: stats.layers * stats.heads }, (_, i) => ({ layer: Math.floor(i / stats.heads), head: i % stats.heads }))
    : [choice];
  const sum = new Array<number>(stats.buckets).fill(0);
  for (const h of heads) headSummary(stats, h.layer, h.head).bucketMass.forEach((m, b) => (sum[b] += m));
  return sum.map((m) => m / heads.length);
}

/** Where a bucket [lo, hi) sits on a log axis: its geometric middle; bucket 0 (distance 0) at 0.5. */
export function bucketMiddle(bucket: number): number {
  const [lo, hi] = distanceBucketRange(bucket);
  return bucket === 0 ? 0.5 : Math.sqrt(lo * (hi - 1));
}

/** The all-ones-logit decay of `rope` at 64 log-spaced distances up to `tokens`. */
export function analyticDecay(rope: RopeConfig, tokens: number): Array<[number, number]> {
  const distances = logSpacedDistances(Math.max(2, tokens), 64);
  const logit = decayCurves(rope, distances).allOnesLogit;
  return Array.from(distances, (d, k) => [d, logit[k]]);
}
