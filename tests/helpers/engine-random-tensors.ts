// Random GGUF tensor data of any supported type, for kernel and end-to-end tests.
import { GGMLType, f32ToF16, typeInfo } from '../../src/gguf/index.ts';
import { randomF32 } from './engine-kernel-run.ts';

/** Random tensor bytes of a type, with every f16 scale a sane number (random bits could be inf/NaN). */
export function randomTensor(type: GGMLType, n: number, random: () => number): Uint8Array {
  if (type === GGMLType.F32) return new Uint8Array(randomF32(n, random).buffer);
  if (type === GGMLType.F16) return new Uint8Array(Uint16Array.from(randomF32(n, random), f32ToF16).buffer);
  if (type === GGMLType.BF16) return new Uint8Array(Uint16Array.from(new Uint32Array(randomF32(n, random).buffer), (b) => b >>> 16).buffer);
  const { blockSize, bytesPerBlock } = typeInfo(type);
  const bytes = Uint8Array.from({ length: (n / blockSize) * bytesPerBlock }, () => Math.floor(random() * 256));
  const view = new DataView(bytes.buffer);
  // byte offsets of the f16 scales in each block (ggml's block structs)
  const scaleOffsets =
    type === GGMLType.Q6_K ? [208] : type === GGMLType.Q4_1 || type === GGMLType.Q4_K || type === GGMLType.Q5_K ? [0, 2] : [0];
  for (let b = 0; b < n / blockSize; b++)
    for (const o of scaleOffsets) view.setUint16(b * bytesPerBlock + o, f32ToF16((random() * 2 - 1) * 0.1), true);
  return bytes;
}
