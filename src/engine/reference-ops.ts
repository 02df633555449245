// The CPU reference's operations, each on plain Float32Arrays with its shapes in the comment: the
// vocabulary reference.ts's forward pass is written in (and the GPU kernels are tested against).
import { f16ToF32, f32ToF16 } from '../gguf/index.ts';
import type { RotationPairing } from './architectures.ts';

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
 * Rotates each head of `vec` in place by angle pos·invFreq[i] per pair, with cos and sin scaled by
 * `attentionFactor` (yarn's mscale). 'adjacent' pairs are (2i, 2i+1) (llama.cpp's NORM: Llama), 'neox'
 * pairs are (i, i + r/2) with r = 2·invFreq.length the rotated dims (llama.cpp's NEOX: Qwen, Gemma, Phi).
 * Dims beyond r (partial rotary) are left alone. vec: (heads, headDim), invFreq: (r/2 ≤ headDim/2)
 */
export function applyRope(
  vec: Float32Array,
  heads: number,
  headDim: number,
  pos: number,
  invFreq: ArrayLike<number>,
  attentionFactor: number,
  pairing: RotationPairing = 'adjacent',
): void {
  const half = invFreq.length;
  for (let i = 0; i < half; i++) {
    const angle = pos * invFreq[i];
    const cos = Math.cos(angle) * attentionFactor;
    const sin = Math.sin(angle) * attentionFactor;
    // the pair's two dims within a head
    const first = pairing === 'neox' ? i : 2 * i;
    const second = pairing === 'neox' ? i + half : 2 * i + 1;
    for (let h = 0; h < heads; h++) {
      const j = h * headDim + first;
      const k = h * headDim + second;
      const a = vec[j];
      const b = vec[k];
      vec[j] = a * cos - b * sin;
      vec[k] = a * sin + b * cos;
    }
  }
}

/** Per-head RMSNorm in place (Qwen3's and Gemma 3's q/k norm): each head of `vec` by `weight`. vec: (heads, headDim), weight: (headDim) */
export function rmsnormHeads(vec: Float32Array, heads: number, weight: Float32Array, eps: number): void {
  const headDim = weight.length;
  for (let h = 0; h < heads; h++) {
    const head = vec.subarray(h * headDim, (h + 1) * headDim);
    rmsnorm(head, head, weight, eps);
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
 * Causal grouped-query attention of one query position over cache positions start..pos, start = 0 or,
 * with a sliding window w > 0, max(0, pos − w + 1). Scores are q·k · scale (default 1/√headDim).
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
  scale = 1 / Math.sqrt(headDim),
  window = 0,
): void {
  const start = window > 0 ? Math.max(0, pos - window + 1) : 0;
  const n = pos + 1 - start;
  const scores = new Float32Array(n); // (n): positions start..pos
  for (let h = 0; h < heads; h++) {
    const kvBase = Math.floor(h / (heads / kvHeads)) * context * headDim;
    for (let t = start; t <= pos; t++) {
      let dot = 0;
      for (let d = 0; d < headDim; d++) dot += q[h * headDim + d] * kCache[kvBase + t * headDim + d];
      scores[t - start] = dot * scale;
    }
    softmax(scores, n);
    for (let d = 0; d < headDim; d++) {
      let acc = 0;
      for (let t = start; t <= pos; t++) acc += scores[t - start] * vCache[kvBase + t * headDim + d];
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

/** GELU's tanh approximation (Gemma's gelu_pytorch_tanh): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** gate = gelu(gate) ⊙ up, GeGLU's gating; `gelu` replaceable (tests: llama.cpp's f16 table). gate, up: (n) */
export function geglu(gate: Float32Array, up: Float32Array, gelu: (x: number) => number = geluTanh): void {
  for (let i = 0; i < gate.length; i++) gate[i] = gelu(gate[i]) * up[i];
}

/** In place: x = cap·tanh(x/cap) (Gemma's final logit softcapping). x: (n) */
export function softcap(x: Float32Array, cap: number): void {
  for (let i = 0; i < x.length; i++) x[i] = cap * Math.tanh(x[i] / cap);
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
