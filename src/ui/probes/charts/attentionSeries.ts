// The numbers behind the attention-over-distance chart, kept apart from the drawing so they can be
// checked: the mass by distance bucket averaged over one head or all heads (each head weighted
// equally), each bucket placed at its geometric middle, and the analytic decay of a RoPE config.
import {
  distanceBucketRange,
  headSummary,
  pairContribution,
  type AttentionProbeResult,
  type AttentionStats,
  type ModelLabel,
  type QkPairNorms,
} from '../../../probes/index.ts';
import { computeRope, decayCurves, logSpacedDistances, wavelengths, type RopeConfig } from '../../../rope/index.ts';

export type HeadChoice = { layer: number; head: number } | 'all';

/** Mean mass per distance bucket over the chosen heads (sums to 1 up to rounding). */
export function meanBucketMass(stats: AttentionStats, choice: HeadChoice): number[] {
  const heads =
    choice === 'all'
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

/**
 * Which wavelengths a head (or all heads, each weighted equally) leans on: per rotated pair, its share of
 * mean ‖q_i‖·‖k_i‖ (pairContribution), placed at the pair's wavelength under `rope`. Pairs beyond the
 * rotated part have no wavelength and are left out. Points: [wavelength, share], by pair.
 */
export function pairUsage(norms: QkPairNorms, rope: RopeConfig, choice: HeadChoice): Array<[number, number]> {
  const heads =
    choice === 'all'
      ? Array.from({ length: norms.layers * norms.heads }, (_, i) => ({ layer: Math.floor(i / norms.heads), head: i % norms.heads }))
      : [choice];
  const share = new Array<number>(norms.pairs).fill(0);
  for (const h of heads) pairContribution(norms, h.layer, h.head).forEach((s, i) => (share[i] += s / heads.length));
  const lambda = wavelengths(computeRope(rope));
  return Array.from(lambda.subarray(0, norms.rotatedPairs), (l, i) => [l, share[i]]);
}

/**
 * The model series `i` ran on and the RoPE it ran under: a run that compares models (the lab's family)
 * names one model per variant, each with its own RoPE and trained context; otherwise every variant ran on
 * the first model, its RoPE overridden or not.
 */
export function seriesModel(result: AttentionProbeResult, i: number): { model: ModelLabel; rope: RopeConfig } {
  const model = result.provenance.variantModels?.[i] ?? result.provenance.model;
  return { model, rope: result.series[i].variant.rope ?? model.rope };
}

/** One vertical marker per distinct trained context, naming the series trained there when they differ. */
export function trainedContextMarkers(
  result: AttentionProbeResult,
  format: (tokens: number) => string,
): Array<{ x: number; label: string }> {
  const byContext = new Map<number, string[]>();
  result.series.forEach((s, i) => {
    const trained = seriesModel(result, i).model.trainedContext;
    byContext.set(trained, [...(byContext.get(trained) ?? []), s.variant.label]);
  });
  const shared = byContext.size === 1;
  return [...byContext].map(([x, names]) => ({ x, label: `trained context ${format(x)}${shared ? '' : ` (${names.join(', ')})`}` }));
}
