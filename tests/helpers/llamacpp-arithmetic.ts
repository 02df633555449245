// llama.cpp's CPU arithmetic for quantized weights, as a weight product for ReferenceModel
// (`ReferenceOptions.product`), so a test can tell the gap llama.cpp's own rounding makes from a real
// difference. ggml's CPU backend never multiplies a quantized matrix by f32 activations: it first
// quantizes each 32-value block of x to the weight type's `vec_dot_type` (ggml-cpu.c type_traits_cpu):
//   Q8_0, Q4_0 weights → Q8_0 activations: d = amax/127 stored as f16, q = round-to-even(x·(127/amax));
//   Q4_1 weights       → Q8_1 activations: the same d and q, plus s = f16(d·Σq), which the Q4_1 dot
//                        product multiplies by the block's min m (ggml_vec_dot_q4_1_q8_1:
//                        Σ d_w·d_x·Σ q_w·q_x + m·s).
// With x̃ = d·q the plain f32 product W·x̃ of the dequantized weights (d_w·q_w + m) already gives the
// first term and m·d·Σq; what is left is m·(s − d·Σq), the f16 rounding of s, added per block below.
import type { GGUFFile } from '../../src/gguf/index.ts';
import { GGMLType, f16ToF32, readTensorBytes } from '../../src/gguf/index.ts';
import { GLOBAL_TENSORS, layerTensorNames } from '../../src/engine/model-config.ts';
import { matvec, type Product, type ReferenceWeights } from '../../src/engine/reference.ts';

const BLOCK = 32;
/** Bytes of one Q4_1 block: f16 d, f16 m, 16 bytes of nibbles. */
const Q4_1_BLOCK_BYTES = 20;

/** Round to the nearest integer, ties to even (_mm256_round_ps with _MM_ROUND_NEAREST, F16C conversions). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The nearest f16 value of a float32 (finite range; subnormals below 2^-14 in steps of 2^-24). */
export function roundToF16(x: number): number {
  if (x === 0) return 0;
  const exponent = Math.max(Math.floor(Math.log2(Math.abs(x))), -14);
  const step = 2 ** (exponent - 10);
  return roundHalfEven(x / step) * step;
}

/**
 * x as ggml's quantize_row_q8_0 / quantize_row_q8_1 (x86 path) hand it to the dot product: out = d·q per
 * block. `sCorrection[b]` (when given) receives s − d·Σq of block b, the Q8_1 sum's f16 rounding.
 * x, out: (n·32), sCorrection: (n)
 */
export function throughQ8(out: Float32Array, x: Float32Array, sCorrection?: Float32Array): void {
  for (let b = 0; b < x.length; b += BLOCK) {
    let amax = 0;
    for (let i = b; i < b + BLOCK; i++) amax = Math.max(amax, Math.abs(x[i]));
    const dF32 = Math.fround(amax / 127);
    const d = roundToF16(dF32);
    const inverse = amax === 0 ? 0 : Math.fround(127 / amax);
    let sum = 0;
    for (let i = b; i < b + BLOCK; i++) {
      const q = roundHalfEven(Math.fround(x[i] * inverse));
      sum += q;
      out[i] = q * d;
    }
    if (sCorrection) sCorrection[b / BLOCK] = roundToF16(Math.fround(dF32 * sum)) - d * sum;
  }
}

/** Each Q4_1 block's min m as f32. bytes: the tensor's blocks, row-major. */
function q4_1Mins(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / Q4_1_BLOCK_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mins = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) mins[b] = f16ToF32(view.getUint16(b * Q4_1_BLOCK_BYTES + 2, true));
  return mins;
}

/** Every weight matrix of `weights` with the GGUF tensor name it came from. */
function namedMatrices(weights: ReferenceWeights): [string, Float32Array][] {
  const named: [string, Float32Array][] = [];
  weights.layers.forEach((L, l) => {
    const n = layerTensorNames(l);
    named.push([n.wq, L.wq], [n.wk, L.wk], [n.wv, L.wv], [n.wo, L.wo], [n.wGate, L.wGate], [n.wUp, L.wUp], [n.wDown, L.wDown]);
  });
  named.push([weights.config.tiedOutput ? GLOBAL_TENSORS.embedding : GLOBAL_TENSORS.output, weights.output]);
  return named;
}

/**
 * A ReferenceModel product doing what llama.cpp's CPU backend does for each matrix's GGUF type: F32
 * as is, Q8_0/Q4_0 through Q8_0 activations, Q4_1 through Q8_1 activations. Other types throw.
 */
export async function llamaCppProduct(file: GGUFFile, weights: ReferenceWeights): Promise<Product> {
  const kinds = new Map<Float32Array, { type: GGMLType; mins?: Float32Array }>();
  for (const [name, matrix] of namedMatrices(weights)) {
    const tensor = file.tensorsByName.get(name);
    if (!tensor) throw new Error(`GGUF lacks the tensor ${name}`);
    const { type } = tensor;
    if (type === GGMLType.Q4_1) kinds.set(matrix, { type, mins: q4_1Mins(await readTensorBytes(file, tensor)) });
    else if (type === GGMLType.F32 || type === GGMLType.Q8_0 || type === GGMLType.Q4_0) kinds.set(matrix, { type });
    else throw new Error(`${name}: the emulation covers F32, Q8_0, Q4_0 and Q4_1 weights, not type ${GGMLType[type]}`);
  }
  const c = weights.config;
  const widest = Math.max(c.dim, c.ffnDim, c.heads * c.headDim);
  const rounded = new Float32Array(widest);
  const correction = new Float32Array(widest / BLOCK);
  return (out, w, x, rows, cols) => {
    const kind = kinds.get(w);
    if (!kind) throw new Error(`a product with a matrix of ${rows}×${cols} not read from the file`);
    if (kind.type === GGMLType.F32) return matvec(out, w, x, rows, cols);
    const xq = rounded.subarray(0, cols);
    throughQ8(xq, x, kind.mins ? correction : undefined);
    matvec(out, w, xq, rows, cols);
    if (!kind.mins) return;
    const blocks = cols / BLOCK;
    for (let r = 0; r < rows; r++) {
      let extra = 0;
      for (let b = 0; b < blocks; b++) extra += kind.mins[r * blocks + b] * correction[b];
      out[r] += extra;
    }
  };
}
