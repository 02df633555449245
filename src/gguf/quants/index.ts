// dequantize / quantize for every type the lab supports, dispatching to one file per format family.
import { GGUFError } from '../errors.ts';
import { GGMLType, ggmlTypeName, supportedTypeList, tensorByteSize } from '../types.ts';
import { dequantizeBF16, dequantizeF16, dequantizeF32, quantizeF16, quantizeF32 } from './float.ts';
import { dequantizeQ4_K, dequantizeQ5_K, dequantizeQ6_K } from './k-quants.ts';
import { dequantizeQ4_0, dequantizeQ4_1, dequantizeQ5_0, dequantizeQ8_0, quantizeQ4_0, quantizeQ8_0 } from './legacy.ts';

const DEQUANTIZERS: Partial<Record<GGMLType, (bytes: Uint8Array, n: number) => Float32Array>> = {
  [GGMLType.F32]: dequantizeF32,
  [GGMLType.F16]: dequantizeF16,
  [GGMLType.BF16]: dequantizeBF16,
  [GGMLType.Q8_0]: dequantizeQ8_0,
  [GGMLType.Q4_0]: dequantizeQ4_0,
  [GGMLType.Q4_1]: dequantizeQ4_1,
  [GGMLType.Q5_0]: dequantizeQ5_0,
  [GGMLType.Q4_K]: dequantizeQ4_K,
  [GGMLType.Q5_K]: dequantizeQ5_K,
  [GGMLType.Q6_K]: dequantizeQ6_K,
};

export type QuantizableType = GGMLType.F32 | GGMLType.F16 | GGMLType.Q8_0 | GGMLType.Q4_0;

const QUANTIZERS: Record<QuantizableType, (values: Float32Array) => Uint8Array> = {
  [GGMLType.F32]: quantizeF32,
  [GGMLType.F16]: quantizeF16,
  [GGMLType.Q8_0]: quantizeQ8_0,
  [GGMLType.Q4_0]: quantizeQ4_0,
};

export const QUANTIZABLE_TYPES: ReadonlySet<GGMLType> = new Set(Object.keys(QUANTIZERS).map(Number));

/** `nElements` float32 values from their encoding in `type` (as ggml's dequantize_row_* computes them). */
export function dequantize(type: GGMLType, bytes: Uint8Array, nElements: number): Float32Array {
  const dequantizer = DEQUANTIZERS[type];
  if (!dequantizer) throw new GGUFError(`cannot dequantize ${ggmlTypeName(type)}; supported: ${supportedTypeList()}`);
  const needed = tensorByteSize(type, nElements);
  if (bytes.byteLength < needed) {
    throw new GGUFError(`${nElements} ${ggmlTypeName(type)} elements need ${needed} bytes, got ${bytes.byteLength}`);
  }
  return dequantizer(bytes, nElements);
}

/** Encodes `values` in `type` (as ggml's quantize_row_*_ref does); the length must fill whole blocks. */
export function quantize(type: QuantizableType, values: Float32Array): Uint8Array {
  const quantizer = QUANTIZERS[type];
  if (!quantizer) throw new GGUFError(`cannot quantize to ${ggmlTypeName(type)}; supported: F32, F16, Q8_0, Q4_0`);
  tensorByteSize(type, values.length); // throws unless the values fill whole blocks
  return quantizer(values);
}

export { bf16ToF32, f16ToF32, f32ToF16 } from './float.ts';
