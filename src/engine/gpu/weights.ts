// Weights on the GPU: each tensor is read from the file, repacked to a word-aligned layout the
// dequant libraries (shaders/quant/*.wgsl) read, and written to its own storage buffer — one tensor in
// memory at a time, never the whole file.
//
// Repacking: WGSL reads storage as u32 words (or vec4s of them), and ggml blocks of 18, 22, 34 or 210
// bytes are not word aligned.
//   - Q4_0 and Q8_0, the types decode streams fastest, are split per row: the quants of every block,
//     then the f16 scales two per word, the row padded to 16 bytes. A block's 32 values are then one
//     (Q4_0) or two (Q8_0) aligned 16-byte loads, 18 or 34 bytes per block as in the file.
//   - Q5_0 and Q6_K get two bytes of padding after the f16 scale (Q5_0) or after the block (Q6_K).
//   - F32/F16 rows are padded with zeros to a multiple of 32 values (a 16-byte multiple for both, and
//     the 32-value groups matvec_vec4.wgsl walks); BF16 is widened to F32 (no kernel reads it directly).
import { GGMLType, dequantize, ggmlTypeName, readTensorBytes, typeInfo, type GGUFFile, type GGUFTensorInfo } from '../../gguf/index.ts';
import { checkBindingSize, maxBindingBytes, storageBuffer } from './device.ts';

/** A weight matrix as the kernels see it. */
export interface GpuMatrix {
  name: string;
  buffer: GPUBuffer;
  /** The layout the kernel reads (BF16 arrives as F32). */
  type: GGMLType;
  rows: number;
  cols: number;
  /** Chunks of 8 values per row (the padded row length / 8). */
  chunks: number;
  /** u32 words per row. */
  rowWords: number;
  bytes: number;
  /** Rows of `buffer` before this matrix's first row: Q/K/V and gate/up may share one buffer (uploadStack). */
  rowOffset: number;
}

/** Padding per block for the types whose blocks are not word aligned: insert `pad` bytes after byte `at`. */
const BLOCK_PADDING = new Map<GGMLType, { at: number; pad: number }>([
  [GGMLType.Q5_0, { at: 2, pad: 2 }],
  [GGMLType.Q6_K, { at: 210, pad: 2 }],
]);

/** Types stored split per row (quants, then scales): bytes of quants per 32-value block. */
const SPLIT_ROW_TYPES = new Map<GGMLType, number>([
  [GGMLType.Q4_0, 16],
  [GGMLType.Q8_0, 32],
]);

/** Values per row of F32/F16 after padding: the 32-value groups of matvec_vec4.wgsl. */
export const ROW_ALIGN = 32;

const ALIGNED_BLOCK_TYPES = new Set([GGMLType.Q4_1, GGMLType.Q4_K, GGMLType.Q5_K]);

export const GPU_WEIGHT_TYPES: ReadonlySet<GGMLType> = new Set([
  GGMLType.F32,
  GGMLType.F16,
  GGMLType.BF16,
  ...SPLIT_ROW_TYPES.keys(),
  ...BLOCK_PADDING.keys(),
  ...ALIGNED_BLOCK_TYPES,
]);

export const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/** The word-aligned GPU layout of a (rows, cols) tensor in ggml type `type`. */
export function repack(
  name: string,
  type: GGMLType,
  bytes: Uint8Array,
  rows: number,
  cols: number,
): { type: GGMLType; data: Uint8Array; rowWords: number; chunks: number } {
  if (type === GGMLType.BF16) return repack(name, GGMLType.F32, new Uint8Array(dequantize(type, bytes, rows * cols).buffer), rows, cols);
  if (type === GGMLType.F32 || type === GGMLType.F16) {
    const elemBytes = type === GGMLType.F32 ? 4 : 2;
    const padded = roundUp(cols, ROW_ALIGN);
    const data = new Uint8Array(rows * padded * elemBytes);
    if (padded === cols) data.set(bytes.subarray(0, data.length));
    else for (let r = 0; r < rows; r++) data.set(bytes.subarray(r * cols * elemBytes, (r + 1) * cols * elemBytes), r * padded * elemBytes);
    return { type, data, rowWords: (padded * elemBytes) / 4, chunks: padded / 8 };
  }
  if (!GPU_WEIGHT_TYPES.has(type))
    throw new Error(
      `tensor ${name} has type ${ggmlTypeName(type)}, which the GPU engine cannot read (supported: ${[...GPU_WEIGHT_TYPES].map(ggmlTypeName).join(', ')})`,
    );
  const { blockSize, bytesPerBlock } = typeInfo(type);
  if (cols % blockSize !== 0)
    throw new Error(`tensor ${name}: row length ${cols} is not a multiple of ${ggmlTypeName(type)}'s block of ${blockSize}`);
  const blocks = (rows * cols) / blockSize;
  const quantBytes = SPLIT_ROW_TYPES.get(type);
  if (quantBytes !== undefined) return { type, ...splitRows(bytes, rows, cols / blockSize, quantBytes), chunks: cols / 8 };
  const padding = BLOCK_PADDING.get(type);
  let data: Uint8Array;
  let blockBytes = bytesPerBlock;
  if (!padding) {
    data = bytes.slice(0, blocks * bytesPerBlock); // a copy: the source may sit at an unaligned offset
  } else {
    blockBytes = bytesPerBlock + padding.pad;
    data = insertPadding(bytes, blocks, bytesPerBlock, padding.at, padding.pad);
  }
  return { type, data, rowWords: ((cols / blockSize) * blockBytes) / 4, chunks: cols / 8 };
}

/** Bytes `repack` makes of a (rows, cols) tensor of `type`, from the shape alone: the load budget sizes buffers before reading. */
export function packedByteSize(type: GGMLType, rows: number, cols: number): number {
  if (type === GGMLType.BF16) return packedByteSize(GGMLType.F32, rows, cols);
  if (type === GGMLType.F32 || type === GGMLType.F16) return rows * roundUp(cols, ROW_ALIGN) * (type === GGMLType.F32 ? 4 : 2);
  const { blockSize, bytesPerBlock } = typeInfo(type);
  const blocksPerRow = cols / blockSize;
  const quantBytes = SPLIT_ROW_TYPES.get(type);
  if (quantBytes !== undefined) return rows * roundUp((blocksPerRow * quantBytes) / 4 + Math.ceil(blocksPerRow / 2), 4) * 4;
  return rows * blocksPerRow * (bytesPerBlock + (BLOCK_PADDING.get(type)?.pad ?? 0));
}

/** Bytes the GPU holds for a tensor the forward pass reads: a matrix as packed, a vector (norm weights) as f32. */
export function uploadedByteSize(t: GGUFTensorInfo): number {
  if (t.dims.length === 1) return Math.ceil((t.nElements * 4) / 16) * 16;
  const { rows, cols } = matrixShape(t);
  return packedByteSize(t.type, rows, cols);
}

/**
 * The split row layout of a _0 type (block = f16 scale + `quantBytes` of quants): per row, the quants of
 * its `blocksPerRow` blocks, then their scales packed two per word, then zeros up to a 16-byte multiple.
 * Works in 16-bit units, as insertPadding does.
 */
function splitRows(bytes: Uint8Array, rows: number, blocksPerRow: number, quantBytes: number): { data: Uint8Array; rowWords: number } {
  const source = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const blockHalves = 1 + quantBytes / 2;
  const src = new Uint16Array(source.buffer, source.byteOffset, rows * blocksPerRow * blockHalves);
  const quantHalves = quantBytes / 2;
  const rowWords = roundUp((blocksPerRow * quantBytes) / 4 + Math.ceil(blocksPerRow / 2), 4);
  const out = new Uint16Array(rows * rowWords * 2);
  for (let r = 0; r < rows; r++) {
    const rowOut = r * rowWords * 2;
    const scalesOut = rowOut + blocksPerRow * quantHalves;
    for (let b = 0; b < blocksPerRow; b++) {
      const i = (r * blocksPerRow + b) * blockHalves;
      out[scalesOut + b] = src[i];
      const o = rowOut + b * quantHalves - 1;
      for (let k = 1; k < blockHalves; k++) out[o + k] = src[i + k];
    }
  }
  return { data: new Uint8Array(out.buffer), rowWords };
}

/**
 * Copies `blocks` blocks of `blockBytes`, inserting `pad` zero bytes after byte `at` of each. Works in
 * 16-bit units (every size and offset involved is even): a 4 GB model has ~10⁸ blocks, and a per-block
 * subarray copy takes seconds where this loop takes a fraction of one.
 */
function insertPadding(bytes: Uint8Array, blocks: number, blockBytes: number, at: number, pad: number): Uint8Array {
  const source = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const src = new Uint16Array(source.buffer, source.byteOffset, (blocks * blockBytes) / 2);
  const out = new Uint16Array((blocks * (blockBytes + pad)) / 2);
  const [inWords, head, gap] = [blockBytes / 2, at / 2, pad / 2];
  const outWords = inWords + gap;
  for (let b = 0, i = 0, o = 0; b < blocks; b++, i += inWords, o += outWords) {
    for (let k = 0; k < head; k++) out[o + k] = src[i + k];
    for (let k = head; k < inWords; k++) out[o + gap + k] = src[i + k];
  }
  return new Uint8Array(out.buffer);
}

/** (rows, cols) of a tensor: ggml dims are [row length, rows]. */
export function matrixShape(t: GGUFTensorInfo): { rows: number; cols: number } {
  return { cols: t.dims[0], rows: t.dims.slice(1).reduce((a, b) => a * b, 1) };
}

export async function uploadMatrix(device: GPUDevice, file: GGUFFile, t: GGUFTensorInfo): Promise<GpuMatrix> {
  const { rows, cols } = matrixShape(t);
  const packed = repack(t.name, t.type, await readTensorBytes(file, t), rows, cols);
  checkBindingSize(device, packed.data.byteLength, `tensor ${t.name}`);
  const buffer = storageBuffer(device, packed.data.byteLength, t.name);
  device.queue.writeBuffer(buffer, 0, packed.data);
  return {
    name: t.name,
    buffer,
    type: packed.type,
    rows,
    cols,
    chunks: packed.chunks,
    rowWords: packed.rowWords,
    bytes: packed.data.byteLength,
    rowOffset: 0,
  };
}

/**
 * Matrices that read the same input (Q, K, V; gate, up) stacked row-wise in ONE buffer when their type
 * and row length agree and the stack fits a binding, so a decode step reads them in one dispatch
 * (matvec_vec4.wgsl's qkv and swiglu modes); each matrix is a view with its rowOffset. Otherwise each
 * gets its own buffer, as uploadMatrix does.
 */
export async function uploadStack(device: GPUDevice, file: GGUFFile, tensors: GGUFTensorInfo[]): Promise<GpuMatrix[]> {
  const shapes = tensors.map(matrixShape);
  const stackable = tensors.every((t, i) => t.type === tensors[0].type && shapes[i].cols === shapes[0].cols);
  if (!stackable) return Promise.all(tensors.map((t) => uploadMatrix(device, file, t)));
  const packed: ReturnType<typeof repack>[] = [];
  for (const [i, t] of tensors.entries())
    packed.push(repack(t.name, t.type, await readTensorBytes(file, t), shapes[i].rows, shapes[i].cols));
  const total = packed.reduce((sum, p) => sum + p.data.byteLength, 0);
  if (total > maxBindingBytes(device)) {
    return Promise.all(tensors.map((t) => uploadMatrix(device, file, t)));
  }
  const buffer = storageBuffer(device, total, tensors.map((t) => t.name).join('+'));
  let offset = 0;
  let rowOffset = 0;
  return tensors.map((t, i) => {
    const p = packed[i];
    device.queue.writeBuffer(buffer, offset, p.data);
    const view: GpuMatrix = {
      name: t.name,
      buffer,
      type: p.type,
      ...shapes[i],
      chunks: p.chunks,
      rowWords: p.rowWords,
      bytes: p.data.byteLength,
      rowOffset,
    };
    offset += p.data.byteLength;
    rowOffset += shapes[i].rows;
    return view;
  });
}

/** A 1-D tensor (a norm's weights, rope_freqs) as f32, on the CPU. */
export async function readVector(file: GGUFFile, t: GGUFTensorInfo): Promise<Float32Array> {
  return dequantize(t.type, await readTensorBytes(file, t), t.nElements);
}

export function uploadF32(device: GPUDevice, values: Float32Array, label: string): GPUBuffer {
  const buffer = storageBuffer(device, values.byteLength, label);
  device.queue.writeBuffer(buffer, 0, values);
  return buffer;
}
