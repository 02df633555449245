// The CPU oracle for the GPU probe hooks: the reference forward pass (src/engine/reference.ts) run over a
// whole sequence while recording what the probes measure — every attention row (into AttentionStats, and
// optionally one head's full map) and the q/k pair norms. It reuses the reference's ops and weights and
// mirrors ReferenceModel.forward step for step; a test checks its logits equal ReferenceModel's, so the
// two cannot drift apart silently. Slow (O(n²) per head in plain JS): for tests and short inputs.
import {
  addFeedForward,
  applyRope,
  kvStoreOf,
  matvec,
  rmsnorm,
  softmax,
  type ReferenceOptions,
  type ReferenceWeights,
} from '../engine/reference.ts';
import { beyondLlama } from '../engine/model-config.ts';
import type { RopeTable } from '../rope/config.ts';
import { accumulateRow, emptyAttentionStats, type AttentionStats } from './attention-stats.ts';
import { addPairNorms, emptyQkPairNorms, type QkPairNorms } from './qk-norms.ts';

/** kvCache / kvStore: emulate the GPU's f16 KV cache, as ReferenceModel does. */
export interface TraceOptions extends ReferenceOptions {
  queryBinEdges?: number[];
  /** Keep the full (tokens, tokens) attention matrix of this head. */
  mapOf?: { layer: number; head: number };
}

export interface ReferenceTrace {
  stats: AttentionStats;
  qkNorms: QkPairNorms;
  /** logits of the last position (vocab): for checking the trace against ReferenceModel. */
  lastLogits: Float32Array;
  /** (tokens, tokens) row-major, row q = weights of query q over keys 0 … q (zeros above). */
  map?: Float32Array;
}

/** Runs `ids` from position 0 through the reference weights under `rope`, recording attention. */
export function traceReference(w: ReferenceWeights, rope: RopeTable, ids: readonly number[], options: TraceOptions = {}): ReferenceTrace {
  const c = w.config;
  const n = ids.length;
  if (n === 0) throw new RangeError('tracing needs at least one token');
  if (rope.xposZeta) throw new RangeError('the reference trace does not model xPos (the reference forward pass has no xPos either)');
  const beyond = beyondLlama(c);
  if (beyond.length > 0)
    throw new RangeError(
      `the reference trace follows the Llama forward pass only; this ${c.architecture} model needs ${beyond.join(', ')}`,
    );
  const { mapOf } = options;
  if (mapOf && (mapOf.layer < 0 || mapOf.layer >= c.layers || mapOf.head < 0 || mapOf.head >= c.heads)) {
    throw new RangeError(`no layer ${mapOf.layer} head ${mapOf.head} in ${c.layers} layers × ${c.heads} heads`);
  }
  const stats = emptyAttentionStats({ layers: c.layers, heads: c.heads, tokens: n, queryBinEdges: options.queryBinEdges });
  const qkNorms = emptyQkPairNorms(c.layers, c.heads, c.kvHeads, c.headDim, rope.invFreq.length);
  const map = mapOf ? new Float32Array(n * n) : undefined;
  const kvStore = kvStoreOf(options);

  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  const kCache = Array.from({ length: c.layers }, () => new Float32Array(n * kvDim)); // layers × (tokens, kvHeads·headDim)
  const vCache = Array.from({ length: c.layers }, () => new Float32Array(n * kvDim));
  const x = new Float32Array(c.dim);
  const xn = new Float32Array(c.dim);
  const q = new Float32Array(qDim);
  const attn = new Float32Array(qDim);
  const proj = new Float32Array(c.dim);
  const gate = new Float32Array(c.ffnDim);
  const up = new Float32Array(c.ffnDim);
  const ffnScratch = { xn, proj, gate, up };
  const scores = new Float32Array(n);
  const scale = 1 / Math.sqrt(c.headDim);
  const group = c.heads / c.kvHeads;
  const logits = new Float32Array(c.vocabSize);

  for (let pos = 0; pos < n; pos++) {
    x.set(w.embedding.subarray(ids[pos] * c.dim, (ids[pos] + 1) * c.dim));
    for (let l = 0; l < c.layers; l++) {
      const L = w.layers[l];
      const k = kCache[l].subarray(pos * kvDim, (pos + 1) * kvDim);
      const v = vCache[l].subarray(pos * kvDim, (pos + 1) * kvDim);
      rmsnorm(xn, x, L.attnNorm, c.rmsEps);
      matvec(q, L.wq, xn, qDim, c.dim);
      matvec(k, L.wk, xn, kvDim, c.dim);
      matvec(v, L.wv, xn, kvDim, c.dim);
      addPairNorms(qkNorms.q, q, l, c.heads, c.headDim);
      addPairNorms(qkNorms.k, k, l, c.kvHeads, c.headDim);
      applyRope(q, c.heads, c.headDim, pos, rope.invFreq, rope.attentionFactor);
      applyRope(k, c.kvHeads, c.headDim, pos, rope.invFreq, rope.attentionFactor);
      kvStore?.(l, pos, k, v);

      for (let h = 0; h < c.heads; h++) {
        const kvOffset = Math.floor(h / group) * c.headDim;
        for (let t = 0; t <= pos; t++) {
          let dot = 0;
          for (let d = 0; d < c.headDim; d++) dot += q[h * c.headDim + d] * kCache[l][t * kvDim + kvOffset + d];
          scores[t] = dot * scale;
        }
        softmax(scores, pos + 1);
        accumulateRow(stats, l, h, pos, scores);
        if (map && mapOf!.layer === l && mapOf!.head === h) map.set(scores.subarray(0, pos + 1), pos * n);
        for (let d = 0; d < c.headDim; d++) {
          let acc = 0;
          for (let t = 0; t <= pos; t++) acc += scores[t] * vCache[l][t * kvDim + kvOffset + d];
          attn[h * c.headDim + d] = acc;
        }
      }
      matvec(proj, L.wo, attn, c.dim, qDim);
      for (let i = 0; i < c.dim; i++) x[i] += proj[i];
      addFeedForward(x, L, c, ffnScratch);
    }
    if (pos === n - 1) {
      rmsnorm(xn, x, w.outputNorm, c.rmsEps);
      matvec(logits, w.output, xn, c.vocabSize, c.dim);
    }
  }
  qkNorms.tokens = n;
  for (let i = 0; i < qkNorms.q.length; i++) qkNorms.q[i] /= n;
  for (let i = 0; i < qkNorms.k.length; i++) qkNorms.k[i] /= n;
  return { stats, qkNorms, lastLogits: logits, ...(map ? { map } : {}) };
}
