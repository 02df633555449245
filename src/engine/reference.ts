// The CPU reference forward pass, llama2.c style: one token at a time, f32 weights (dequantized from any
// GGUF type), every buffer's shape in a comment. It is slow and plain on purpose: it is the oracle the GPU
// kernels are tested against, so it must be obviously right. Every family runs this one path; what differs
// is data in the model description (model-config.ts, architectures.ts), named in brackets below.
//
// One step, for token `tok` at position `pos`:
//   1. x = embedding[tok] · [embeddingScale]
//   2. for each layer (its [layerAttention]: RoPE table global/local/none, sliding window):
//        xn = rmsnorm(x) ⊙ attn_norm
//        q = Wq xn (+ bq), k = Wk xn (+ bk), v = Wv xn (+ bv)      [biases; a fused Wqkv is split at load]
//        [qkNorm] each head of q, k: rmsnorm ⊙ q_norm / k_norm
//        rotate q, k by θ_i·pos, pairs [pairing] adjacent (2i, 2i+1) or neox (i, i + r/2), cos/sin × the
//          attention factor; store k, v in the cache
//        per query head h (sharing KV head h / (heads / kv_heads)): softmax(q·k · [attentionScale]) · v
//          over the causal positions, the last [window] only when the layer has one
//        o = Wo attn; [postNorms] o = rmsnorm(o) ⊙ post_attention_norm; x += o
//        xn = rmsnorm(x) ⊙ ffn_norm
//        o = Wdown ([activation] silu or gelu(Wgate xn) ⊙ Wup xn)    [a fused gate|up is split at load]
//        [postNorms] o = rmsnorm(o) ⊙ post_ffw_norm; x += o
//   3. logits = Wout (rmsnorm(x) ⊙ output_norm) (+ [outputBias]); [logitSoftcap] c·tanh(logits/c)
import type { RopeTable } from '../rope/config.ts';
import { computeRope } from '../rope/frequencies.ts';
import type { ModelConfig } from './model-config.ts';
import {
  applyRope,
  attention,
  geglu,
  matvec,
  quantizeActivations,
  rmsnorm,
  rmsnormHeads,
  roundToF16,
  softcap,
  swiglu,
} from './reference-ops.ts';
import { ropeTableFor, type ReferenceLayer, type ReferenceWeights } from './reference-weights.ts';
import type { KvCacheType } from './types.ts';

export * from './reference-ops.ts';
export * from './reference-weights.ts';

/** Scratch of one feed-forward block. xn, proj: (dim); gate, up: (ffnDim) */
export interface FeedForwardScratch {
  xn: Float32Array;
  proj: Float32Array;
  gate: Float32Array;
  up: Float32Array;
}

/** A weight product out = W x (matvec, or one that rounds x first: ReferenceModel's int8 activations). */
export type Product = (out: Float32Array, w: Float32Array, x: Float32Array, rows: number, cols: number) => void;

/**
 * The MLP half of a layer, in place: x += post(Wdown (act(Wgate xn) ⊙ Wup xn)) with xn = rmsnorm(x) ⊙ ffn_norm,
 * act the config's activation and post its optional post-FFN norm. x: (dim)
 */
export function addFeedForward(
  x: Float32Array,
  layer: ReferenceLayer,
  c: ModelConfig,
  s: FeedForwardScratch,
  product: Product = matvec,
  gelu?: (x: number) => number,
): void {
  rmsnorm(s.xn, x, layer.ffnNorm, c.rmsEps);
  product(s.gate, layer.wGate, s.xn, c.ffnDim, c.dim);
  product(s.up, layer.wUp, s.xn, c.ffnDim, c.dim);
  if (c.activation === 'gelu-tanh') geglu(s.gate, s.up, gelu);
  else swiglu(s.gate, s.up);
  product(s.proj, layer.wDown, s.gate, c.dim, c.ffnDim);
  if (layer.postFfnNorm) rmsnorm(s.proj, s.proj, layer.postFfnNorm, c.rmsEps);
  for (let i = 0; i < c.dim; i++) x[i] += s.proj[i];
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
  /** Replaces GeGLU's gelu (tests: llama.cpp's CPU gelu, an f16 table); default the exact tanh approximation. */
  gelu?: (x: number) => number;
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

/** y += b. y, b: (n) */
function addBias(y: Float32Array, b: Float32Array | undefined): void {
  if (b) for (let i = 0; i < y.length; i++) y[i] += b[i];
}

/** A KV cache and scratch buffers around the weights; `forward` runs one token. */
export class ReferenceModel {
  readonly config: ModelConfig;
  /** The RoPE of 'global' layers (setRope replaces it) and of 'local' ones. */
  private rope: RopeTable;
  private readonly localRope: RopeTable | null;
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
  private readonly gelu: ((x: number) => number) | undefined;

  constructor(
    private readonly w: ReferenceWeights,
    readonly context: number,
    options: ReferenceOptions = {},
  ) {
    this.kvStore = kvStoreOf(options);
    this.gelu = options.gelu;
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
    this.rope = ropeTableFor(c.rope, context);
    this.localRope = c.localRope ? computeRope(c.localRope) : null;
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

  /** Uses this RoPE table for the global layers from now on (positions already cached keep their old rotation). */
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
    if (c.embeddingScale !== 1) for (let i = 0; i < c.dim; i++) x[i] *= c.embeddingScale;

    for (let l = 0; l < c.layers; l++) {
      const L = this.w.layers[l];
      const { rope: which, window } = c.layerAttention[l];
      rmsnorm(xn, x, L.attnNorm, c.rmsEps);
      this.product(q, L.wq, xn, qDim, c.dim);
      this.product(k, L.wk, xn, kvDim, c.dim);
      this.product(v, L.wv, xn, kvDim, c.dim);
      addBias(q, L.bq);
      addBias(k, L.bk);
      addBias(v, L.bv);
      if (L.qNorm && L.kNorm) {
        rmsnormHeads(q, c.heads, L.qNorm, c.rmsEps);
        rmsnormHeads(k, c.kvHeads, L.kNorm, c.rmsEps);
      }
      const rope = which === 'global' ? this.rope : which === 'local' ? this.localRope! : null;
      if (rope) {
        applyRope(q, c.heads, c.headDim, pos, rope.invFreq, rope.attentionFactor, c.pairing);
        applyRope(k, c.kvHeads, c.headDim, pos, rope.invFreq, rope.attentionFactor, c.pairing);
      }
      this.kvStore?.(l, pos, k, v);
      for (let h = 0; h < c.kvHeads; h++) {
        const at = (h * this.context + pos) * c.headDim;
        this.kCache[l].set(k.subarray(h * c.headDim, (h + 1) * c.headDim), at);
        this.vCache[l].set(v.subarray(h * c.headDim, (h + 1) * c.headDim), at);
      }
      attention(attn, q, this.kCache[l], this.vCache[l], c.heads, c.kvHeads, c.headDim, this.context, pos, c.attentionScale, window);
      this.product(proj, L.wo, attn, c.dim, qDim);
      if (L.postAttnNorm) rmsnorm(proj, proj, L.postAttnNorm, c.rmsEps);
      for (let i = 0; i < c.dim; i++) x[i] += proj[i];

      addFeedForward(x, L, c, this.ffn, this.product, this.gelu);
    }

    rmsnorm(xn, x, this.w.outputNorm, c.rmsEps);
    const logits = new Float32Array(c.vocabSize); // (vocab)
    this.product(logits, this.w.output, xn, c.vocabSize, c.dim);
    addBias(logits, this.w.outputBias);
    if (c.logitSoftcap > 0) softcap(logits, c.logitSoftcap);
    return logits;
  }
}
