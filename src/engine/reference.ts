// The CPU reference forward pass of a Llama model, llama2.c style: one token at a time, f32 weights
// (dequantized from any GGUF type), every buffer's shape in a comment. It is slow and plain on purpose:
// it is the oracle the GPU kernels are tested against, so it must be obviously right.
//
// One step, for token `tok` at position `pos`:
//   1. x = embedding[tok]
//   2. for each layer:
//        xn = rmsnorm(x) * attn_norm
//        q = Wq xn, k = Wk xn, v = Wv xn           (GGUF llama rotates adjacent pairs (2i, 2i+1))
//        rotate q, k by θ_i·pos, scaling cos/sin by the attention factor; store k, v in the cache
//        per query head h (sharing KV head h / (heads / kv_heads)): causal softmax(q·k/√d) · v
//        x += Wo attn
//        xn = rmsnorm(x) * ffn_norm
//        x += Wdown (silu(Wgate xn) ⊙ Wup xn)
//   3. logits = Wout rmsnorm(x) * output_norm
import type { GGUFFile } from '../gguf/index.ts';
import { GGMLType, dequantize, f16ToF32, f32ToF16, readTensorBytes } from '../gguf/index.ts';
import type { RopeTable } from '../rope/config.ts';
import { computeRope } from '../rope/frequencies.ts';
import { GLOBAL_TENSORS, layerTensorNames, llamaConfigFromGGUF, type LlamaConfig } from './model-config.ts';
import type { KvCacheType } from './types.ts';

// ---------------------------------------------------------------------------------------------- ops

/** out = x / sqrt(mean(x²) + eps) ⊙ weight. out, x, weight: (n) */
export function rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array, eps: number): void {
  const n = weight.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i] * x[i];
  const scale = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) out[i] = x[i] * scale * weight[i];
}

/**
 * out = W x. W: (rows, cols) row-major, x: (cols), out: (rows). Four running sums (columns c mod 4) break
 * the chain of dependent adds: 1.4–2× faster in V8, which is most of this oracle's time on a real model.
 */
export function matvec(out: Float32Array, w: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    const base = r * cols;
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      s0 += w[base + c] * x[c];
      s1 += w[base + c + 1] * x[c + 1];
      s2 += w[base + c + 2] * x[c + 2];
      s3 += w[base + c + 3] * x[c + 3];
    }
    for (; c < cols; c++) s0 += w[base + c] * x[c];
    out[r] = s0 + s1 + (s2 + s3);
  }
}

/** Math.round rounds halves up; WGSL's round (and so the GPU) rounds them to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * out = x rounded to 8 bits per 32-value group as matvec_int8.wgsl rounds it (llama.cpp's Q8_0
 * activations, the scale kept in f32): per group d = max|x|/127 and out = d·round(x/d), round(x/d) ∈
 * [−127, 127]. The GPU's f32 division may differ from this one by an ulp, which can move a value sitting
 * on a rounding boundary by one step: rare, and bounded by d·|w| in a product. x, out: (n), n a multiple of 32.
 */
export function quantizeActivations(out: Float32Array, x: Float32Array): void {
  for (let g = 0; g < x.length; g += 32) {
    let amax = 0;
    for (let i = g; i < g + 32; i++) amax = Math.max(amax, Math.abs(x[i]));
    const d = Math.fround(amax / 127);
    const inv = d > 0 ? Math.fround(1 / d) : 0;
    for (let i = g; i < g + 32; i++) out[i] = roundHalfEven(Math.fround(x[i] * inv)) * d;
  }
}

/**
 * Rotates each head of `vec` in place, adjacent pairs (2i, 2i+1) by angle pos·invFreq[i], with cos and
 * sin scaled by `attentionFactor` (yarn's mscale). Pairs beyond invFreq (partial rotary) are left alone.
 * vec: (heads, headDim), invFreq: (rotated pairs ≤ headDim/2)
 */
export function applyRope(
  vec: Float32Array,
  heads: number,
  headDim: number,
  pos: number,
  invFreq: ArrayLike<number>,
  attentionFactor: number,
): void {
  for (let i = 0; i < invFreq.length; i++) {
    const angle = pos * invFreq[i];
    const cos = Math.cos(angle) * attentionFactor;
    const sin = Math.sin(angle) * attentionFactor;
    for (let h = 0; h < heads; h++) {
      const j = h * headDim + 2 * i;
      const a = vec[j];
      const b = vec[j + 1];
      vec[j] = a * cos - b * sin;
      vec[j + 1] = a * sin + b * cos;
    }
  }
}

/** In-place softmax over x[0..n). */
export function softmax(x: Float32Array, n = x.length): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[i]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x[i] = Math.exp(x[i] - max);
    sum += x[i];
  }
  for (let i = 0; i < n; i++) x[i] /= sum;
}

/**
 * Causal grouped-query attention of one query position over cache positions 0..pos.
 * q: (heads, headDim), kCache/vCache: (kvHeads, context, headDim), out: (heads, headDim)
 */
export function attention(
  out: Float32Array,
  q: Float32Array,
  kCache: Float32Array,
  vCache: Float32Array,
  heads: number,
  kvHeads: number,
  headDim: number,
  context: number,
  pos: number,
): void {
  const scores = new Float32Array(pos + 1); // (pos + 1)
  const scale = 1 / Math.sqrt(headDim);
  for (let h = 0; h < heads; h++) {
    const kvBase = Math.floor(h / (heads / kvHeads)) * context * headDim;
    for (let t = 0; t <= pos; t++) {
      let dot = 0;
      for (let d = 0; d < headDim; d++) dot += q[h * headDim + d] * kCache[kvBase + t * headDim + d];
      scores[t] = dot * scale;
    }
    softmax(scores, pos + 1);
    for (let d = 0; d < headDim; d++) {
      let acc = 0;
      for (let t = 0; t <= pos; t++) acc += scores[t] * vCache[kvBase + t * headDim + d];
      out[h * headDim + d] = acc;
    }
  }
}

/** The largest finite half: an f16 KV cache saturates there (WGSL's pack2x16float is undefined past it). */
export const F16_MAX = 65504;

/**
 * What an f16 KV cache keeps of each value, in place: the nearest half (ties to even, as the GPU's
 * pack2x16float), saturated at ±F16_MAX as shaders/lib/kv_f16.wgsl does. x: (n)
 */
export function roundToF16(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = f16ToF32(f32ToF16(Math.min(F16_MAX, Math.max(-F16_MAX, x[i]))));
  return x;
}

/** gate = silu(gate) ⊙ up, SwiGLU's gating. gate, up: (n) */
export function swiglu(gate: Float32Array, up: Float32Array): void {
  for (let i = 0; i < gate.length; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
}

/** Scratch of one feed-forward block. xn, proj: (dim); gate, up: (ffnDim) */
export interface FeedForwardScratch {
  xn: Float32Array;
  proj: Float32Array;
  gate: Float32Array;
  up: Float32Array;
}

/** A weight product out = W x (matvec, or one that rounds x first: ReferenceModel's int8 activations). */
export type Product = (out: Float32Array, w: Float32Array, x: Float32Array, rows: number, cols: number) => void;

/** The MLP half of a layer, in place: x += Wdown (silu(Wgate xn) ⊙ Wup xn) with xn = rmsnorm(x) ⊙ ffn_norm. x: (dim) */
export function addFeedForward(
  x: Float32Array,
  layer: ReferenceLayer,
  c: LlamaConfig,
  s: FeedForwardScratch,
  product: Product = matvec,
): void {
  rmsnorm(s.xn, x, layer.ffnNorm, c.rmsEps);
  product(s.gate, layer.wGate, s.xn, c.ffnDim, c.dim);
  product(s.up, layer.wUp, s.xn, c.ffnDim, c.dim);
  swiglu(s.gate, s.up);
  product(s.proj, layer.wDown, s.gate, c.dim, c.ffnDim);
  for (let i = 0; i < c.dim; i++) x[i] += s.proj[i];
}

/** log softmax(logits)[target], in float64. logits: (vocab) */
export function logProb(logits: Float32Array, target: number): number {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  return logits[target] - max - Math.log(sum);
}

/** Index of the largest value (the first one on ties, as the GPU argmax). */
export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

// -------------------------------------------------------------------------------------------- model

export interface ReferenceLayer {
  attnNorm: Float32Array; // (dim)
  wq: Float32Array; // (heads·headDim, dim)
  wk: Float32Array; // (kvHeads·headDim, dim)
  wv: Float32Array; // (kvHeads·headDim, dim)
  wo: Float32Array; // (dim, heads·headDim)
  ffnNorm: Float32Array; // (dim)
  wGate: Float32Array; // (ffnDim, dim)
  wUp: Float32Array; // (ffnDim, dim)
  wDown: Float32Array; // (dim, ffnDim)
}

export interface ReferenceWeights {
  config: LlamaConfig;
  embedding: Float32Array; // (vocab, dim)
  layers: ReferenceLayer[];
  outputNorm: Float32Array; // (dim)
  output: Float32Array; // (vocab, dim), the embedding itself when tied
  /** The matrices above that were Q4_0 or Q8_0 in the file (ReferenceOptions.int8Activations rounds their inputs). */
  int8Products: ReadonlySet<Float32Array>;
}

/** Reads and dequantizes every tensor to f32 (fine for small models: it is the test oracle). */
export async function loadReferenceWeights(file: GGUFFile): Promise<ReferenceWeights> {
  const int8Products = new Set<Float32Array>();
  const read = async (name: string) => {
    const t = file.tensorsByName.get(name);
    if (!t) throw new Error(`GGUF lacks the tensor ${name}`);
    const values = dequantize(t.type, await readTensorBytes(file, t), t.nElements);
    if (t.type === GGMLType.Q4_0 || t.type === GGMLType.Q8_0) int8Products.add(values);
    return values;
  };
  llamaConfigFromGGUF(file); // the header's checks (rope_freqs' size among them) before any tensor is read
  const ropeFreqs = file.tensorsByName.has(GLOBAL_TENSORS.ropeFreqs) ? await read(GLOBAL_TENSORS.ropeFreqs) : undefined;
  const config = llamaConfigFromGGUF(file, ropeFreqs);
  const layers: ReferenceLayer[] = [];
  for (let l = 0; l < config.layers; l++) {
    const n = layerTensorNames(l);
    layers.push({
      attnNorm: await read(n.attnNorm),
      wq: await read(n.wq),
      wk: await read(n.wk),
      wv: await read(n.wv),
      wo: await read(n.wo),
      ffnNorm: await read(n.ffnNorm),
      wGate: await read(n.wGate),
      wUp: await read(n.wUp),
      wDown: await read(n.wDown),
    });
  }
  const embedding = await read(GLOBAL_TENSORS.embedding);
  const output = config.tiedOutput ? embedding : await read(GLOBAL_TENSORS.output);
  return { config, embedding, layers, outputNorm: await read(GLOBAL_TENSORS.outputNorm), output, int8Products };
}

/** What the KV cache keeps of one position's rotated keys and values, k and v: (kvHeads·headDim), changed in place. */
export type KvStore = (layer: number, pos: number, k: Float32Array, v: Float32Array) => void;

export interface ReferenceOptions {
  /** Emulate the GPU's f16 KV cache: keys and values rounded to half as they are stored (default 'f32': exact). */
  kvCache?: KvCacheType;
  /** Replaces the rounding `kvCache` implies (tests: rounding that sides with the GPU on exact ties). */
  kvStore?: KvStore;
  /**
   * Emulate the GPU's 'int8' decode activations: the input of every product with Q4_0 or Q8_0 weights is rounded to 8
   * bits per 32-value group (quantizeActivations).
   */
  int8Activations?: boolean;
  /**
   * Replaces every weight product (tests: another implementation's arithmetic, e.g. llama.cpp's rounded activations);
   * overrides int8Activations.
   */
  product?: Product;
}

/** The KvStore of a cache layout: nothing for f32, rounding to half for f16. */
export function kvStoreOf(options: ReferenceOptions): KvStore | null {
  if (options.kvStore) return options.kvStore;
  return options.kvCache === 'f16'
    ? (_layer, _pos, k, v) => {
        roundToF16(k);
        roundToF16(v);
      }
    : null;
}

/** A KV cache and scratch buffers around the weights; `forward` runs one token. */
export class ReferenceModel {
  readonly config: LlamaConfig;
  private rope: RopeTable;
  private readonly kCache: Float32Array[]; // layers × (kvHeads, context, headDim)
  private readonly vCache: Float32Array[]; // layers × (kvHeads, context, headDim)
  private readonly x: Float32Array; // (dim) residual stream
  private readonly xn: Float32Array; // (dim) normalized
  private readonly q: Float32Array; // (heads·headDim)
  private readonly k: Float32Array; // (kvHeads·headDim)
  private readonly v: Float32Array; // (kvHeads·headDim)
  private readonly attn: Float32Array; // (heads·headDim)
  private readonly proj: Float32Array; // (dim)
  private readonly ffn: FeedForwardScratch; // shares xn and proj; gate, up: (ffnDim)

  private readonly kvStore: KvStore | null;
  private readonly product: Product;

  constructor(
    private readonly w: ReferenceWeights,
    readonly context: number,
    options: ReferenceOptions = {},
  ) {
    this.kvStore = kvStoreOf(options);
    const c = w.config;
    const rounded = new Float32Array(Math.max(c.dim, c.ffnDim, c.heads * c.headDim)); // x after quantizeActivations
    this.product =
      options.product ??
      (options.int8Activations
        ? (out, m, x, rows, cols) => {
            if (!w.int8Products.has(m)) return matvec(out, m, x, rows, cols);
            const xq = rounded.subarray(0, cols);
            quantizeActivations(xq, x);
            matvec(out, m, xq, rows, cols);
          }
        : matvec);
    this.config = c;
    this.rope = computeRope(c.rope);
    const kvSize = c.kvHeads * context * c.headDim;
    this.kCache = Array.from({ length: c.layers }, () => new Float32Array(kvSize));
    this.vCache = Array.from({ length: c.layers }, () => new Float32Array(kvSize));
    this.x = new Float32Array(c.dim);
    this.xn = new Float32Array(c.dim);
    this.q = new Float32Array(c.heads * c.headDim);
    this.k = new Float32Array(c.kvHeads * c.headDim);
    this.v = new Float32Array(c.kvHeads * c.headDim);
    this.attn = new Float32Array(c.heads * c.headDim);
    this.proj = new Float32Array(c.dim);
    this.ffn = { xn: this.xn, proj: this.proj, gate: new Float32Array(c.ffnDim), up: new Float32Array(c.ffnDim) };
  }

  /** Uses this RoPE table from now on (positions already cached keep their old rotation). */
  setRope(table: RopeTable): void {
    this.rope = table;
  }

  /** Runs token `token` at position `pos`; returns the logits (vocab). */
  forward(token: number, pos: number): Float32Array {
    const c = this.config;
    const { x, xn, q, k, v, attn, proj } = this;
    if (pos >= this.context) throw new Error(`position ${pos} is beyond the reference context ${this.context}`);
    const kvDim = c.kvHeads * c.headDim;
    const qDim = c.heads * c.headDim;
    x.set(this.w.embedding.subarray(token * c.dim, (token + 1) * c.dim));

    for (let l = 0; l < c.layers; l++) {
      const L = this.w.layers[l];
      rmsnorm(xn, x, L.attnNorm, c.rmsEps);
      this.product(q, L.wq, xn, qDim, c.dim);
      this.product(k, L.wk, xn, kvDim, c.dim);
      this.product(v, L.wv, xn, kvDim, c.dim);
      applyRope(q, c.heads, c.headDim, pos, this.rope.invFreq, this.rope.attentionFactor);
      applyRope(k, c.kvHeads, c.headDim, pos, this.rope.invFreq, this.rope.attentionFactor);
      this.kvStore?.(l, pos, k, v);
      for (let h = 0; h < c.kvHeads; h++) {
        const at = (h * this.context + pos) * c.headDim;
        this.kCache[l].set(k.subarray(h * c.headDim, (h + 1) * c.headDim), at);
        this.vCache[l].set(v.subarray(h * c.headDim, (h + 1) * c.headDim), at);
      }
      attention(attn, q, this.kCache[l], this.vCache[l], c.heads, c.kvHeads, c.headDim, this.context, pos);
      this.product(proj, L.wo, attn, c.dim, qDim);
      for (let i = 0; i < c.dim; i++) x[i] += proj[i];

      addFeedForward(x, L, c, this.ffn, this.product);
    }

    rmsnorm(xn, x, this.w.outputNorm, c.rmsEps);
    const logits = new Float32Array(c.vocabSize); // (vocab)
    this.product(logits, this.w.output, xn, c.vocabSize, c.dim);
    return logits;
  }
}
