// IEEE half (F16), bfloat16 (BF16) and single (F32) conversions. F16 -> F32 is exact; F32 -> F16
// rounds to nearest, ties to even, like ggml's GGML_FP32_TO_FP16 and numpy's astype(float16).

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

let halfTable: Float32Array | undefined;
/** All 65,536 half values, built once: a lookup beats bit twiddling per element. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) halfTable[h] = sign * mant * 2 ** -24;
    else if (exp === 31) halfTable[h] = mant ? NaN : sign * Infinity;
    else halfTable[h] = sign * (1024 + mant) * 2 ** (exp - 25);
  }
  return halfTable;
}

export function f16ToF32(bits: number): number {
  return halfToFloatTable()[bits & 0xffff];
}

export function bf16ToF32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0];
}

/** Rounds `value` to the nearest F16 and returns its 16-bit pattern. */
export function f32ToF16(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Below the smallest normal half: a subnormal (or zero) with the implicit bit shifted in.
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(full, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (and up to infinity).
  return sign | ((e << 10) + roundShift(mant, 13));
}

/** value >> shift, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && kept & 1) ? kept + 1 : kept;
}

export function dequantizeF32(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
  return out;
}

export function dequantizeF16(bytes: Uint8Array, n: number): Float32Array {
  const table = halfToFloatTable();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = table[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
  return out;
}

export function dequantizeBF16(bytes: Uint8Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >>> 0;
  return out;
}

export function quantizeF32(values: Float32Array): Uint8Array {
  return new Uint8Array(values.slice().buffer);
}

export function quantizeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const h = f32ToF16(values[i]);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >> 8;
  }
  return out;
}
