// GGUF v3 writer. The header is built in memory (it holds metadata and the tensor directory, a few
// MB at most); tensor data goes out one tensor at a time through a sink, so a converter never holds
// a whole model. writeGGUF is the in-memory convenience for small files and tests.
import { ByteWriter } from './byte-writer.ts';
import { GGUFError } from './errors.ts';
import { type GGMLType, ggmlTypeName, isKnownType, tensorByteSize, typeInfo } from './types.ts';
import { GGUFValueType, valueTypeName, type GGUFTypedValue, type GGUFValue } from './values.ts';

export type GGUFMetadataToWrite = Map<string, GGUFTypedValue> | Iterable<[string, GGUFTypedValue]>;

export interface GGUFTensorDescriptor {
  name: string;
  /** ggml order: dims[0] is the row length. */
  dims: number[];
  type: GGMLType;
}

export interface GGUFTensorToWrite extends GGUFTensorDescriptor {
  data: Uint8Array;
}

const DEFAULT_ALIGNMENT = 32;

export interface EncodedHeader {
  /** Header bytes, padded so tensor data starts right after them. */
  header: Uint8Array;
  alignment: number;
  /** Offset of each tensor relative to the start of tensor data. */
  relativeOffsets: number[];
  byteSizes: number[];
}

/** Encodes the header for `tensors` (in this order), honouring a `general.alignment` entry. */
export function encodeGGUFHeader(metadata: GGUFMetadataToWrite, tensors: GGUFTensorDescriptor[]): EncodedHeader {
  const entries = [...metadata];
  const alignment = alignmentOf(entries);
  const w = new ByteWriter();
  w.raw(new TextEncoder().encode('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(entries.length);
  const keys = new Set<string>();
  for (const [key, typed] of entries) {
    if (keys.has(key)) throw new GGUFError(`duplicate metadata key '${key}'`);
    keys.add(key);
    w.string(key);
    w.u32(typed.type);
    writeValue(w, key, typed);
  }
  const names = new Set<string>();
  const relativeOffsets: number[] = [];
  const byteSizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    if (names.has(t.name)) throw new GGUFError(`duplicate tensor '${t.name}'`);
    names.add(t.name);
    const byteSize = checkedByteSize(t);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(offset);
    relativeOffsets.push(offset);
    byteSizes.push(byteSize);
    offset += Math.ceil(byteSize / alignment) * alignment;
  }
  w.padTo(alignment);
  return { header: w.finish(), alignment, relativeOffsets, byteSizes };
}

/** Streams a GGUF file to `sink`: the header, then each tensor's bytes (from `dataOf`) padded to alignment. */
export async function writeGGUFStream(
  metadata: GGUFMetadataToWrite,
  tensors: GGUFTensorDescriptor[],
  dataOf: (tensor: GGUFTensorDescriptor, index: number) => Promise<Uint8Array> | Uint8Array,
  sink: (chunk: Uint8Array) => Promise<void> | void,
): Promise<number> {
  const { header, alignment, byteSizes } = encodeGGUFHeader(metadata, tensors);
  await sink(header);
  let written = header.byteLength;
  for (let i = 0; i < tensors.length; i++) {
    const data = await dataOf(tensors[i], i);
    if (data.byteLength !== byteSizes[i]) {
      throw new GGUFError(`tensor '${tensors[i].name}': got ${data.byteLength} bytes of data, its shape and type need ${byteSizes[i]}`);
    }
    await sink(data);
    // Like llama.cpp, pad every tensor (the last too), so the file size is a multiple of the alignment.
    const padding = (alignment - (data.byteLength % alignment)) % alignment;
    if (padding > 0) await sink(new Uint8Array(padding));
    written += data.byteLength + padding;
  }
  return written;
}

/** A whole GGUF file in memory (tests, small models). */
export function writeGGUF(metadata: GGUFMetadataToWrite, tensors: GGUFTensorToWrite[]): Uint8Array<ArrayBuffer> {
  const { header, alignment, relativeOffsets, byteSizes } = encodeGGUFHeader(metadata, tensors);
  const last = tensors.length - 1;
  const dataBytes = last >= 0 ? Math.ceil((relativeOffsets[last] + byteSizes[last]) / alignment) * alignment : 0;
  const out = new Uint8Array(header.byteLength + dataBytes);
  out.set(header);
  tensors.forEach((t, i) => {
    if (t.data.byteLength !== byteSizes[i]) {
      throw new GGUFError(`tensor '${t.name}': got ${t.data.byteLength} bytes of data, its shape and type need ${byteSizes[i]}`);
    }
    out.set(t.data, header.byteLength + relativeOffsets[i]);
  });
  return out;
}

function alignmentOf(entries: Array<[string, GGUFTypedValue]>): number {
  const entry = entries.find(([key]) => key === 'general.alignment');
  if (!entry) return DEFAULT_ALIGNMENT;
  const n = entry[1].value;
  if (entry[1].type !== GGUFValueType.UINT32 || typeof n !== 'number' || n <= 0 || (n & (n - 1)) !== 0) {
    throw new GGUFError(`general.alignment must be a UINT32 power of two, got ${String(n)}`);
  }
  return n;
}

function checkedByteSize(t: GGUFTensorDescriptor): number {
  if (!isKnownType(t.type)) throw new GGUFError(`tensor '${t.name}' has unknown type ${t.type}`);
  if (t.dims.length < 1 || t.dims.length > 4 || t.dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new GGUFError(`tensor '${t.name}' has invalid shape [${t.dims.join(', ')}]`);
  }
  if (t.dims[0] % typeInfo(t.type).blockSize !== 0) {
    throw new GGUFError(`tensor '${t.name}': row length ${t.dims[0]} is not a multiple of the ${ggmlTypeName(t.type)} block size`);
  }
  return tensorByteSize(
    t.type,
    t.dims.reduce((a, b) => a * b, 1),
  );
}

function writeValue(w: ByteWriter, key: string, typed: GGUFTypedValue): void {
  if (typed.type === GGUFValueType.ARRAY) {
    const { elementType, value } = typed;
    if (elementType === undefined || elementType === GGUFValueType.ARRAY || !Array.isArray(value)) {
      throw new GGUFError(`metadata '${key}': an ARRAY needs a non-array elementType and an array value`);
    }
    w.u32(elementType);
    w.u64(value.length);
    for (const v of value) writeScalar(w, key, elementType, v);
    return;
  }
  writeScalar(w, key, typed.type, typed.value);
}

function writeScalar(w: ByteWriter, key: string, type: GGUFValueType, v: GGUFValue): void {
  const bad = () => new GGUFError(`metadata '${key}': ${JSON.stringify(String(v))} is not a valid ${valueTypeName(type)}`);
  if (type === GGUFValueType.STRING) {
    if (typeof v !== 'string') throw bad();
    return w.string(v);
  }
  if (type === GGUFValueType.BOOL) {
    if (typeof v !== 'boolean') throw bad();
    return w.u8(v ? 1 : 0);
  }
  if (typeof v !== 'number' && typeof v !== 'bigint') throw bad();
  switch (type) {
    case GGUFValueType.UINT8:
      return w.u8(Number(v));
    case GGUFValueType.INT8:
      return w.i8(Number(v));
    case GGUFValueType.UINT16:
      return w.u16(Number(v));
    case GGUFValueType.INT16:
      return w.i16(Number(v));
    case GGUFValueType.UINT32:
      return w.u32(Number(v));
    case GGUFValueType.INT32:
      return w.i32(Number(v));
    case GGUFValueType.FLOAT32:
      return w.f32(Number(v));
    case GGUFValueType.FLOAT64:
      return w.f64(Number(v));
    case GGUFValueType.UINT64:
      return w.u64(v);
    case GGUFValueType.INT64:
      return w.i64(v);
    default:
      throw bad();
  }
}

/** Shorthands for typed metadata values. */
export const meta = {
  u32: (value: number): GGUFTypedValue => ({ type: GGUFValueType.UINT32, value }),
  i32: (value: number): GGUFTypedValue => ({ type: GGUFValueType.INT32, value }),
  // Rounded now, so the in-memory value equals what a reader will get back.
  f32: (value: number): GGUFTypedValue => ({ type: GGUFValueType.FLOAT32, value: Math.fround(value) }),
  bool: (value: boolean): GGUFTypedValue => ({ type: GGUFValueType.BOOL, value }),
  str: (value: string): GGUFTypedValue => ({ type: GGUFValueType.STRING, value }),
  array: (elementType: GGUFValueType, value: GGUFValue[]): GGUFTypedValue => ({ type: GGUFValueType.ARRAY, elementType, value }),
};
