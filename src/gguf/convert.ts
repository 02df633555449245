// Re-encoding a model to one target type, the way llama-quantize lays out a "mostly X" file:
// matrices whose rows fill whole blocks take the target type, everything else (norm vectors, and
// rows like ffn_down's 172 that are no multiple of 32) stays F32. Tensors are converted lazily,
// one at a time, so the output can be streamed.
import { GGUFError } from './errors.ts';
import type { ModelSource, TensorSource } from './model-source.ts';
import { dequantize, quantize, type QuantizableType } from './quants/index.ts';
import { GGMLType, typeInfo } from './types.ts';
import type { GGUFTypedValue } from './values.ts';
import { meta } from './writer.ts';

export const CONVERT_TARGETS = { f32: GGMLType.F32, f16: GGMLType.F16, q8_0: GGMLType.Q8_0, q4_0: GGMLType.Q4_0 } as const;
export type ConvertTarget = keyof typeof CONVERT_TARGETS;

/** llama.cpp's llama_ftype values for general.file_type. */
const FILE_TYPE: Record<ConvertTarget, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7 };
/** ggml's GGML_QNT_VERSION, recorded in quantized files. */
const QUANTIZATION_VERSION = 2;

/** The type a tensor gets when converting to `target`. */
export function targetTypeFor(tensor: Pick<TensorSource, 'dims'>, target: ConvertTarget): GGMLType {
  const type = CONVERT_TARGETS[target];
  const isMatrix = tensor.dims.length >= 2;
  return isMatrix && tensor.dims[0] % typeInfo(type).blockSize === 0 ? type : GGMLType.F32;
}

export function convertModel(source: ModelSource, target: ConvertTarget): ModelSource {
  if (!(target in CONVERT_TARGETS)) throw new GGUFError(`unknown target type '${target}' (use f32, f16, q8_0 or q4_0)`);
  const replaced = new Set(['general.file_type', 'general.quantization_version']);
  const metadata: Array<[string, GGUFTypedValue]> = source.metadata.filter(([key]) => !replaced.has(key));
  if (target === 'q8_0' || target === 'q4_0') metadata.push(['general.quantization_version', meta.u32(QUANTIZATION_VERSION)]);
  metadata.push(['general.file_type', meta.u32(FILE_TYPE[target])]);
  const tensors = source.tensors.map((t): TensorSource => {
    const type = targetTypeFor(t, target);
    if (type === t.type) return t;
    return {
      ...t,
      type,
      read: async () => quantize(type as QuantizableType, dequantize(t.type, await t.read(), t.nElements)),
    };
  });
  return { metadata, tensors };
}
