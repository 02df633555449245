// The GPU forward pass against the CPU reference (src/engine/reference.ts) on the same weights:
// logits at every position for every stories260K file (batched prompt processing included), a model
// built here with every other supported weight type (K-quants, Q4_1, Q5_0, BF16), a RoPE override,
// perplexity computed llama.cpp's way, and the f16 KV cache against a reference that rounds K and V alike.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { perplexity } from '../../src/engine/perplexity.ts';
import { ReferenceModel, loadReferenceWeights, type ReferenceOptions } from '../../src/engine/reference.ts';
import {
  GGMLType,
  GGUFValueType,
  bytesSource,
  meta,
  readGGUF,
  writeGGUF,
  type GGUFFile,
  type GGUFTypedValue,
} from '../../src/gguf/index.ts';
import { computeRope } from '../../src/rope/frequencies.ts';
import { createTokenizer } from '../../src/tokenizer/index.ts';
import { llamaConfigFromGGUF } from '../../src/engine/model-config.ts';
import { formatBytes, maxBindingBytes } from '../../src/engine/gpu/device.ts';
import { maxAbsDiff, openStories, referenceChunkScorer, testDevice, testEngine } from '../helpers/engine-helpers.ts';
import { requireTestFiles, SHARED_MODELS, sharedModel, STORIES_FILES, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { randomF32, rng } from '../helpers/engine-kernel-harness.ts';
import { tieAwareF16Store } from '../helpers/f16-cache-oracle.ts';
import { randomTensor } from '../helpers/engine-random-tensors.ts';

const haveModels = requireTestFiles('GPU forward vs CPU reference', ...STORIES_FILES.map(sharedModel), TINYSTORIES_TEXT);

/** CPU reference logits at positions 0 … ids.length − 1. */
async function referenceLogits(
  file: GGUFFile,
  ids: number[],
  rope?: Parameters<typeof computeRope>[0],
  options?: ReferenceOptions,
): Promise<Float32Array[]> {
  const model = new ReferenceModel(await loadReferenceWeights(file), ids.length, options);
  if (rope) model.setRope(computeRope(rope));
  return ids.map((id, pos) => model.forward(id, pos));
}

function expectLogitsClose(gpu: Float32Array[], cpu: Float32Array[], relTolerance: number): void {
  expect(gpu.length).toBe(cpu.length);
  for (let p = 0; p < cpu.length; p++) {
    const { err, scale } = maxAbsDiff(gpu[p], cpu[p]);
    expect(err, `position ${p}`).toBeLessThanOrEqual(relTolerance * scale);
  }
}

const PROMPT = 'Once upon a time, there was a little dog named Max. He liked to run in the park with his friends.';

describe.skipIf(!haveModels)('GPU logits = CPU reference logits (stories260K)', () => {
  const engine = testEngine();
  afterAll(() => engine.destroy());

  for (const name of STORIES_FILES) {
    it(`${name}: every position of a 2-batch prompt (|err| ≤ 1e-5·max|logit|)`, async () => {
      const file = await openStories(name);
      const ids = createTokenizer(file.metadata).encode(PROMPT);
      await engine.load({ kind: 'path', path: SHARED_MODELS + name }, undefined, { context: 64, batchSize: 16 });
      expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
    });
  }

  it('prompt attention by split-K gives the same logits as the flash kernel (|err| ≤ 1e-5·max|logit|)', async () => {
    const file = await openStories('stories260K-Q8_0.gguf');
    const ids = createTokenizer(file.metadata).encode(PROMPT);
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K-Q8_0.gguf' }, undefined, {
      context: 64,
      batchSize: 16,
      promptAttention: 'split',
    });
    expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
  });

  it('GPU defaults (tiled prompt matmul and attention, fused decode kernels), batches of 16 and 10: every position (|err| ≤ 1e-5·max|logit|)', async () => {
    const file = await openStories('stories260K-Q8_0.gguf');
    const ids = createTokenizer(file.metadata).encode(PROMPT); // 26 tokens: a tiled batch of 16, then simple ones
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K-Q8_0.gguf' }, undefined, {
      context: 64,
      batchSize: 16,
      promptMatmul: 'tiled',
      decodeKernels: 'fused',
      promptAttention: 'tiled',
    });
    expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
  });

  it.each(['Q4_0', 'Q8_0'])(
    'int8 decode activations (matvec_int8.wgsl), one token per step, %s: every position equals the reference rounding x alike (|err| ≤ 1e-4·max|logit|), not the unrounded one',
    async (type) => {
      const file = await openStories(`stories260K-${type}.gguf`);
      // 12 positions: a decode step through SwiftShader's emulated dot4I8Packed takes about a second
      const ids = createTokenizer(file.metadata).encode(PROMPT).slice(0, 12);
      await engine.load({ kind: 'path', path: SHARED_MODELS + `stories260K-${type}.gguf` }, undefined, {
        context: 64,
        batchSize: 1,
        decodeKernels: 'fused',
        decodeActivations: 'int8',
      });
      const gpu = await engine.logits(ids);
      // 1e-5 holds on SwiftShader; 1e-4 leaves room for a value the GPU rounds the other way
      expectLogitsClose(gpu, await referenceLogits(file, ids, undefined, { int8Activations: true }), 1e-4);
      // the test can tell: the rounding moves the logits by far more than its tolerance
      const exact = await referenceLogits(file, ids);
      const moved = Math.max(
        ...exact.map((l, p) => {
          const { err, scale } = maxAbsDiff(gpu[p], l);
          return err / scale;
        }),
      );
      expect(moved).toBeGreaterThan(1e-3);
    },
  );

  it('a RoPE override (base 500000, linear ×4) changes the GPU as it changes the reference', async () => {
    const file = await openStories('stories260K.gguf');
    const ids = createTokenizer(file.metadata).encode(PROMPT).slice(0, 24);
    const rope = { headDim: 8, base: 500_000, type: 'linear' as const, factor: 4 };
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 32 });
    await engine.setRope(rope);
    const gpu = await engine.logits(ids);
    expectLogitsClose(gpu, await referenceLogits(file, ids, rope), 1e-5);
    await engine.setRope(null);
    expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
  });

  it('perplexity (llama.cpp chunking, ctx 64, 3 chunks) equals the CPU reference to 2e-6 relative', async () => {
    const file = await openStories('stories260K.gguf');
    const tokenizer = createTokenizer(file.metadata);
    const tokens = tokenizer.encode(readFileSync(TINYSTORIES_TEXT, 'utf8')).slice(0, 3 * 64 + 10);
    const bos = tokenizer.addsBos ? tokenizer.bos : null;
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 64 });
    const gpu = await perplexity(tokens, 64, bos, (chunk, first) => engine.score(chunk, { firstScored: first }));
    const weights = await loadReferenceWeights(file);
    const cpu = await perplexity(tokens, 64, bos, referenceChunkScorer(weights, 64));
    expect(gpu.chunks).toBe(3);
    expect(gpu.scored).toBe(3 * 31);
    expect(cpu.scored).toBe(gpu.scored);
    expect(Math.abs(gpu.perplexity - cpu.perplexity) / cpu.perplexity).toBeLessThanOrEqual(2e-6);
  });
});

describe.skipIf(!haveModels)('f16 KV cache: GPU logits = CPU reference rounding K and V to f16 (stories260K)', () => {
  const engine = testEngine();
  afterAll(() => engine.destroy());

  /** max over positions of |a − b| / max|b|. */
  const worstRelative = (a: Float32Array[], b: Float32Array[]) =>
    Math.max(
      ...b.map((row, p) => {
        const { err, scale } = maxAbsDiff(a[p], row);
        return err / scale;
      }),
    );

  // 16-token blocks (the flash or the split-K prompt kernel), and one token at a time (the split-K decode kernel)
  for (const [promptAttention, batchSizes] of [
    ['flash', [16, 1]],
    ['split', [16]],
    ['tiled', [16]],
  ] as const) {
    it(`${promptAttention} prompt attention, batches of ${batchSizes.join(' and ')}: every position (|err| ≤ 1e-5·max|logit|); the cache really is f16`, async () => {
      const file = await openStories('stories260K.gguf');
      const ids = createTokenizer(file.metadata).encode(PROMPT);
      for (const batchSize of batchSizes) {
        const info = await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, {
          context: 64,
          batchSize,
          promptAttention,
          kvCache: 'f16',
        });
        const perLayer = info.kvHeads * 64 * info.headDim * 2;
        expect(info.kvCache).toEqual({ context: 64, dtype: 'f16', bytesPerLayer: perLayer, totalBytes: 2 * info.layers * perLayer });
        const gpu = await engine.logits(ids);
        const oracle = await tieAwareF16Store(engine);
        const cpu = await referenceLogits(file, ids, undefined, { kvStore: oracle.store });
        const { values, gpuSideOfTie, mismatched } = oracle.counts;
        const exact = await referenceLogits(file, ids);
        console.log(
          `f16 cache, ${promptAttention}, batch ${batchSize}: ${values} values rounded, ${gpuSideOfTie} ties sided with the GPU, ${mismatched} mismatches; ` +
            `max relative logit error vs the oracle ${worstRelative(gpu, cpu).toExponential(2)}, vs the f32 reference ${worstRelative(gpu, exact).toExponential(2)}`,
        );
        expect(mismatched, oracle.mismatches.join('; ')).toBe(0);
        expect(gpuSideOfTie / values).toBeLessThan(1e-2); // measured 0.25%
        expectLogitsClose(gpu, cpu, 1e-5);
        // the f16 rounding moves logits by far more than the tolerance: the test above is not passing by accident
        expect(worstRelative(gpu, exact)).toBeGreaterThan(1e-4);
      }
    });
  }

  it('perplexity (ctx 64, 3 chunks) equals the CPU reference rounding alike to 2e-6 relative', async () => {
    const file = await openStories('stories260K.gguf');
    const tokenizer = createTokenizer(file.metadata);
    const tokens = tokenizer.encode(readFileSync(TINYSTORIES_TEXT, 'utf8')).slice(0, 3 * 64 + 10);
    const bos = tokenizer.addsBos ? tokenizer.bos : null;
    const weights = await loadReferenceWeights(file);
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 64, kvCache: 'f16' });
    let cpuNll = 0;
    const gpu = await perplexity(tokens, 64, bos, async (chunk, first) => {
      const scored = await engine.score(chunk, { firstScored: first });
      const oracle = await tieAwareF16Store(engine); // each chunk starts a fresh cache: its oracle reads that chunk's
      cpuNll += (await referenceChunkScorer(weights, 64, { kvStore: oracle.store })(chunk, first)).nll;
      expect(oracle.counts.mismatched, oracle.mismatches.join('; ')).toBe(0);
      return scored;
    });
    const cpu = Math.exp(cpuNll / gpu.scored);
    expect(Math.abs(gpu.perplexity - cpu) / cpu).toBeLessThanOrEqual(2e-6);
  });

  it('a 32K context: the f16 cache takes half the f32 bytes, and its logits match the reference', async () => {
    const context = 32_768;
    const f32 = await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context });
    const f16 = await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context, kvCache: 'f16' });
    expect(f16.kvCache.totalBytes * 2).toBe(f32.kvCache.totalBytes);
    expect(f16.kvCache.totalBytes).toBe(2 * f16.layers * f16.kvHeads * context * f16.headDim * 2);
    // the split-K decode kernel at this context cuts 32 chunks of 1024 positions
    const file = await openStories('stories260K.gguf');
    const ids = createTokenizer(file.metadata).encode(PROMPT);
    const gpu = await engine.logits(ids);
    const oracle = await tieAwareF16Store(engine);
    expectLogitsClose(gpu, await referenceLogits(file, ids, undefined, { kvStore: oracle.store }), 1e-5);
    expect(oracle.counts.mismatched, oracle.mismatches.join('; ')).toBe(0);
  });

  it('a context whose cache exceeds one storage binding fails the load naming the context, the layout and the limit', async () => {
    const { device } = await testDevice();
    const limit = maxBindingBytes(device);
    const c = llamaConfigFromGGUF(await openStories('stories260K.gguf'));
    const load = (context: number, kvCache: 'f32' | 'f16') =>
      engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context, kvCache });
    const past = (bytesPerValue: number) => Math.floor(limit / (c.kvHeads * c.headDim * bytesPerValue)) + 1; // first context over the limit
    const message = (dtype: string, context: number) =>
      new RegExp(
        `the ${dtype} KV cache of one layer for context ${context} .* needs .* but this GPU allows at most ${formatBytes(limit)} per storage binding`,
      );
    // just past what f16 holds: neither layout fits, and no hint
    await expect(load(past(2), 'f16')).rejects.toThrow(message('f16', past(2)));
    await expect(load(past(2), 'f32')).rejects.toThrow(/per storage binding$/);
    // just past what f32 holds: f16 would fit, and the message says so
    await expect(load(past(4), 'f32')).rejects.toThrow(message('f32', past(4)));
    await expect(load(past(4), 'f32')).rejects.toThrow(/; an f16 cache \(kvCache 'f16', --kv-cache f16\) needs .* and fits$/);
  });

  it('an unknown kvCache layout is refused by name', async () => {
    await expect(
      engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { kvCache: 'q8' as 'f16' }),
    ).rejects.toThrow(/kvCache must be 'f32' or 'f16', got q8/);
  });

  it('an unknown decodeActivations is refused by name, and the engine still loads afterwards', async () => {
    await expect(
      engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { decodeActivations: 'int4' as 'int8' }),
    ).rejects.toThrow(/decodeActivations must be 'f32' or 'int8', got int4/);
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 16 });
    expect((await engine.logits([1, 2])).length).toBe(2);
  });
});

/** A one-layer Llama whose tensors use the remaining GPU weight types, with stories260K's vocabulary. */
async function mixedTypeModel(types: Record<string, GGMLType>, variant: { tied?: boolean; ropeFreqs?: boolean } = {}): Promise<Uint8Array> {
  const stories = await openStories('stories260K.gguf');
  const dim = 256,
    ffn = 512,
    heads = 4,
    kvHeads = 2,
    vocab = 512,
    headDim = dim / heads;
  const random = rng(42);
  const metadata: [string, GGUFTypedValue][] = [
    ['general.architecture', meta.str('llama')],
    ['general.name', meta.str('mixed-types')],
    ['llama.embedding_length', meta.u32(dim)],
    ['llama.block_count', meta.u32(1)],
    ['llama.feed_forward_length', meta.u32(ffn)],
    ['llama.attention.head_count', meta.u32(heads)],
    ['llama.attention.head_count_kv', meta.u32(kvHeads)],
    ['llama.context_length', meta.u32(256)],
    ['llama.rope.freq_base', meta.f32(10_000)],
    ['llama.attention.layer_norm_rms_epsilon', meta.f32(1e-5)],
    ['tokenizer.ggml.model', meta.str('llama')],
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, stories.metadata.get('tokenizer.ggml.tokens') as string[])],
    ['tokenizer.ggml.scores', meta.array(GGUFValueType.FLOAT32, stories.metadata.get('tokenizer.ggml.scores') as number[])],
    ['tokenizer.ggml.token_type', meta.array(GGUFValueType.INT32, stories.metadata.get('tokenizer.ggml.token_type') as number[])],
    ['tokenizer.ggml.bos_token_id', meta.u32(1)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
  ];
  const shapes: Record<string, number[]> = {
    'token_embd.weight': [dim, vocab],
    'output.weight': [dim, vocab],
    'blk.0.attn_q.weight': [dim, dim],
    'blk.0.attn_k.weight': [dim, kvHeads * headDim],
    'blk.0.attn_v.weight': [dim, kvHeads * headDim],
    'blk.0.attn_output.weight': [dim, dim],
    'blk.0.ffn_gate.weight': [dim, ffn],
    'blk.0.ffn_up.weight': [dim, ffn],
    'blk.0.ffn_down.weight': [ffn, dim],
  };
  if (variant.tied) delete shapes['output.weight'];
  const tensors = Object.entries(shapes).map(([name, dims]) => ({
    name,
    dims,
    type: types[name],
    data: randomTensor(types[name], dims[0] * dims[1], random),
  }));
  for (const name of ['blk.0.attn_norm.weight', 'blk.0.ffn_norm.weight', 'output_norm.weight'])
    tensors.push({
      name,
      dims: [dim],
      type: GGMLType.F32,
      data: new Uint8Array(Float32Array.from(randomF32(dim, random), (v) => 1 + 0.5 * v).buffer),
    });
  if (variant.ropeFreqs)
    // Llama 3.1 style: θ_i divided per pair, here by factors from 1 to 8
    tensors.push({
      name: 'rope_freqs.weight',
      dims: [headDim / 2],
      type: GGMLType.F32,
      data: new Uint8Array(Float32Array.from({ length: headDim / 2 }, (_, i) => 1 + (7 * i) / (headDim / 2 - 1)).buffer),
    });
  return writeGGUF(metadata, tensors);
}

describe.skipIf(!haveModels)('GPU logits = CPU reference logits (synthetic model, every other weight type)', () => {
  const engine = testEngine();
  afterAll(() => engine.destroy());

  it('Q4_K, Q5_K, Q6_K, Q4_1, Q5_0, BF16, F16, Q8_0 in one model: every position (|err| ≤ 1e-5·max|logit|)', async () => {
    const bytes = await mixedTypeModel({
      'token_embd.weight': GGMLType.Q6_K,
      'output.weight': GGMLType.Q8_0,
      'blk.0.attn_q.weight': GGMLType.Q4_K,
      'blk.0.attn_k.weight': GGMLType.Q5_K,
      'blk.0.attn_v.weight': GGMLType.Q6_K,
      'blk.0.attn_output.weight': GGMLType.Q4_1,
      'blk.0.ffn_gate.weight': GGMLType.Q5_0,
      'blk.0.ffn_up.weight': GGMLType.BF16,
      'blk.0.ffn_down.weight': GGMLType.F16,
    });
    const file = await readGGUF(bytesSource(bytes, 'mixed.gguf'));
    const ids = [1, 5, 300, 42, 42, 7, 511, 100, 2, 64, 65, 66];
    const info = await engine.load({ kind: 'bytes', bytes, name: 'mixed.gguf' }, undefined, { context: 16, batchSize: 5 });
    expect(info.tensorTypes).toMatchObject({ Q4_K: 1, Q5_K: 1, Q6_K: 2, Q4_1: 1, Q5_0: 1, BF16: 1, F16: 1, Q8_0: 1, F32: 3 });
    expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
  });

  it('a tensor of a type no kernel reads fails the load naming the tensor and the type', async () => {
    const bytes = await mixedTypeModel({
      'token_embd.weight': GGMLType.F32,
      'output.weight': GGMLType.F32,
      'blk.0.attn_q.weight': GGMLType.F32,
      'blk.0.attn_k.weight': GGMLType.F32,
      'blk.0.attn_v.weight': GGMLType.F32,
      'blk.0.attn_output.weight': GGMLType.F32,
      'blk.0.ffn_gate.weight': GGMLType.Q2_K,
      'blk.0.ffn_up.weight': GGMLType.F32,
      'blk.0.ffn_down.weight': GGMLType.F32,
    });
    await expect(engine.load({ kind: 'bytes', bytes, name: 'q2k.gguf' })).rejects.toThrow(/blk\.0\.ffn_gate\.weight.*Q2_K/);
  });

  it('tied output (no output.weight) and rope_freqs.weight divisors: every position (|err| ≤ 1e-5·max|logit|)', async () => {
    const f32 = GGMLType.F32;
    const bytes = await mixedTypeModel(
      {
        'token_embd.weight': GGMLType.Q8_0,
        'blk.0.attn_q.weight': f32,
        'blk.0.attn_k.weight': f32,
        'blk.0.attn_v.weight': f32,
        'blk.0.attn_output.weight': f32,
        'blk.0.ffn_gate.weight': f32,
        'blk.0.ffn_up.weight': f32,
        'blk.0.ffn_down.weight': f32,
      },
      { tied: true, ropeFreqs: true },
    );
    const file = await readGGUF(bytesSource(bytes, 'tied.gguf'));
    const info = await engine.load({ kind: 'bytes', bytes, name: 'tied.gguf' }, undefined, { context: 16 });
    expect(info.hasRopeFreqs).toBe(true);
    expect(info.rope.longFactor?.[info.rope.longFactor.length - 1]).toBeCloseTo(8, 5);
    const ids = [1, 9, 300, 4, 77, 78, 79, 80, 81, 2, 3, 5, 6, 200];
    expectLogitsClose(await engine.logits(ids), await referenceLogits(file, ids), 1e-5);
  });
});
