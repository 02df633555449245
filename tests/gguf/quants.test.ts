// Dequantization of hand-built blocks, checked against expectations computed from the block layouts
// in ggml-common.h (packing written here the way ggml's quantizers pack, independently of the
// decoders), plus F16 rounding and the quantizers' tie and sign rules.
import { describe, expect, it } from 'vitest';
import { GGMLType, GGUFError, bf16ToF32, dequantize, f16ToF32, f32ToF16, quantize } from '../../src/gguf/index.ts';

const HALF_ONE = 0x3c00;
const halfBytes = (h: number) => [h & 0xff, h >> 8];

describe('F16 / BF16 conversion', () => {
  it('known values, rounding ties to even, overflow and subnormals', () => {
    expect(f16ToF32(0x3c00)).toBe(1);
    expect(f16ToF32(0xc000)).toBe(-2);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0x7e00)).toBeNaN();
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even mantissa
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(f32ToF16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(f32ToF16(65519)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds up past the largest half
    expect(f32ToF16(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal -> 0
    expect(f32ToF16(1.5 * 2 ** -25)).toBe(1);
    expect(f32ToF16(-0)).toBe(0x8000);
    expect(f32ToF16(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up from the top subnormal into the normals
  });

  it('every half value survives F16 -> F32 -> F16', () => {
    for (let h = 0; h < 65536; h++) {
      if (((h >> 10) & 0x1f) === 0x1f && h & 0x3ff) continue; // NaN payloads
      if (f32ToF16(f16ToF32(h)) !== h) throw new Error(`half 0x${h.toString(16)} did not round-trip`);
    }
  });

  it('BF16 is the top half of an F32', () => {
    expect(bf16ToF32(0x3f80)).toBe(1);
    expect(bf16ToF32(0xc040)).toBe(-3);
    expect(dequantize(GGMLType.BF16, new Uint8Array([0x80, 0x3f, 0x40, 0xc0]), 2)).toEqual(new Float32Array([1, -3]));
  });
});

describe('legacy 32-element blocks', () => {
  it('Q8_0: value = int8 * d', () => {
    const qs = Array.from({ length: 32 }, (_, j) => j * 8 - 128); // -128 .. 120
    const block = new Uint8Array([...halfBytes(0x3800 /* 0.5 */), ...qs.map((q) => q & 0xff)]);
    expect(Array.from(dequantize(GGMLType.Q8_0, block, 32))).toEqual(qs.map((q) => q * 0.5));
  });

  it('Q4_0: low nibbles are elements 0-15, high nibbles 16-31, offset by 8', () => {
    const nibbles = Array.from({ length: 32 }, (_, j) => (j * 7) % 16);
    const qs = Array.from({ length: 16 }, (_, j) => nibbles[j] | (nibbles[j + 16] << 4));
    const block = new Uint8Array([...halfBytes(0x3400 /* 0.25 */), ...qs]);
    expect(Array.from(dequantize(GGMLType.Q4_0, block, 32))).toEqual(nibbles.map((q) => (q - 8) * 0.25));
  });

  it('Q4_1: value = q * d + m', () => {
    const nibbles = Array.from({ length: 32 }, (_, j) => 15 - (j % 16));
    const qs = Array.from({ length: 16 }, (_, j) => nibbles[j] | (nibbles[j + 16] << 4));
    const block = new Uint8Array([...halfBytes(0x4000 /* 2 */), ...halfBytes(0xbc00 /* -1 */), ...qs]);
    expect(Array.from(dequantize(GGMLType.Q4_1, block, 32))).toEqual(nibbles.map((q) => q * 2 - 1));
  });

  it('Q5_0: bit j of qh is the fifth bit of element j', () => {
    const values = Array.from({ length: 32 }, (_, j) => (j * 11) % 32);
    let qh = 0;
    values.forEach((v, j) => (qh |= (v >> 4) << j));
    const qs = Array.from({ length: 16 }, (_, j) => (values[j] & 15) | ((values[j + 16] & 15) << 4));
    const block = new Uint8Array([...halfBytes(HALF_ONE), qh & 0xff, (qh >>> 8) & 0xff, (qh >>> 16) & 0xff, qh >>> 24, ...qs]);
    expect(Array.from(dequantize(GGMLType.Q5_0, block, 32))).toEqual(values.map((q) => q - 16));
  });
});

/** Packs 8 six-bit scales and mins into 12 bytes the way quantize_row_q4_K_ref does. */
function packScalesK4(scales: number[], mins: number[]): number[] {
  const out = new Array<number>(12).fill(0);
  for (let j = 0; j < 8; j++) {
    if (j < 4) {
      out[j] = scales[j];
      out[j + 4] = mins[j];
    } else {
      out[j + 4] = (scales[j] & 0xf) | ((mins[j] & 0xf) << 4);
      out[j - 4] |= (scales[j] >> 4) << 6;
      out[j] |= (mins[j] >> 4) << 6;
    }
  }
  return out;
}

describe('K-quant super-blocks (256 elements)', () => {
  const scales = [1, 63, 17, 40, 33, 2, 60, 48]; // values >= 16 exercise the split high bits
  const mins = [0, 5, 63, 32, 16, 47, 1, 20];
  const d = 0.5,
    dmin = 0.25; // F16 0x3800, 0x3400

  it('Q4_K: element 64c + l uses sub-block 2c (low nibble) / 2c + 1 (high nibble) of byte 32c + l', () => {
    const q = Array.from({ length: 256 }, (_, i) => (i * 5 + 3) % 16);
    const qs = new Array<number>(128);
    for (let c = 0; c < 4; c++) for (let l = 0; l < 32; l++) qs[32 * c + l] = q[64 * c + l] | (q[64 * c + 32 + l] << 4);
    const block = new Uint8Array([...halfBytes(0x3800), ...halfBytes(0x3400), ...packScalesK4(scales, mins), ...qs]);
    expect(block.byteLength).toBe(144);
    const expected = q.map((v, i) => d * scales[i >> 5] * v - dmin * mins[i >> 5]);
    expect(Array.from(dequantize(GGMLType.Q4_K, block, 256))).toEqual(expected);
  });

  it('Q5_K: the fifth bit of element 64c + l is bit 2c (first 32) or 2c + 1 (next 32) of qh[l]', () => {
    const q = Array.from({ length: 256 }, (_, i) => (i * 13 + 7) % 32);
    const qh = new Array<number>(32).fill(0);
    const qs = new Array<number>(128);
    for (let c = 0; c < 4; c++) {
      for (let l = 0; l < 32; l++) {
        const lo = q[64 * c + l],
          hi = q[64 * c + 32 + l];
        qs[32 * c + l] = (lo & 15) | ((hi & 15) << 4);
        qh[l] |= ((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1));
      }
    }
    const block = new Uint8Array([...halfBytes(0x3800), ...halfBytes(0x3400), ...packScalesK4(scales, mins), ...qh, ...qs]);
    expect(block.byteLength).toBe(176);
    const expected = q.map((v, i) => d * scales[i >> 5] * v - dmin * mins[i >> 5]);
    expect(Array.from(dequantize(GGMLType.Q5_K, block, 256))).toEqual(expected);
  });

  it('Q6_K: 6-bit values from ql/qh, one signed scale per 16 elements, minus 32', () => {
    const L = Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 64);
    const signedScales = Array.from({ length: 16 }, (_, i) => [-128, 127, -3, 5, 64, -64, 1, -1, 2, -7, 100, -100, 31, 0, 9, -2][i]);
    const ql = new Array<number>(128),
      qh = new Array<number>(64);
    for (let half = 0; half < 2; half++) {
      const Lh = L.slice(128 * half);
      for (let l = 0; l < 32; l++) {
        ql[64 * half + l] = (Lh[l] & 15) | ((Lh[l + 64] & 15) << 4);
        ql[64 * half + l + 32] = (Lh[l + 32] & 15) | ((Lh[l + 96] & 15) << 4);
        qh[32 * half + l] = (Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) | ((Lh[l + 64] >> 4) << 4) | ((Lh[l + 96] >> 4) << 6);
      }
    }
    const block = new Uint8Array([...ql, ...qh, ...signedScales.map((s) => s & 0xff), ...halfBytes(0x3400 /* 0.25 */)]);
    expect(block.byteLength).toBe(210);
    const expected = L.map((v, i) => 0.25 * signedScales[i >> 4] * (v - 32));
    expect(Array.from(dequantize(GGMLType.Q6_K, block, 256))).toEqual(expected);
  });

  it('handles several super-blocks in a row', () => {
    const block = new Uint8Array(210);
    block[192] = 1; // first scale
    block[209] = 0x3c; // d = 1
    const two = new Uint8Array([...block, ...block.map((b, i) => (i === 0 ? 5 : b))]);
    const out = dequantize(GGMLType.Q6_K, two, 512);
    expect(out[0]).toBe(-32);
    expect(out[256]).toBe(5 - 32);
  });
});

describe('quantizers follow ggml reference rules', () => {
  it('Q8_0 rounds halves away from zero', () => {
    const values = new Float32Array(32);
    values.set([127, 63.5, -63.5, 0.5, -0.5, -127]);
    const bytes = quantize(GGMLType.Q8_0, values);
    expect(bytes[0] | (bytes[1] << 8)).toBe(HALF_ONE); // d = 127 / 127
    expect(Array.from(new Int8Array(bytes.buffer, 2, 6))).toEqual([127, 64, -64, 1, -1, -127]);
  });

  it('Q4_0 takes d from the signed extreme (first on ties), mapping it to level 0', () => {
    const values = new Float32Array(32);
    values.set([3, -3, 1.5]);
    const bytes = quantize(GGMLType.Q4_0, values);
    expect(f16ToF32(bytes[0] | (bytes[1] << 8))).toBe(-0.375); // max = +3 (first of |3| = |-3|), d = 3 / -8
    const back = dequantize(GGMLType.Q4_0, bytes, 32);
    expect(back[0]).toBe(3);
    expect(back[1]).toBeCloseTo(-2.625, 6); // -3 clips to level 15: 7 * -0.375
    expect(back[2]).toBe(1.5);
  });

  it('all-zero blocks give d = 0 (Q4_0: -0, as C computes 0 / -8) and decode to zeros', () => {
    const zeros = new Float32Array(64);
    const q8 = quantize(GGMLType.Q8_0, zeros);
    expect(q8.every((b) => b === 0)).toBe(true);
    const q4 = quantize(GGMLType.Q4_0, zeros);
    expect(q4[0] | (q4[1] << 8)).toBe(0x8000);
    expect(Array.from(dequantize(GGMLType.Q4_0, q4, 64)).every((v) => v === 0)).toBe(true);
  });

  it('round-trip error stays within half a step (Q8_0) and one step (Q4_0) of each block', () => {
    let seed = 7;
    const values = Float32Array.from(
      { length: 32 * 200 },
      () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * (1 + (seed % 7)),
    );
    for (const [type, steps, bound] of [
      [GGMLType.Q8_0, 127, 0.5 + 127 * 2 ** -11],
      [GGMLType.Q4_0, 8, 1 + 8 * 2 ** -11],
    ] as const) {
      const back = dequantize(type, quantize(type, values), values.length);
      for (let b = 0; b < values.length; b += 32) {
        const amax = Math.max(...values.subarray(b, b + 32).map(Math.abs));
        for (let j = b; j < b + 32; j++) expect(Math.abs(back[j] - values[j])).toBeLessThanOrEqual((amax / steps) * bound);
      }
    }
  });

  it('refuses partial blocks, short buffers and unsupported types', () => {
    expect(() => quantize(GGMLType.Q8_0, new Float32Array(33))).toThrow(/33 elements is not a whole number of Q8_0 blocks of 32/);
    expect(() => dequantize(GGMLType.Q4_K, new Uint8Array(100), 256)).toThrow(/256 Q4_K elements need 144 bytes, got 100/);
    expect(() => dequantize(GGMLType.IQ2_XXS, new Uint8Array(66), 256)).toThrow(GGUFError);
    expect(() => quantize(GGMLType.Q4_K as never, new Float32Array(256))).toThrow(/cannot quantize to Q4_K/);
  });
});
