// GGUF metadata value types (gguf.h `enum gguf_type`) and the JS values they read into.

export enum GGUFValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** 64-bit integers read as numbers when exactly representable, as bigint otherwise. */
export type GGUFValue = number | bigint | string | boolean | GGUFValue[];

/** A value together with the type it has (or will have) in the file, so files can be rewritten faithfully. */
export interface GGUFTypedValue {
  type: GGUFValueType;
  /** For arrays: the type of every element. GGUF arrays are homogeneous and, here as in llama.cpp, not nested. */
  elementType?: GGUFValueType;
  value: GGUFValue;
}

/** Bytes of one value of a fixed-size type; undefined for STRING and ARRAY. */
export const FIXED_VALUE_SIZE: Partial<Record<GGUFValueType, number>> = {
  [GGUFValueType.UINT8]: 1,
  [GGUFValueType.INT8]: 1,
  [GGUFValueType.BOOL]: 1,
  [GGUFValueType.UINT16]: 2,
  [GGUFValueType.INT16]: 2,
  [GGUFValueType.UINT32]: 4,
  [GGUFValueType.INT32]: 4,
  [GGUFValueType.FLOAT32]: 4,
  [GGUFValueType.UINT64]: 8,
  [GGUFValueType.INT64]: 8,
  [GGUFValueType.FLOAT64]: 8,
};

export function isValueType(t: number): t is GGUFValueType {
  return Number.isInteger(t) && t >= GGUFValueType.UINT8 && t <= GGUFValueType.FLOAT64;
}

export function valueTypeName(t: number): string {
  return isValueType(t) ? GGUFValueType[t] : `unknown value type ${t}`;
}
