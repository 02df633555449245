// readGGUF against the real shared files: the metadata and tensor directory llama.cpp wrote.
import { afterAll, describe, expect, it } from 'vitest';
import { GGMLType, readGGUF, readTensorBytes, type ByteSource, type GGUFFile } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { requireTestFiles, sharedModel, STORIES_FILES } from '../helpers/shared.ts';

const haveSharedModels = requireTestFiles('GGUF reader on stories260K', ...STORIES_FILES.map(sharedModel));

const opened: ByteSource[] = [];
async function open(name: string): Promise<GGUFFile> {
  const source = await fileSource(sharedModel(name));
  opened.push(source);
  return readGGUF(source);
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close?.()));
});

describe.skipIf(!haveSharedModels)('readGGUF on the shared stories260K files', () => {
  it('reads the F32 model header', async () => {
    const f = await open('stories260K.gguf');
    expect(f.version).toBe(3);
    expect(f.alignment).toBe(32);
    expect(f.metadata.get('general.architecture')).toBe('llama');
    expect(f.metadata.get('llama.embedding_length')).toBe(64);
    expect(f.metadata.get('llama.block_count')).toBe(5);
    expect(f.metadata.get('llama.feed_forward_length')).toBe(172);
    expect(f.metadata.get('llama.attention.head_count')).toBe(8);
    expect(f.metadata.get('llama.attention.head_count_kv')).toBe(4);
    expect(f.metadata.get('llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-5, 10);
    expect(f.metadata.get('tokenizer.ggml.padding_token_id')).toBe(0xffffffff);
    const tokens = f.metadata.get('tokenizer.ggml.tokens') as string[];
    expect(tokens).toHaveLength(512);
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    // 9 tensors per block + embedding, final norm and classifier.
    expect(f.tensors).toHaveLength(5 * 9 + 3);
    expect(f.tensorsByName.get('blk.0.attn_k.weight')).toMatchObject({ dims: [64, 32], type: GGMLType.F32, byteSize: 64 * 32 * 4 });
    expect(f.tensorsByName.get('blk.4.ffn_down.weight')).toMatchObject({ dims: [172, 64], nElements: 172 * 64 });
    expect(f.tensorsByName.get('output_norm.weight')?.dims).toEqual([64]);
    expect(f.dataOffset % 32).toBe(0);
    for (const t of f.tensors) expect(t.offset % 32).toBe(0);
  });

  it('reads tensor bytes at the right offsets (norm weights are near 1, embeddings are not)', async () => {
    const f = await open('stories260K.gguf');
    const norm = new Float32Array((await readTensorBytes(f, f.tensorsByName.get('blk.0.attn_norm.weight')!)).slice().buffer);
    expect(norm).toHaveLength(64);
    const mean = norm.reduce((a, b) => a + b, 0) / norm.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(5);
    const emb = new Float32Array((await readTensorBytes(f, f.tensorsByName.get('token_embd.weight')!)).slice().buffer);
    expect(emb).toHaveLength(64 * 512);
    expect(emb.every(Number.isFinite)).toBe(true);
  });

  it('reads mixed-type quantized files', async () => {
    const q8 = await open('stories260K-Q8_0.gguf');
    expect(q8.metadata.get('general.file_type')).toBe(7);
    expect(q8.tensorsByName.get('blk.0.attn_q.weight')).toMatchObject({ type: GGMLType.Q8_0, byteSize: ((64 * 64) / 32) * 34 });
    expect(q8.tensorsByName.get('blk.0.ffn_down.weight')?.type).toBe(GGMLType.F32);
    const q4 = await open('stories260K-Q4_0.gguf');
    expect(q4.tensorsByName.get('blk.0.ffn_gate.weight')).toMatchObject({ type: GGMLType.Q4_0, byteSize: ((64 * 172) / 32) * 18 });
    const f16 = await open('stories260K-F16.gguf');
    expect(f16.tensorsByName.get('token_embd.weight')).toMatchObject({ type: GGMLType.F16, byteSize: 64 * 512 * 2 });
  });

  it('reads the vocabulary-only GGUF (32,000 tokens, no tensors)', async () => {
    const f = await open('ggml-vocab-llama-spm.gguf');
    expect(f.tensors).toHaveLength(0);
    expect(f.metadata.get('tokenizer.ggml.model')).toBe('llama');
    expect((f.metadata.get('tokenizer.ggml.tokens') as string[]).length).toBe(32000);
    expect((f.metadata.get('tokenizer.ggml.scores') as number[]).length).toBe(32000);
    expect(f.metadata.get('tokenizer.ggml.add_bos_token')).toBe(true);
    expect(f.metadataTypes.get('tokenizer.ggml.token_type')).toEqual({ type: 9, elementType: 5 });
    // U+FEFF is a real token; a default TextDecoder would silently strip it as a byte-order mark.
    expect((f.metadata.get('tokenizer.ggml.tokens') as string[]).filter((t) => t === '\uFEFF')).toHaveLength(1);
  });
});
