// Attention over distance: per layer and head, how a query position's attention splits over relative
// distances (power-of-two buckets, see distanceBucket), how spread it is (entropy) and how much lands on
// position 0 (the "attention sink"). The GPU gathers these sums inside its attention kernel, so no N×N
// matrix exists; this file fixes the layout both sides fill and does the math on plain probability rows
// (the CPU oracle, and the tests by hand).
//
// Everything is a SUM over the query positions of a query bin (log-spaced positions by default), never a
// mean: sums add across workgroups and chunks, and the mean is one division by queryCount at the end.
import { binIndex, distanceBucket } from '../engine/bins.ts';
import { emptyAttentionStats, type AttentionStats } from '../engine/probe-hooks.ts';

export { emptyAttentionStats, type AttentionStats, type AttentionStatsShape } from '../engine/probe-hooks.ts';

/** The statistics of one attention row: probabilities over key positions 0 … query. */
export interface RowStats {
  /** Mass per distance bucket (length: buckets). */
  bucketMass: Float64Array;
  entropy: number;
  sinkMass: number;
}

/**
 * Bucket masses, entropy and sink mass of the causal attention row of query position `query`:
 * `probs[k]` is the weight on key position k, for k = 0 … query (entries beyond are ignored).
 */
export function rowStats(probs: ArrayLike<number>, query: number, buckets = distanceBucket(query) + 1): RowStats {
  if (probs.length < query + 1) throw new RangeError(`an attention row of query ${query} needs ${query + 1} weights, got ${probs.length}`);
  const bucketMass = new Float64Array(buckets);
  let entropy = 0;
  for (let key = 0; key <= query; key++) {
    const p = probs[key];
    bucketMass[distanceBucket(query - key)] += p;
    if (p > 0) entropy -= p * Math.log(p); // 0 ln 0 = 0
  }
  return { bucketMass, entropy, sinkMass: probs[0] };
}

/**
 * rowStats from raw attention scores s_k (q·k/√d) by the online softmax a tiled GPU kernel uses: keys
 * arrive `tile` at a time, and the running sums l = Σ e^(s−m), bucket Σ e^(s−m) and Σ e^(s−m)·s are
 * rescaled by e^(m_old − m_new) whenever the running max m grows. At the end p_k = e^(s_k−m)/l, so
 * bucket masses are the sums / l and the entropy −Σ p ln p = ln l + m − (Σ e^(s−m)·s)/l. The sink is
 * e^(s_0 − m)/l. This is the reference for the kernel's arithmetic (same order of operations).
 */
export function rowStatsFromScores(scores: ArrayLike<number>, query: number, buckets = distanceBucket(query) + 1, tile = 32): RowStats {
  if (scores.length < query + 1) throw new RangeError(`a score row of query ${query} needs ${query + 1} scores, got ${scores.length}`);
  let m = -Infinity;
  let l = 0;
  let weighted = 0;
  const bucketSum = new Float64Array(buckets);
  for (let start = 0; start <= query; start += tile) {
    const end = Math.min(start + tile, query + 1);
    let tileMax = -Infinity;
    for (let k = start; k < end; k++) tileMax = Math.max(tileMax, scores[k]);
    if (tileMax > m) {
      const rescale = Math.exp(m - tileMax); // 0 on the first tile (m = −∞)
      l *= rescale;
      weighted *= rescale;
      for (let b = 0; b < buckets; b++) bucketSum[b] *= rescale;
      m = tileMax;
    }
    for (let k = start; k < end; k++) {
      const e = Math.exp(scores[k] - m);
      l += e;
      weighted += e * scores[k];
      bucketSum[distanceBucket(query - k)] += e;
    }
  }
  return {
    bucketMass: bucketSum.map((x) => x / l),
    entropy: Math.log(l) + m - weighted / l,
    sinkMass: Math.exp(scores[0] - m) / l,
  };
}

/** Adds one attention row of (layer, head, query) to `stats`. */
export function accumulateRow(stats: AttentionStats, layer: number, head: number, query: number, probs: ArrayLike<number>): void {
  const bin = binIndex(stats.queryBinEdges, query);
  if (bin < 0) throw new RangeError(`query position ${query} is outside 0 … ${stats.tokens - 1}`);
  const row = rowStats(probs, query, stats.buckets);
  const bins = stats.queryBinEdges.length - 1;
  const cell = (layer * stats.heads + head) * bins + bin;
  for (let b = 0; b < stats.buckets; b++) stats.bucketMass[cell * stats.buckets + b] += row.bucketMass[b];
  stats.entropy[cell] += row.entropy;
  stats.sinkMass[cell] += row.sinkMass;
}

/**
 * Stats of full causal attention matrices, one per (layer, head): probs[layer][head] is (tokens, tokens)
 * row-major, row q holding the weights of query q over keys 0 … q (the upper triangle is ignored).
 */
export function attentionStatsFromProbabilities(probs: Float32Array[][], tokens: number, queryBinEdges?: number[]): AttentionStats {
  const layers = probs.length;
  const heads = probs[0]?.length ?? 0;
  const stats = emptyAttentionStats({ layers, heads, tokens, queryBinEdges });
  for (let l = 0; l < layers; l++) {
    if (probs[l].length !== heads) throw new RangeError(`layer ${l} has ${probs[l].length} heads, layer 0 has ${heads}`);
    for (let h = 0; h < heads; h++) {
      const m = probs[l][h];
      if (m.length !== tokens * tokens)
        throw new RangeError(`attention of layer ${l} head ${h} has ${m.length} entries, expected ${tokens}² = ${tokens * tokens}`);
      for (let q = 0; q < tokens; q++) accumulateRow(stats, l, h, q, m.subarray(q * tokens, q * tokens + q + 1));
    }
  }
  return stats;
}

/** Per-query means over a range of query bins for one (layer, head): what a chart plots. */
export interface HeadSummary {
  /** Mean mass per distance bucket (sums to 1 up to rounding). */
  bucketMass: number[];
  /** Mean entropy in nats. */
  entropy: number;
  sinkMass: number;
  /** Query positions averaged. */
  queries: number;
}

/** Means of (layer, head) over query bins [fromBin, toBin) (default: all). */
export function headSummary(
  stats: AttentionStats,
  layer: number,
  head: number,
  fromBin = 0,
  toBin = stats.queryBinEdges.length - 1,
): HeadSummary {
  if (layer < 0 || layer >= stats.layers || head < 0 || head >= stats.heads)
    throw new RangeError(`no layer ${layer} head ${head} in ${stats.layers} layers × ${stats.heads} heads`);
  const bins = stats.queryBinEdges.length - 1;
  const bucketMass = new Array<number>(stats.buckets).fill(0);
  let entropy = 0;
  let sinkMass = 0;
  let queries = 0;
  for (let bin = fromBin; bin < toBin; bin++) {
    const cell = (layer * stats.heads + head) * bins + bin;
    for (let b = 0; b < stats.buckets; b++) bucketMass[b] += stats.bucketMass[cell * stats.buckets + b];
    entropy += stats.entropy[cell];
    sinkMass += stats.sinkMass[cell];
    queries += stats.queryCount[bin];
  }
  const mean = (x: number) => (queries > 0 ? x / queries : NaN);
  return { bucketMass: bucketMass.map(mean), entropy: mean(entropy), sinkMass: mean(sinkMass), queries };
}

/**
 * Mean attention distance implied by the buckets (each bucket's mass at its midpoint distance): a one-number
 * summary per head for sorting and colouring, coarse by construction.
 */
export function meanBucketDistance(bucketMass: readonly number[]): number {
  let total = 0;
  let mass = 0;
  bucketMass.forEach((m, b) => {
    const mid = b === 0 ? 0 : (2 ** (b - 1) + 2 ** b - 1) / 2;
    total += m * mid;
    mass += m;
  });
  return mass > 0 ? total / mass : NaN;
}
