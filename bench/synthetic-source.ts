// A synthetic Llama GGUF as a lazy byte source: the header is encoded up front (metadata and the tensor
// directory, under a MB), each tensor's bytes are generated when a read reaches them. An 8B model is 4.5 GB
// in Q4_0 and 16 GB in F16, more than one JS typed array may hold, so the file never exists whole; the
// engine reads it tensor by tensor like any other ByteSource.
//
// Values: every tensor has its own seed (its index), so a tensor's bytes do not depend on read order.
// Scales are set so each weight has a standard deviation of about 1/√(row length): activations stay O(1)
// through the layers and the forward pass computes finite numbers, as a trained model's would.
import { checkRange, type ByteSource } from '../src/gguf/source.ts';
import { GGMLType, encodeGGUFHeader, f32ToF16, ggmlTypeName } from '../src/gguf/index.ts';
import { syntheticMetadata } from './synthetic-model.ts';
import { planTensors, type BenchShape, type PlannedTensor } from './shapes.ts';

/** Standard deviation of the integer quants of uniformly random blocks: (q − 8) for Q4_0, int8 for Q8_0. */
const Q4_0_QUANT_STD = Math.sqrt((16 ** 2 - 1) / 12);
const INT8_STD = Math.sqrt((256 ** 2 - 1) / 12);
/** Q6_K: value = d · scale(int8) · (q6 − 32). */
const Q6_K_QUANT_STD = INT8_STD * Math.sqrt((64 ** 2 - 1) / 12);

export interface SyntheticModel extends ByteSource {
  readonly tensors: readonly PlannedTensor[];
}

export function syntheticModelSource(shape: BenchShape, type: GGMLType, trainedContext = 131072): SyntheticModel {
  const name = `synthetic ${shape.name} ${ggmlTypeName(type)}`;
  const tensors = planTensors(shape, type);
  const { header, relativeOffsets, byteSizes } = encodeGGUFHeader(
    syntheticMetadata({ ...shape, name: `synthetic ${shape.name}`, trainedContext }),
    tensors,
  );
  const starts = relativeOffsets.map((o) => header.byteLength + o);
  const size = starts[starts.length - 1] + byteSizes[byteSizes.length - 1];
  let cached: { index: number; bytes: Uint8Array } | null = null; // reads come tensor by tensor
  const tensorBytes = (index: number) => {
    if (cached?.index !== index) cached = { index, bytes: generateTensor(tensors[index], index + 1) };
    return cached.bytes;
  };
  return {
    name,
    size,
    tensors,
    async read(offset, length) {
      checkRange(name, size, offset, length);
      const end = offset + length;
      const exact = starts.indexOf(offset);
      if (exact >= 0 && byteSizes[exact] === length) return tensorBytes(exact);
      const out = new Uint8Array(length); // alignment padding between tensors stays zero
      if (offset < header.byteLength) out.set(header.subarray(offset, Math.min(end, header.byteLength)));
      starts.forEach((start, i) => {
        const from = Math.max(offset, start);
        const to = Math.min(end, start + byteSizes[i]);
        if (from < to) out.set(tensorBytes(i).subarray(from - start, to - start), from - offset);
      });
      return out;
    },
  };
}

/**
 * Fills `words` with xorshift32 output from `seed`, each word `(random & keep) | set` (one pass: an 8B
 * model is billions of words).
 */
function fillRandom(words: Uint32Array, seed: number, keep = 0xffffffff, set = 0): void {
  let s = (Math.imul(seed, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = (s & keep) | set;
  }
}

/** The biased exponent e with 2^(e − bias) ≤ std: magnitudes in [2^(e−bias), 2^(e−bias+1)) have about that spread. */
const exponentFor = (std: number, bias: number) => Math.floor(Math.log2(std)) + bias;

export function generateTensor(t: PlannedTensor, seed: number): Uint8Array {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.dims.length === 1) return new Uint8Array(new Float32Array(n).fill(1).buffer); // norm weights
  const std = 1 / Math.sqrt(t.dims[0]);
  switch (t.type) {
    case GGMLType.F32: {
      const words = new Uint32Array(n);
      fillRandom(words, seed, 0x807fffff, exponentFor(std, 127) << 23); // random sign and mantissa
      return new Uint8Array(words.buffer);
    }
    case GGMLType.F16: {
      const words = new Uint32Array(n / 2);
      const e = exponentFor(std, 15);
      fillRandom(words, seed, 0x83ff83ff, (e << 10) | (e << 26)); // two halves per word
      return new Uint8Array(words.buffer);
    }
    case GGMLType.Q4_0:
      return randomBlocks(n / 32, 18, 0, f32ToF16(std / Q4_0_QUANT_STD), seed);
    case GGMLType.Q8_0:
      return randomBlocks(n / 32, 34, 0, f32ToF16(std / INT8_STD), seed);
    case GGMLType.Q6_K:
      return randomBlocks(n / 256, 210, 208, f32ToF16(std / Q6_K_QUANT_STD), seed);
    default:
      throw new Error(`the synthetic model cannot generate ${ggmlTypeName(t.type)} tensors`);
  }
}

/** Random blocks of `blockBytes` whose f16 scale at byte `scaleAt` is `scale` (all offsets even). */
function randomBlocks(blocks: number, blockBytes: number, scaleAt: number, scale: number, seed: number): Uint8Array {
  const bytes = blocks * blockBytes;
  const words = new Uint32Array(Math.ceil(bytes / 4));
  fillRandom(words, seed);
  const halves = new Uint16Array(words.buffer);
  const [stride, at] = [blockBytes / 2, scaleAt / 2];
  for (let b = 0, i = at; b < blocks; b++, i += stride) halves[i] = scale;
  return new Uint8Array(words.buffer, 0, bytes);
}
