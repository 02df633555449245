// What a probe needs from an engine beyond the Engine interface: attention statistics gathered inside the
// attention kernel, one head's full attention map for short inputs, and the q/k norms per rotary pair.
// Separate and optional, so the loss and retrieval probes run on any Engine and the attention probes
// light up when an engine implements these. Everything crosses comlink as plain data (typed arrays).
//
// The contract a GPU implementation meets (src/probes' ReferenceProbeEngine is the oracle to test it against):
// - Run `ids` from position 0 under the current RoPE, as score() does (same batching, same KV cache).
// - In the attention kernel, for every (layer, query head, query position q) with softmax weights p_k over
//   keys k = 0 … q, add into per-(layer, head, query bin) f32 sums:
//     bucketMass[((layer·heads + head)·bins + bin)·buckets + b] += Σ_{k: 32 − clz(q − k) = b} p_k
//     entropy[(layer·heads + head)·bins + bin] += −Σ_k p_k ln p_k      (terms with p_k = 0 add nothing)
//     sinkMass[(layer·heads + head)·bins + bin] += p_0
//   where bin = binIndex(queryBinEdges, q) and buckets = distanceBucketCount(ids.length). With the online
//   (flash) softmax, p_k = exp(s_k − m)/l is known only after the last key tile: keep the per-bucket sums
//   of exp(s_k − m_running) and Σ exp(s_k − m)·s_k, rescale them with m as the running max moves, and
//   finish with bucket /= l and entropy = ln l + m − (Σ exp(s_k − m)·s_k)/l (rowStatsFromScores spells
//   this out in the kernel's order of operations). No N×N matrix is stored.
// - queryCount[bin] = edges[bin+1] − edges[bin] (emptyAttentionStats fills it; the GPU need not).
// - qkPairNorms: after the q/k projections and BEFORE the rotation, add ‖(x_2i, x_2i+1)‖ per (layer,
//   head, pair) over positions, then divide by ids.length; q per query head, k per KV head.
// - attentionMap: the (n, n) weights of one (layer, head), zeros above the diagonal; n ≤ MAX_MAP_TOKENS.
import { distanceBucketCount, logBinEdges } from './bins.ts';

/** Longest input whose full attention map may be made ((tokens)² floats): the only positions × positions buffer allowed. */
export const MAX_MAP_TOKENS = 2048;

export interface AttentionStatsOptions {
  /** Query-position bins (default logBinEdges(0, ids.length)). */
  queryBinEdges?: number[];
}

export interface ProbeHooks {
  /** Per layer and head, the attention sums of AttentionStats for `ids` (see the contract above). */
  attentionStats(ids: number[], options?: AttentionStatsOptions): Promise<AttentionStats>;
  /** The full causal attention of one head, (ids.length)² row-major (zeros above the diagonal); short inputs only. */
  attentionMap(ids: number[], layer: number, head: number): Promise<Float32Array>;
  /** Mean norms of q and k per rotary pair over the positions of `ids`, before the rotation. */
  qkPairNorms(ids: number[]): Promise<QkPairNorms>;
}

/** Whether an engine object also offers the probe hooks. */
export function hasProbeHooks(engine: object): engine is ProbeHooks {
  const e = engine as Partial<ProbeHooks>;
  return typeof e.attentionStats === 'function' && typeof e.attentionMap === 'function' && typeof e.qkPairNorms === 'function';
}

// The layouts a hook fills (the probes do the math on them: probes/attention-stats.ts, probes/qk-norms.ts).

export interface AttentionStats {
  layers: number;
  heads: number;
  /** Tokens of the input (query positions 0 … tokens − 1). */
  tokens: number;
  /** Distance buckets (distanceBucketCount(tokens)). */
  buckets: number;
  /** Query-position bins: bin i holds positions [queryBinEdges[i], queryBinEdges[i + 1]). */
  queryBinEdges: number[];
  /** Query positions per bin: (queryBins). */
  queryCount: Float32Array;
  /** Σ attention weight per distance bucket: (layers, heads, queryBins, buckets). */
  bucketMass: Float32Array;
  /** Σ entropy −Σ p ln p of each query's attention row, in nats: (layers, heads, queryBins). */
  entropy: Float32Array;
  /** Σ attention weight on key position 0: (layers, heads, queryBins). */
  sinkMass: Float32Array;
}

export interface AttentionStatsShape {
  layers: number;
  heads: number;
  tokens: number;
  /** Default: logBinEdges(0, tokens) = [0, 1, 2, 4, …, tokens]. */
  queryBinEdges?: number[];
}

/** Zeroed stats of this shape (the accumulator the oracle and the GPU read-back fill). */
export function emptyAttentionStats(shape: AttentionStatsShape): AttentionStats {
  const { layers, heads, tokens } = shape;
  for (const [name, v] of Object.entries({ layers, heads, tokens })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`attention stats need a positive integer ${name}, got ${v}`);
  }
  const queryBinEdges = shape.queryBinEdges ?? logBinEdges(0, tokens);
  if (
    queryBinEdges[0] !== 0 ||
    queryBinEdges[queryBinEdges.length - 1] !== tokens ||
    queryBinEdges.some((e, i) => i > 0 && e <= queryBinEdges[i - 1])
  ) {
    throw new RangeError(`queryBinEdges must rise strictly from 0 to tokens (${tokens}), got [${queryBinEdges.join(', ')}]`);
  }
  const bins = queryBinEdges.length - 1;
  const buckets = distanceBucketCount(tokens);
  const queryCount = new Float32Array(bins);
  for (let b = 0; b < bins; b++) queryCount[b] = queryBinEdges[b + 1] - queryBinEdges[b];
  return {
    layers,
    heads,
    tokens,
    buckets,
    queryBinEdges: [...queryBinEdges],
    queryCount,
    bucketMass: new Float32Array(layers * heads * bins * buckets),
    entropy: new Float32Array(layers * heads * bins),
    sinkMass: new Float32Array(layers * heads * bins),
  };
}

export interface QkPairNorms {
  layers: number;
  heads: number;
  kvHeads: number;
  /** headDim / 2; pairs at or beyond `rotatedPairs` are not rotated (partial rotary). */
  pairs: number;
  rotatedPairs: number;
  /** Positions averaged. */
  tokens: number;
  /** Mean over positions of ‖(q_2i, q_2i+1)‖ (NEOX models: ‖(q_i, q_i+pairs)‖): (layers, heads, pairs). */
  q: Float32Array;
  /** Mean over positions of ‖(k_2i, k_2i+1)‖ (NEOX models: ‖(k_i, k_i+pairs)‖): (layers, kvHeads, pairs). */
  k: Float32Array;
}

export function emptyQkPairNorms(layers: number, heads: number, kvHeads: number, headDim: number, rotatedPairs: number): QkPairNorms {
  if (headDim % 2 !== 0) throw new RangeError(`headDim must be even, got ${headDim}`);
  if (heads % kvHeads !== 0) throw new RangeError(`heads (${heads}) must be a multiple of kvHeads (${kvHeads})`);
  const pairs = headDim / 2;
  return {
    layers,
    heads,
    kvHeads,
    pairs,
    rotatedPairs,
    tokens: 0,
    q: new Float32Array(layers * heads * pairs),
    k: new Float32Array(layers * kvHeads * pairs),
  };
}
