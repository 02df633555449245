// A Llama-shaped GGUF with random weights, built in memory: for speed measurements at real model
// sizes where no real model file can travel (the GPU machine has no network and a small carry limit).
// Every block scale is a sane f16, so the forward pass computes finite numbers.
import { GGMLType, GGUFValueType, f32ToF16, meta, typeInfo, writeGGUF, type GGUFTypedValue } from '../src/gguf/index.ts';

export interface SyntheticShape {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnDim: number;
  vocab: number;
  context: number;
}

/** stories260K's shape (llama2.c's smallest TinyStories model). */
export const STORIES_SHAPE: SyntheticShape = { dim: 64, layers: 5, heads: 8, kvHeads: 4, ffnDim: 192, vocab: 512, context: 512 };
/** TinyLlama 1.1B's shape (Llama 2 architecture, GQA 32/4). */
export const TINYLLAMA_SHAPE: SyntheticShape = { dim: 2048, layers: 22, heads: 32, kvHeads: 4, ffnDim: 5632, vocab: 32000, context: 2048 };

/** Byte offsets of the f16 scales inside one block of each type. */
function scaleOffsets(type: GGMLType): number[] {
  switch (type) {
    case GGMLType.Q4_1:
    case GGMLType.Q4_K:
    case GGMLType.Q5_K:
      return [0, 2];
    case GGMLType.Q6_K:
      return [208];
    default:
      return [0];
  }
}

function randomTensor(type: GGMLType, n: number, next: () => number): Uint8Array {
  if (type === GGMLType.F32) return new Uint8Array(Float32Array.from({ length: n }, () => (next() / 2 ** 32 - 0.5) * 0.1).buffer);
  const small = f32ToF16(0.01);
  if (type === GGMLType.F16) return new Uint8Array(Uint16Array.from({ length: n }, (_, i) => small ^ (i & 0x3ff)).buffer);
  const { blockSize, bytesPerBlock } = typeInfo(type);
  const blocks = n / blockSize;
  const bytes = new Uint8Array(blocks * bytesPerBlock);
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(bytes.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = next();
  const view = new DataView(bytes.buffer);
  const offsets = scaleOffsets(type);
  for (let b = 0; b < blocks; b++) for (const o of offsets) view.setUint16(b * bytesPerBlock + o, small, true);
  return bytes;
}

/** What a synthetic Llama's GGUF metadata describes (its RoPE base defaults to the GGUF default, 10,000). */
export interface SyntheticMetadata extends Omit<SyntheticShape, 'context'> {
  name: string;
  trainedContext: number;
  ropeBase?: number;
}

/**
 * The metadata of a synthetic Llama GGUF: the hyperparameters, and an SPM vocabulary of the three
 * specials, the 256 byte tokens, then placeholder pieces up to `vocab`.
 */
export function syntheticMetadata(m: SyntheticMetadata): [string, GGUFTypedValue][] {
  const tokens = ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`)];
  while (tokens.length < m.vocab) tokens.push(`▁t${tokens.length}`);
  return [
    ['general.architecture', meta.str('llama')],
    ['general.name', meta.str(m.name)],
    ['llama.embedding_length', meta.u32(m.dim)],
    ['llama.block_count', meta.u32(m.layers)],
    ['llama.feed_forward_length', meta.u32(m.ffnDim)],
    ['llama.attention.head_count', meta.u32(m.heads)],
    ['llama.attention.head_count_kv', meta.u32(m.kvHeads)],
    ['llama.context_length', meta.u32(m.trainedContext)],
    ...(m.ropeBase === undefined ? [] : [['llama.rope.freq_base', meta.f32(m.ropeBase)] as [string, GGUFTypedValue]]),
    ['llama.attention.layer_norm_rms_epsilon', meta.f32(1e-5)],
    ['tokenizer.ggml.model', meta.str('llama')],
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, tokens)],
    [
      'tokenizer.ggml.scores',
      meta.array(
        GGUFValueType.FLOAT32,
        tokens.map(() => 0),
      ),
    ],
    [
      'tokenizer.ggml.token_type',
      meta.array(
        GGUFValueType.INT32,
        tokens.map((_, i) => (i < 3 ? 3 : i < 259 ? 6 : 1)),
      ),
    ],
    ['tokenizer.ggml.bos_token_id', meta.u32(1)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
  ];
}

export function syntheticLlama(shape: SyntheticShape, type: GGMLType): Uint8Array {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const { dim, ffnDim, vocab, heads, kvHeads } = shape;
  const kvDim = (dim / heads) * kvHeads;
  const metadata = syntheticMetadata({ name: 'synthetic', ...shape, trainedContext: shape.context });
  const matrix = (name: string, cols: number, rows: number) => ({
    name,
    dims: [cols, rows],
    type,
    data: randomTensor(type, cols * rows, next),
  });
  const norm = (name: string) => ({ name, dims: [dim], type: GGMLType.F32, data: new Uint8Array(new Float32Array(dim).fill(1).buffer) });
  const tensors = [matrix('token_embd.weight', dim, vocab), norm('output_norm.weight'), matrix('output.weight', dim, vocab)];
  for (let l = 0; l < shape.layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      norm(`${p}attn_norm.weight`),
      matrix(`${p}attn_q.weight`, dim, dim),
      matrix(`${p}attn_k.weight`, dim, kvDim),
      matrix(`${p}attn_v.weight`, dim, kvDim),
      matrix(`${p}attn_output.weight`, dim, dim),
      norm(`${p}ffn_norm.weight`),
      matrix(`${p}ffn_gate.weight`, dim, ffnDim),
      matrix(`${p}ffn_up.weight`, dim, ffnDim),
      matrix(`${p}ffn_down.weight`, ffnDim, dim),
    );
  }
  return writeGGUF(metadata, tensors);
}
