// readGGUF: parses and validates a GGUF v2/v3 header (metadata + tensor directory) from a ByteSource.
// Layout (ggml/docs/gguf.md): magic "GGUF", u32 version, u64 tensor count, u64 metadata count,
// key/value pairs, tensor infos, padding to `general.alignment`, then tensor data.
// Tensor data is not read here; readTensorBytes fetches one tensor on demand.
import { GGUFError } from './errors.ts';
import { HeaderCursor } from './header-cursor.ts';
import type { ByteSource } from './source.ts';
import { MAX_TENSORS, readTensorInfos, type GGUFTensorInfo } from './tensor-infos.ts';
import { FIXED_VALUE_SIZE, GGUFValueType, isValueType, valueTypeName, type GGUFTypedValue, type GGUFValue } from './values.ts';

export interface GGUFFile {
  version: 2 | 3;
  metadata: Map<string, GGUFValue>;
  /** The stored type of each metadata value (and element type of arrays), for faithful rewriting. */
  metadataTypes: Map<string, Omit<GGUFTypedValue, 'value'>>;
  tensors: GGUFTensorInfo[];
  tensorsByName: Map<string, GGUFTensorInfo>;
  alignment: number;
  /** Absolute file offset where tensor data begins. */
  dataOffset: number;
  source: ByteSource;
}

export interface ReadGGUFOptions {
  /**
   * Refuse headers (metadata + tensor directory) larger than this; default 64 MiB, ~8x a 128k-token
   * vocabulary with its merges. Bounds memory: header values become JS objects several times their size.
   */
  maxMetadataBytes?: number;
  /** List tensors of types the lab cannot compute with (for `lab inspect`) instead of throwing. */
  allowUnsupportedTypes?: boolean;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const DEFAULT_ALIGNMENT = 32;
const DEFAULT_MAX_METADATA_BYTES = 64 << 20;
/** Smallest possible key/value pair: empty key (8-byte length) + type (4) + a 1-byte value. */
const MIN_KV_BYTES = 13;
/** Smallest possible tensor info: name length (8) + n_dims (4) + one dim (8) + type (4) + offset (8). */
const MIN_TENSOR_INFO_BYTES = 32;

export async function readGGUF(source: ByteSource, opts: ReadGGUFOptions = {}): Promise<GGUFFile> {
  const cursor = new HeaderCursor(source, opts.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES);
  try {
    return await parse(cursor, source, opts);
  } catch (err) {
    if (err instanceof GGUFError) throw new GGUFError(`${source.name}: ${err.message}`);
    throw err;
  }
}

async function parse(cursor: HeaderCursor, source: ByteSource, opts: ReadGGUFOptions): Promise<GGUFFile> {
  if (source.size < 4) throw new GGUFError(`not a GGUF file: only ${source.size} bytes`);
  await cursor.need(4, 'magic');
  const magic = cursor.u32();
  if (magic !== MAGIC) throw new GGUFError(`not a GGUF file: magic is ${describeMagic(magic)}, expected "GGUF"`);
  await cursor.need(4, 'version');
  const version = cursor.u32();
  if (version !== 2 && version !== 3) throw new GGUFError(describeBadVersion(version));

  const tensorCount = await cursor.count('tensor count');
  const kvCount = await cursor.count('metadata count');
  if (tensorCount > MAX_TENSORS) throw new GGUFError(`header claims ${tensorCount} tensors; more than ${MAX_TENSORS} is not a real model`);
  const minBytes = tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES;
  if (minBytes > cursor.remaining) {
    throw new GGUFError(
      `header claims ${tensorCount} tensors and ${kvCount} metadata entries, which need at least ${minBytes} bytes, but only ${cursor.remaining} follow`,
    );
  }

  const metadata = new Map<string, GGUFValue>();
  const metadataTypes = new Map<string, Omit<GGUFTypedValue, 'value'>>();
  for (let i = 0; i < kvCount; i++) {
    const key = await cursor.string(`metadata key #${i}`);
    if (metadata.has(key)) throw new GGUFError(`duplicate metadata key '${key}'`);
    await cursor.need(4, `type of metadata '${key}'`);
    const type = cursor.u32();
    const { value, elementType } = await readValue(cursor, type, key);
    metadata.set(key, value);
    metadataTypes.set(key, elementType === undefined ? { type } : { type, elementType });
  }

  const alignment = readAlignment(metadata, metadataTypes);
  const infos = await readTensorInfos(cursor, tensorCount);
  const dataOffset = Math.ceil(cursor.pos / alignment) * alignment;
  const tensors = infos.validate({ alignment, dataOffset, fileSize: source.size, allowUnsupportedTypes: opts.allowUnsupportedTypes });
  return {
    version,
    metadata,
    metadataTypes,
    tensors,
    tensorsByName: new Map(tensors.map((t) => [t.name, t])),
    alignment,
    dataOffset,
    source,
  };
}

async function readValue(cursor: HeaderCursor, type: number, key: string): Promise<{ value: GGUFValue; elementType?: GGUFValueType }> {
  if (!isValueType(type)) throw new GGUFError(`metadata '${key}' has ${valueTypeName(type)}`);
  if (type === GGUFValueType.STRING) return { value: await cursor.string(`metadata '${key}'`) };
  if (type !== GGUFValueType.ARRAY) {
    await cursor.need(FIXED_VALUE_SIZE[type]!, `metadata '${key}'`);
    return { value: readScalar(cursor, type) };
  }
  await cursor.need(4, `element type of metadata array '${key}'`);
  const elementType = cursor.u32();
  if (!isValueType(elementType)) throw new GGUFError(`metadata array '${key}' has elements of ${valueTypeName(elementType)}`);
  // llama.cpp rejects arrays of arrays too; refusing them also bounds recursion.
  if (elementType === GGUFValueType.ARRAY) throw new GGUFError(`metadata array '${key}' holds arrays; nested arrays are not supported`);
  const length = await cursor.count(`length of metadata array '${key}'`);
  const minElementBytes = FIXED_VALUE_SIZE[elementType] ?? 8; // a string is at least its 8-byte length
  if (length * minElementBytes > cursor.remaining) {
    throw new GGUFError(
      `metadata array '${key}' claims ${length} ${valueTypeName(elementType)} elements (at least ${length * minElementBytes} bytes), but only ${cursor.remaining} bytes follow`,
    );
  }
  const values: GGUFValue[] = [];
  if (elementType === GGUFValueType.STRING) {
    for (let i = 0; i < length; i++) values.push(await cursor.string(`metadata '${key}'[${i}]`));
  } else {
    await cursor.need(length * minElementBytes, `metadata array '${key}'`);
    for (let i = 0; i < length; i++) values.push(readScalar(cursor, elementType));
  }
  return { value: values, elementType };
}

function readScalar(cursor: HeaderCursor, type: GGUFValueType): GGUFValue {
  switch (type) {
    case GGUFValueType.UINT8:
      return cursor.u8();
    case GGUFValueType.INT8:
      return cursor.i8();
    case GGUFValueType.UINT16:
      return cursor.u16();
    case GGUFValueType.INT16:
      return cursor.i16();
    case GGUFValueType.UINT32:
      return cursor.u32();
    case GGUFValueType.INT32:
      return cursor.i32();
    case GGUFValueType.FLOAT32:
      return cursor.f32();
    case GGUFValueType.FLOAT64:
      return cursor.f64();
    case GGUFValueType.UINT64:
      return cursor.u64();
    case GGUFValueType.INT64:
      return cursor.i64();
    case GGUFValueType.BOOL: {
      const b = cursor.u8();
      if (b > 1) throw new GGUFError(`boolean value ${b} at offset ${cursor.pos - 1} is neither 0 nor 1`);
      return b === 1;
    }
    default:
      throw new GGUFError(`${valueTypeName(type)} is not a scalar type`);
  }
}

function readAlignment(metadata: Map<string, GGUFValue>, types: Map<string, Omit<GGUFTypedValue, 'value'>>): number {
  const value = metadata.get('general.alignment');
  if (value === undefined) return DEFAULT_ALIGNMENT;
  if (types.get('general.alignment')?.type !== GGUFValueType.UINT32) {
    throw new GGUFError(`general.alignment must be a UINT32, found ${valueTypeName(types.get('general.alignment')!.type)}`);
  }
  const n = value as number;
  if (n === 0 || (n & (n - 1)) !== 0) throw new GGUFError(`general.alignment ${n} is not a power of two`);
  return n;
}

function describeMagic(magic: number): string {
  const bytes = [magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, magic >>> 24];
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  const hex = `0x${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' 0x')}`;
  return printable ? `"${String.fromCharCode(...bytes)}" (${hex})` : hex;
}

function describeBadVersion(version: number): string {
  const swapped = ((version & 0xff) << 24) | (((version >>> 8) & 0xff) << 16) | (((version >>> 16) & 0xff) << 8) | (version >>> 24);
  if (swapped === 2 || swapped === 3) return `big-endian GGUF (version ${swapped}) is not supported; use a little-endian file`;
  if (version === 1) return 'GGUF version 1 is not supported (obsolete since 2023); re-convert the model to version 3';
  return `unsupported GGUF version ${version} (RoPE Lab reads versions 2 and 3)`;
}
