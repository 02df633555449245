// The tensor directory of a GGUF header, and the checks that make its offsets safe to trust:
// shapes, types, alignment, bounds and overlaps, each failing with a message naming the tensor.
import { GGUFError } from './errors.ts';
import type { HeaderCursor } from './header-cursor.ts';
import { type GGMLType, ggmlTypeName, isKnownType, supportedTypeList, SUPPORTED_TYPES, typeInfo } from './types.ts';

export interface GGUFTensorInfo {
  name: string;
  /** ggml order: dims[0] (ne0) is the row length, the fastest-varying index. */
  dims: number[];
  type: GGMLType;
  /** Absolute offset of the tensor's first byte in the file. */
  offset: number;
  byteSize: number;
  nElements: number;
}

/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME includes the terminating NUL, so names have at most 63 bytes. */
const MAX_NAME_BYTES = 63;
/** Far above any real model (MoE models have a few thousand); keeps a forged count from costing GBs of objects. */
export const MAX_TENSORS = 1 << 20;
const utf8 = new TextEncoder();

interface RawTensorInfo {
  name: string;
  dims: number[];
  type: number;
  relativeOffset: number;
}

export interface LayoutContext {
  alignment: number;
  dataOffset: number;
  fileSize: number;
  allowUnsupportedTypes?: boolean;
}

export async function readTensorInfos(cursor: HeaderCursor, count: number) {
  const raw: RawTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = await cursor.string(`name of tensor #${i}`);
    if (name.length === 0) throw new GGUFError(`tensor #${i} has an empty name`);
    if (utf8.encode(name).byteLength > MAX_NAME_BYTES) {
      throw new GGUFError(`tensor name '${name.slice(0, 80)}' is longer than ${MAX_NAME_BYTES} bytes`);
    }
    if (names.has(name)) throw new GGUFError(`duplicate tensor '${name}'`);
    names.add(name);
    await cursor.need(4, `dimension count of tensor '${name}'`);
    const nDims = cursor.u32();
    if (nDims < 1 || nDims > MAX_DIMS) throw new GGUFError(`tensor '${name}' has ${nDims} dimensions; 1 to ${MAX_DIMS} are allowed`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await cursor.count(`dimension ${d} of tensor '${name}'`));
    await cursor.need(4, `type of tensor '${name}'`);
    const type = cursor.u32();
    const relativeOffset = await cursor.count(`data offset of tensor '${name}'`);
    raw.push({ name, dims, type, relativeOffset });
  }
  return { validate: (ctx: LayoutContext) => validateLayout(raw, ctx) };
}

function validateLayout(raw: RawTensorInfo[], ctx: LayoutContext): GGUFTensorInfo[] {
  const tensors = raw.map((t) => validateTensor(t, ctx));
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    const next = byOffset[i];
    if (prev.offset + prev.byteSize > next.offset) {
      throw new GGUFError(`tensors '${prev.name}' and '${next.name}' overlap (bytes ${next.offset}..${prev.offset + prev.byteSize})`);
    }
  }
  return tensors;
}

function validateTensor({ name, dims, type, relativeOffset }: RawTensorInfo, ctx: LayoutContext): GGUFTensorInfo {
  let nElements = 1;
  for (const d of dims) {
    if (d === 0) throw new GGUFError(`tensor '${name}' has a zero dimension (shape [${dims.join(', ')}])`);
    nElements *= d;
    if (!Number.isSafeInteger(nElements)) throw new GGUFError(`tensor '${name}' shape [${dims.join(', ')}] has too many elements`);
  }
  if (!isKnownType(type)) throw new GGUFError(`tensor '${name}' has unknown ggml type id ${type}`);
  if (!ctx.allowUnsupportedTypes && !SUPPORTED_TYPES.has(type)) {
    throw new GGUFError(
      `tensor '${name}' has type ${ggmlTypeName(type)} (${type}), which RoPE Lab does not support; supported: ${supportedTypeList()}`,
    );
  }
  const { blockSize, bytesPerBlock } = typeInfo(type);
  if (dims[0] % blockSize !== 0) {
    throw new GGUFError(`tensor '${name}': row length ${dims[0]} is not a multiple of the ${ggmlTypeName(type)} block size ${blockSize}`);
  }
  const byteSize = (nElements / blockSize) * bytesPerBlock;
  if (relativeOffset % ctx.alignment !== 0) {
    throw new GGUFError(`tensor '${name}' data offset ${relativeOffset} is not a multiple of the alignment ${ctx.alignment}`);
  }
  const offset = ctx.dataOffset + relativeOffset;
  if (!Number.isSafeInteger(offset + byteSize) || offset + byteSize > ctx.fileSize) {
    throw new GGUFError(
      `tensor '${name}' (${byteSize} bytes at offset ${offset}) runs past the end of the file (${ctx.fileSize} bytes); is the file truncated?`,
    );
  }
  return { name, dims, type, offset, byteSize, nElements };
}
