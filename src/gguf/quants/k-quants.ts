// K-quants (ggml-common.h): 256-element super-blocks split into sub-blocks, each with its own
// quantized scale (and min), the scales themselves scaled by F16 super-block factors.
// Mirrors ggml-quants.c dequantize_row_q{4,5,6}_K. Every product below is exact in float32 (at most
// 22 significant bits), so computing in doubles and storing to a Float32Array rounds once, as C does.
import { QK_K } from '../types.ts';
import { f16ToF32 } from './float.ts';

function halfAt(bytes: Uint8Array, at: number): number {
  return f16ToF32(bytes[at] | (bytes[at + 1] << 8));
}

/**
 * get_scale_min_k4: 8 six-bit scales and 8 six-bit mins packed in 12 bytes. Sub-blocks 0-3 use the low
 * 6 bits of bytes 0-3 (scales) and 4-7 (mins); sub-blocks 4-7 take 4 low bits from bytes 8-11 and
 * their top 2 bits from the spare high bits of bytes 0-7.
 */
export function scaleMinK4(j: number, scales: Uint8Array, at: number): [scale: number, min: number] {
  if (j < 4) return [scales[at + j] & 63, scales[at + j + 4] & 63];
  return [(scales[at + j + 4] & 0x0f) | ((scales[at + j - 4] >> 6) << 4), (scales[at + j + 4] >> 4) | ((scales[at + j] >> 6) << 4)];
}

/** block_q4_K (144 bytes): F16 d, F16 dmin, 12 scale bytes, 128 bytes of nibbles. value = d*sc*q - dmin*m. */
export function dequantizeQ4_K(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  let y = 0;
  for (let at = 0; at < (n / QK_K) * 144; at += 144) {
    const d = halfAt(bytes, at);
    const dmin = halfAt(bytes, at + 2);
    let q = at + 16;
    for (let sub = 0; sub < 8; sub += 2) {
      const [sc1, m1] = scaleMinK4(sub, bytes, at + 4);
      const [sc2, m2] = scaleMinK4(sub + 1, bytes, at + 4);
      const d1 = d * sc1,
        min1 = dmin * m1,
        d2 = d * sc2,
        min2 = dmin * m2;
      for (let l = 0; l < 32; l++) out[y++] = d1 * (bytes[q + l] & 0x0f) - min1;
      for (let l = 0; l < 32; l++) out[y++] = d2 * (bytes[q + l] >> 4) - min2;
      q += 32;
    }
  }
  return out;
}

/** block_q5_K (176 bytes): d, dmin, 12 scale bytes, 32 bytes of fifth bits (qh), 128 bytes of nibbles. */
export function dequantizeQ5_K(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  let y = 0;
  for (let at = 0; at < (n / QK_K) * 176; at += 176) {
    const d = halfAt(bytes, at);
    const dmin = halfAt(bytes, at + 2);
    const qh = at + 16;
    let ql = at + 48;
    let u1 = 1,
      u2 = 2;
    for (let sub = 0; sub < 8; sub += 2) {
      const [sc1, m1] = scaleMinK4(sub, bytes, at + 4);
      const [sc2, m2] = scaleMinK4(sub + 1, bytes, at + 4);
      const d1 = d * sc1,
        min1 = dmin * m1,
        d2 = d * sc2,
        min2 = dmin * m2;
      for (let l = 0; l < 32; l++) out[y++] = d1 * ((bytes[ql + l] & 0x0f) + (bytes[qh + l] & u1 ? 16 : 0)) - min1;
      for (let l = 0; l < 32; l++) out[y++] = d2 * ((bytes[ql + l] >> 4) + (bytes[qh + l] & u2 ? 16 : 0)) - min2;
      ql += 32;
      u1 <<= 2;
      u2 <<= 2;
    }
  }
  return out;
}

/**
 * block_q6_K (210 bytes): 128 bytes of low nibbles (ql), 64 bytes of 2-bit high parts (qh), 16 int8
 * scales (one per 16 elements), F16 d. value = d * scale * (q - 32).
 */
export function dequantizeQ6_K(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let block = 0; block < n / QK_K; block++) {
    const at = block * 210;
    const d = halfAt(bytes, at + 208);
    for (let half = 0; half < 2; half++) {
      const ql = at + half * 64;
      const qh = at + 128 + half * 32;
      const sc = at + 192 + half * 8;
      const y = block * QK_K + half * 128;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const q1 = ((bytes[ql + l] & 0x0f) | (((bytes[qh + l] >> 0) & 3) << 4)) - 32;
        const q2 = ((bytes[ql + l + 32] & 0x0f) | (((bytes[qh + l] >> 2) & 3) << 4)) - 32;
        const q3 = ((bytes[ql + l] >> 4) | (((bytes[qh + l] >> 4) & 3) << 4)) - 32;
        const q4 = ((bytes[ql + l + 32] >> 4) | (((bytes[qh + l] >> 6) & 3) << 4)) - 32;
        out[y + l] = d * int8(bytes[sc + is]) * q1;
        out[y + l + 32] = d * int8(bytes[sc + is + 2]) * q2;
        out[y + l + 64] = d * int8(bytes[sc + is + 4]) * q3;
        out[y + l + 96] = d * int8(bytes[sc + is + 6]) * q4;
      }
    }
  }
  return out;
}

function int8(b: number): number {
  return (b << 24) >> 24;
}
