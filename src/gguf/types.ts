// ggml tensor types: ids as stored in GGUF files, block geometry, and which of them RoPE Lab can compute
// with. Ids and sizes follow ggml.h / ggml.c (`type_traits`); retired ids (4, 5, 31-33, 36-38) are absent.
import { GGUFError } from './errors.ts';

export enum GGMLType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
}

export interface TypeInfo {
  /** Elements per block: a row's length must be a multiple of it. */
  readonly blockSize: number;
  /** Bytes one block occupies in the file. */
  readonly bytesPerBlock: number;
}

/** K-quants and i-quants pack 256-element "super-blocks" (QK_K in ggml). */
export const QK_K = 256;

const TYPE_INFO: Readonly<Record<GGMLType, TypeInfo>> = {
  [GGMLType.F32]: { blockSize: 1, bytesPerBlock: 4 },
  [GGMLType.F16]: { blockSize: 1, bytesPerBlock: 2 },
  [GGMLType.Q4_0]: { blockSize: 32, bytesPerBlock: 18 },
  [GGMLType.Q4_1]: { blockSize: 32, bytesPerBlock: 20 },
  [GGMLType.Q5_0]: { blockSize: 32, bytesPerBlock: 22 },
  [GGMLType.Q5_1]: { blockSize: 32, bytesPerBlock: 24 },
  [GGMLType.Q8_0]: { blockSize: 32, bytesPerBlock: 34 },
  [GGMLType.Q8_1]: { blockSize: 32, bytesPerBlock: 36 },
  [GGMLType.Q2_K]: { blockSize: QK_K, bytesPerBlock: 84 },
  [GGMLType.Q3_K]: { blockSize: QK_K, bytesPerBlock: 110 },
  [GGMLType.Q4_K]: { blockSize: QK_K, bytesPerBlock: 144 },
  [GGMLType.Q5_K]: { blockSize: QK_K, bytesPerBlock: 176 },
  [GGMLType.Q6_K]: { blockSize: QK_K, bytesPerBlock: 210 },
  [GGMLType.Q8_K]: { blockSize: QK_K, bytesPerBlock: 292 },
  [GGMLType.IQ2_XXS]: { blockSize: QK_K, bytesPerBlock: 66 },
  [GGMLType.IQ2_XS]: { blockSize: QK_K, bytesPerBlock: 74 },
  [GGMLType.IQ3_XXS]: { blockSize: QK_K, bytesPerBlock: 98 },
  [GGMLType.IQ1_S]: { blockSize: QK_K, bytesPerBlock: 50 },
  [GGMLType.IQ4_NL]: { blockSize: 32, bytesPerBlock: 18 },
  [GGMLType.IQ3_S]: { blockSize: QK_K, bytesPerBlock: 110 },
  [GGMLType.IQ2_S]: { blockSize: QK_K, bytesPerBlock: 82 },
  [GGMLType.IQ4_XS]: { blockSize: QK_K, bytesPerBlock: 136 },
  [GGMLType.I8]: { blockSize: 1, bytesPerBlock: 1 },
  [GGMLType.I16]: { blockSize: 1, bytesPerBlock: 2 },
  [GGMLType.I32]: { blockSize: 1, bytesPerBlock: 4 },
  [GGMLType.I64]: { blockSize: 1, bytesPerBlock: 8 },
  [GGMLType.F64]: { blockSize: 1, bytesPerBlock: 8 },
  [GGMLType.IQ1_M]: { blockSize: QK_K, bytesPerBlock: 56 },
  [GGMLType.BF16]: { blockSize: 1, bytesPerBlock: 2 },
  [GGMLType.TQ1_0]: { blockSize: QK_K, bytesPerBlock: 54 },
  [GGMLType.TQ2_0]: { blockSize: QK_K, bytesPerBlock: 66 },
  [GGMLType.MXFP4]: { blockSize: 32, bytesPerBlock: 17 },
};

/** The types the lab can dequantize (and the engine can run). */
export const SUPPORTED_TYPES: ReadonlySet<GGMLType> = new Set([
  GGMLType.F32,
  GGMLType.F16,
  GGMLType.BF16,
  GGMLType.Q8_0,
  GGMLType.Q4_0,
  GGMLType.Q4_1,
  GGMLType.Q5_0,
  GGMLType.Q4_K,
  GGMLType.Q5_K,
  GGMLType.Q6_K,
]);

/** True for a type id ggml defines (supported by the lab or not). */
export function isKnownType(t: number): t is GGMLType {
  return Object.prototype.hasOwnProperty.call(TYPE_INFO, t);
}

/** "Q8_0" for 8; "unknown type 4" for ids ggml does not (or no longer) define. */
export function ggmlTypeName(t: number): string {
  return isKnownType(t) ? GGMLType[t] : `unknown type ${t}`;
}

export function typeInfo(t: GGMLType): TypeInfo {
  if (!isKnownType(t)) throw new GGUFError(`unknown ggml type ${t}`);
  return TYPE_INFO[t];
}

/** Bytes that `nElements` values of type `t` occupy; nElements must fill whole blocks. */
export function tensorByteSize(t: GGMLType, nElements: number): number {
  const { blockSize, bytesPerBlock } = typeInfo(t);
  if (!Number.isSafeInteger(nElements) || nElements < 0) throw new GGUFError(`bad element count ${nElements}`);
  if (nElements % blockSize !== 0) {
    throw new GGUFError(`${nElements} elements is not a whole number of ${ggmlTypeName(t)} blocks of ${blockSize}`);
  }
  return (nElements / blockSize) * bytesPerBlock;
}

/** "F32, F16, BF16, ..." for error messages. */
export function supportedTypeList(): string {
  return [...SUPPORTED_TYPES].map((t) => GGMLType[t]).join(', ');
}
