// End to end on the GPU (SwiftShader): greedy decoding of stories260K from BOS reproduces the
// independent fp32 reference's 64 ids for F32, F16 and Q8_0 (Q4_0 only as far as it is documented to
// agree), and the position-0 logits match its 512 values.
import { afterAll, describe, expect, it } from 'vitest';
import { greedyReference, maxAbsDiff, testEngine } from '../helpers/engine-helpers.ts';
import { requireTestFiles, SHARED_MODELS, sharedModel, STORIES_FILES, STORIES_GREEDY_REF } from '../helpers/shared.ts';

const haveModels = requireTestFiles('GPU greedy decoding', ...STORIES_FILES.map(sharedModel), STORIES_GREEDY_REF);

describe.skipIf(!haveModels)('GPU greedy decoding of stories260K', () => {
  const engine = testEngine();
  afterAll(() => engine.destroy());
  const ref = haveModels ? greedyReference() : { greedy_ids: [], logits_pos0_after_bos: [] };

  for (const [file, logitTolerance] of [
    ['stories260K.gguf', 1e-4],
    ['stories260K-F16.gguf', 2e-2],
    ['stories260K-Q8_0.gguf', 5e-2],
  ] as const) {
    it(`${file}: 64 greedy ids and position-0 logits`, async () => {
      await engine.load({ kind: 'path', path: SHARED_MODELS + file }, undefined, { context: 128 });
      const [logits0] = await engine.logits([1]);
      const { err, scale } = maxAbsDiff(logits0, ref.logits_pos0_after_bos);
      expect(err).toBeLessThanOrEqual(logitTolerance * scale);
      const result = await engine.generate([1], { maxTokens: 32, temperature: 0, stopAtEos: false });
      expect(result.tokens).toEqual(ref.greedy_ids.slice(0, 32));
    });
  }

  // The GPUs' decode kernels (SwiftShader's default is 'matmul'), on a Q8_0 file and on the F32 one.
  for (const [file, decodeKernels] of [
    ['stories260K-Q8_0.gguf', 'generic'],
    ['stories260K-Q8_0.gguf', 'fused'],
    ['stories260K.gguf', 'fused'],
  ] as const) {
    it(`${file} with decodeKernels '${decodeKernels}': the same 32 greedy ids`, async () => {
      await engine.load({ kind: 'path', path: SHARED_MODELS + file }, undefined, { context: 128, decodeKernels });
      const result = await engine.generate([1], { maxTokens: 32, temperature: 0, stopAtEos: false });
      expect(result.tokens).toEqual(ref.greedy_ids.slice(0, 32));
    });
  }

  it('a lost device puts the engine in an error state; the next load recreates the device', async () => {
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 32 });
    const device = (engine as unknown as { gpuContext: { device: GPUDevice } }).gpuContext.device;
    device.destroy(); // what a driver reset or a lost GPU process looks like to the engine
    await device.lost;
    await expect(engine.generate([1], { maxTokens: 2 })).rejects.toThrow(/device was lost.*load the model again/);
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 32 });
    expect((await engine.generate([1], { maxTokens: 3, stopAtEos: false })).tokens).toEqual(ref.greedy_ids.slice(0, 3));
  });

  it('a context whose KV cache exceeds a storage binding fails with the numbers', async () => {
    // stories260K: 4 kv heads × 8 dims × 4 bytes = 128 bytes per position and layer; SwiftShader binds ≤ 1 GiB
    await expect(engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 1 << 24 })).rejects.toThrow(
      /KV cache of one layer for context 16777216 .* needs 2\.00 GiB .* at most 1\.00 GiB/,
    );
  });

  it('cancel() stops a running generation at the next step', async () => {
    await engine.load({ kind: 'path', path: SHARED_MODELS + 'stories260K.gguf' }, undefined, { context: 128 });
    const result = await engine.generate([1], { maxTokens: 100, stopAtEos: false }, (t) => {
      if (t.index === 4) engine.cancel();
    });
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.tokens).toEqual(ref.greedy_ids.slice(0, 5));
  });
});
