// The GPU forward pass of the families beyond Llama that its kernels run (qwen2: q/k/v biases and NEOX
// pairs; qwen3: per-head q/k RMSNorm, NEOX, head dim 128; smollm3: NoPE every 4th layer, YaRN) against the
// CPU reference (itself checked against llama.cpp in reference-architectures.test.ts) on the same random
// F32 files (tests/helpers/arch-models.ts): logits at every position of a 24-token prompt, run as a batch
// of 16 and one of 8, with the file's RoPE and under an override, and 16 greedy ids after the prompt.
// The GPU's own defaults (tiled prompt products and attention, fused decode matvecs, whose q/k/v land
// before the bias and norm kernels run) are checked too: prompt batches of 16, and decode steps one token
// at a time. Tolerance: max|gpu − cpu| ≤ 1e-5·max|cpu logit| per position, as the stories260K checks of
// forward.test.ts (f32 throughout on SwiftShader; measured ≤ 1e-6: summation order and the kernels'
// own cos/sin against the reference's float64 sums).
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceModel, argmax, loadReferenceWeights, type ReferenceWeights } from '../../src/engine/reference.ts';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import type { RopeConfig } from '../../src/rope/config.ts';
import { computeRope } from '../../src/rope/frequencies.ts';
import { ARCH_SHAPES, writeArchModel, type ArchName } from '../helpers/arch-models.ts';
import { maxAbsDiff, testEngine } from '../helpers/engine-helpers.ts';
import { rng } from '../helpers/engine-kernel-harness.ts';

const PROMPT_LENGTH = 24;
const GREEDY = 16;
const CONTEXT = 64;
const TOLERANCE = 1e-5;
const FAMILIES: readonly ArchName[] = ['qwen2', 'qwen3', 'smollm3'];

async function loadWeights(path: string): Promise<ReferenceWeights> {
  const source = await fileSource(path);
  try {
    return await loadReferenceWeights(await readGGUF(source));
  } finally {
    await source.close?.();
  }
}

function referenceLogits(weights: ReferenceWeights, ids: number[], rope?: RopeConfig): Float32Array[] {
  const model = new ReferenceModel(weights, CONTEXT);
  if (rope) model.setRope(computeRope(rope));
  return ids.map((id, pos) => model.forward(id, pos));
}

function referenceGreedy(weights: ReferenceWeights, ids: number[]): number[] {
  const model = new ReferenceModel(weights, CONTEXT);
  const prompt = ids.map((id, pos) => model.forward(id, pos));
  const out = [argmax(prompt[prompt.length - 1])];
  while (out.length < GREEDY) out.push(argmax(model.forward(out[out.length - 1], ids.length + out.length - 1)));
  return out;
}

/** The worst position's max|gpu − cpu| / max|cpu|. */
function worstRelative(gpu: Float32Array[], cpu: Float32Array[]): number {
  expect(gpu.length).toBe(cpu.length);
  return Math.max(
    ...cpu.map((l, p) => {
      const { err, scale } = maxAbsDiff(gpu[p], l);
      return err / scale;
    }),
  );
}

describe('GPU logits = CPU reference logits, families beyond Llama (random F32 files)', () => {
  const engine = testEngine();
  afterAll(() => engine.destroy());

  for (const arch of FAMILIES)
    for (const shape of ARCH_SHAPES[arch])
      it(`${shape.name}: every position of a 24-token prompt with the file's RoPE and an override, 16 greedy ids (|err| ≤ ${TOLERANCE}·max|logit|)`, async () => {
        const path = await writeArchModel(arch, shape);
        const weights = await loadWeights(path);
        const random = rng(7);
        const ids = Array.from({ length: PROMPT_LENGTH }, () => Math.floor(random() * shape.vocab));
        await engine.load({ kind: 'path', path }, undefined, { context: CONTEXT, batchSize: 16 });

        const plain = worstRelative(await engine.logits(ids), referenceLogits(weights, ids));
        expect(plain, `${shape.name} with the file's RoPE`).toBeLessThanOrEqual(TOLERANCE);

        const rope: RopeConfig = { headDim: shape.headDim, base: 500_000, type: 'linear', factor: 4 };
        await engine.setRope(rope);
        const overridden = worstRelative(await engine.logits(ids), referenceLogits(weights, ids, rope));
        expect(overridden, `${shape.name} with base 500000, linear ×4`).toBeLessThanOrEqual(TOLERANCE);
        await engine.setRope(null);

        const gpu = await engine.generate(ids, { maxTokens: GREEDY, temperature: 0, stopAtEos: false, addBos: false });
        expect(gpu.tokens).toEqual(referenceGreedy(weights, ids));
        console.log(`${shape.name}: worst relative logit error ${plain.toExponential(2)}, override ${overridden.toExponential(2)}`);
      });

  it('the q/k pair norms probe splits a NEOX model into its pairs (i, i + d/2): its k norms equal those of the rotated K cache (|err| ≤ 1e-5·max)', async () => {
    const shape = ARCH_SHAPES.qwen3[0];
    await engine.load({ kind: 'path', path: await writeArchModel('qwen3', shape) }, undefined, { context: CONTEXT });
    const random = rng(9);
    const ids = Array.from({ length: 12 }, () => Math.floor(random() * shape.vocab));
    const norms = await engine.qkPairNorms(ids);
    const pairs = shape.headDim / 2;
    // a rotation keeps each pair's norm (attention factor 1): the cache's pairs give the probe's k norms
    const fromCache = (layerK: Float32Array, split: (i: number) => [number, number]) =>
      Array.from({ length: shape.kvHeads * pairs }, (_, slot) => {
        const [h, i] = [Math.floor(slot / pairs), slot % pairs];
        const [a, b] = split(i);
        let sum = 0;
        for (let t = 0; t < ids.length; t++) {
          const row = (h * CONTEXT + t) * shape.headDim;
          sum += Math.hypot(layerK[row + a], layerK[row + b]);
        }
        return sum / ids.length;
      });
    for (let l = 0; l < shape.layers; l++) {
      const { k } = await engine.kvCache(l);
      const probe = norms.k.subarray(l * shape.kvHeads * pairs, (l + 1) * shape.kvHeads * pairs);
      const neox = maxAbsDiff(
        probe,
        fromCache(k, (i) => [i, i + pairs]),
      );
      expect(neox.err, `layer ${l}`).toBeLessThanOrEqual(1e-5 * neox.scale);
      // adjacent pairs would be another split: the check tells them apart
      const adjacent = maxAbsDiff(
        probe,
        fromCache(k, (i) => [2 * i, 2 * i + 1]),
      );
      expect(adjacent.err, `layer ${l}, adjacent split`).toBeGreaterThan(1e-2 * adjacent.scale);
    }
  });

  // one family (~40 s on SwiftShader, compiling the tiled kernels): the bias and norm kernels run alike on every path
  {
    const arch: ArchName = 'qwen2';
    const shape = ARCH_SHAPES[arch][0];
    it(`${shape.name}, GPU defaults: every position as tiled batches of 16 and as fused decode steps (|err| ≤ ${TOLERANCE}·max|logit|)`, async () => {
      const path = await writeArchModel(arch, shape);
      const weights = await loadWeights(path);
      const random = rng(8);
      const ids = Array.from({ length: PROMPT_LENGTH }, () => Math.floor(random() * shape.vocab));
      const cpu = referenceLogits(weights, ids);
      for (const batchSize of [16, 1]) {
        await engine.load({ kind: 'path', path }, undefined, {
          context: CONTEXT,
          batchSize,
          promptMatmul: 'tiled',
          decodeKernels: 'fused',
          promptAttention: 'tiled',
        });
        expect(worstRelative(await engine.logits(ids), cpu), `batches of ${batchSize}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
