// Hostile model files for the load-budget tests: a consistent one-layer Llama header whose FFN can be
// made gigabytes wide, served by a ByteSource that reports the full size but holds only the header
// (the tensor data reads as zeros and is counted), so a test of a "4.6 GiB" file stays tiny.
import {
  GGMLType,
  GGUFValueType,
  encodeGGUFHeader,
  meta,
  type ByteSource,
  type GGUFTensorDescriptor,
  type GGUFTypedValue,
} from '../../src/gguf/index.ts';

export interface SparseSource extends ByteSource {
  /** Bytes handed out by read() so far. */
  readonly bytesRead: number;
}

/** A file of `size` bytes whose first bytes are `header` and the rest zeros, none of them held. */
export function sparseSource(header: Uint8Array, size: number, name = 'sparse.gguf'): SparseSource {
  let bytesRead = 0;
  return {
    name,
    size,
    get bytesRead() {
      return bytesRead;
    },
    async read(offset, length) {
      if (offset + length > size) throw new Error(`read past the end of ${name}`);
      if (length > 64 << 20)
        throw new Error(`the test source refuses a ${length}-byte read: the loader read tensor data it should have refused`);
      bytesRead += length;
      const out = new Uint8Array(length);
      if (offset < header.byteLength) out.set(header.subarray(offset, Math.min(header.byteLength, offset + length)));
      return out;
    },
  };
}

const TOKENS = ['<unk>', '<s>', '</s>', '▁a', '▁b', '▁c', 'a', 'b'];

/**
 * One layer of dim 64 (8 heads, 4 KV heads), a vocabulary of 8, and an FFN of `ffn` rows in F32: each of
 * ffn_gate, ffn_up and ffn_down holds 256·ffn bytes (ffn 6,291,456 is 1.5 GiB apiece).
 */
export function wideFfnModel(ffn: number): SparseSource {
  const dim = 64;
  const metadata: Array<[string, GGUFTypedValue]> = [
    ['general.architecture', meta.str('llama')],
    ['general.name', meta.str('wide-ffn')],
    ['llama.block_count', meta.u32(1)],
    ['llama.context_length', meta.u32(512)],
    ['llama.embedding_length', meta.u32(dim)],
    ['llama.feed_forward_length', meta.u32(ffn)],
    ['llama.attention.head_count', meta.u32(8)],
    ['llama.attention.head_count_kv', meta.u32(4)],
    ['llama.attention.layer_norm_rms_epsilon', meta.f32(1e-5)],
    ['tokenizer.ggml.model', meta.str('llama')],
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, TOKENS)],
    [
      'tokenizer.ggml.scores',
      meta.array(
        GGUFValueType.FLOAT32,
        TOKENS.map((_, i) => -i),
      ),
    ],
    [
      'tokenizer.ggml.token_type',
      meta.array(
        GGUFValueType.INT32,
        TOKENS.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : 1)),
      ),
    ],
    ['tokenizer.ggml.bos_token_id', meta.u32(1)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
  ];
  const f32 = (name: string, ...dims: number[]): GGUFTensorDescriptor => ({ name, dims, type: GGMLType.F32 });
  const tensors = [
    f32('token_embd.weight', dim, TOKENS.length),
    f32('output_norm.weight', dim),
    f32('blk.0.attn_norm.weight', dim),
    f32('blk.0.attn_q.weight', dim, dim),
    f32('blk.0.attn_k.weight', dim, dim / 2),
    f32('blk.0.attn_v.weight', dim, dim / 2),
    f32('blk.0.attn_output.weight', dim, dim),
    f32('blk.0.ffn_norm.weight', dim),
    f32('blk.0.ffn_gate.weight', dim, ffn),
    f32('blk.0.ffn_up.weight', dim, ffn),
    f32('blk.0.ffn_down.weight', ffn, dim),
  ];
  const { header, relativeOffsets, byteSizes } = encodeGGUFHeader(metadata, tensors);
  const last = tensors.length - 1;
  return sparseSource(header, header.byteLength + relativeOffsets[last] + byteSizes[last], `wide-ffn-${ffn}.gguf`);
}
