// The original 32-element block formats (ggml-common.h): one F16 scale `d` per block, then packed
// integers. Dequantization mirrors ggml-quants.c dequantize_row_* (int x F16 products are exact in
// float32, so plain JS arithmetic gives C's results); quantization of Q8_0 and Q4_0
// mirrors quantize_row_*_ref, the deterministic reference llama-quantize uses, step for step in
// float32 (Math.fround) so the bytes come out identical.
import { f16ToF32, f32ToF16 } from './float.ts';

const QK = 32;
const fround = Math.fround;

function halfAt(bytes: Uint8Array, at: number): number {
  return f16ToF32(bytes[at] | (bytes[at + 1] << 8));
}

function writeHalf(bytes: Uint8Array, at: number, value: number): void {
  const h = f32ToF16(value);
  bytes[at] = h & 0xff;
  bytes[at + 1] = h >> 8;
}

/** block_q8_0: F16 d, 32 x int8. value = q * d. */
export function dequantizeQ8_0(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let b = 0, at = 0; b < n / QK; b++, at += 34) {
    const d = halfAt(bytes, at);
    for (let j = 0; j < QK; j++) out[b * QK + j] = ((bytes[at + 2 + j] << 24) >> 24) * d;
  }
  return out;
}

/** block_q4_0: F16 d, 16 bytes; low nibbles are elements 0..15, high nibbles 16..31. value = (q - 8) * d. */
export function dequantizeQ4_0(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let b = 0, at = 0; b < n / QK; b++, at += 18) {
    const d = halfAt(bytes, at);
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[at + 2 + j];
      out[b * QK + j] = ((q & 0x0f) - 8) * d;
      out[b * QK + j + QK / 2] = ((q >> 4) - 8) * d;
    }
  }
  return out;
}

/**
 * block_q4_1: F16 d, F16 m, 16 bytes of nibbles. value = q * d + m. Both terms are F16-scale values,
 * so the double sum is exact and the store to float32 rounds once, as C's float arithmetic does.
 */
export function dequantizeQ4_1(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let b = 0, at = 0; b < n / QK; b++, at += 20) {
    const d = halfAt(bytes, at);
    const m = halfAt(bytes, at + 2);
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[at + 4 + j];
      out[b * QK + j] = (q & 0x0f) * d + m;
      out[b * QK + j + QK / 2] = (q >> 4) * d + m;
    }
  }
  return out;
}

/** block_q5_0: F16 d, u32 qh (bit j = fifth bit of element j), 16 bytes of nibbles. value = (q - 16) * d. */
export function dequantizeQ5_0(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let b = 0, at = 0; b < n / QK; b++, at += 22) {
    const d = halfAt(bytes, at);
    const qh = (bytes[at + 2] | (bytes[at + 3] << 8) | (bytes[at + 4] << 16) | (bytes[at + 5] << 24)) >>> 0;
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[at + 6 + j];
      const high0 = ((qh >>> j) << 4) & 0x10;
      const high1 = (qh >>> (j + 12)) & 0x10;
      out[b * QK + j] = (((q & 0x0f) | high0) - 16) * d;
      out[b * QK + j + QK / 2] = (((q >> 4) | high1) - 16) * d;
    }
  }
  return out;
}

/** quantize_row_q8_0_ref: d = max|x| / 127, q = round-half-away(x / d). */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / QK) * 34);
  for (let b = 0, at = 0; b < values.length / QK; b++, at += 34) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(values[b * QK + j]));
    const d = fround(amax / 127);
    const id = d ? fround(1 / d) : 0;
    writeHalf(out, at, d);
    for (let j = 0; j < QK; j++) out[at + 2 + j] = roundHalfAway(fround(values[b * QK + j] * id)) & 0xff;
  }
  return out;
}

/**
 * quantize_row_q4_0_ref: d = max / -8, where max is the signed value of largest magnitude (the first
 * one on ties), so that value maps to q = 0 exactly and the other side gets the extra level.
 */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / QK) * 18);
  for (let b = 0, at = 0; b < values.length / QK; b++, at += 18) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = values[b * QK + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = fround(max / -8);
    const id = d ? fround(1 / d) : 0;
    writeHalf(out, at, d);
    for (let j = 0; j < QK / 2; j++) {
      const q0 = Math.min(15, Math.trunc(fround(fround(values[b * QK + j] * id) + 8.5)));
      const q1 = Math.min(15, Math.trunc(fround(fround(values[b * QK + j + QK / 2] * id) + 8.5)));
      out[at + 2 + j] = q0 | (q1 << 4);
    }
  }
  return out;
}

/** C's roundf: halves go away from zero (Math.round sends -2.5 to -2). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
