// ProbeHooks on the WebGPU engine (Dawn; SwiftShader here) against the CPU reference's traced forward pass
// (ReferenceProbeEngine, which builds the full attention matrices and bins them in f64): the attention
// statistics gathered inside attention_stats.wgsl must equal the oracle's, under the model's own RoPE
// and under a base override, and every query's bucket masses must sum to 1 — with the f32 KV cache, and
// with the f16 one against the oracle rounding K and V alike (tests/helpers/f16-cache-oracle.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import type { AttentionStats } from '../../src/probes/attention-stats.ts';
import { ReferenceProbeEngine } from '../../src/probes/reference-engine.ts';
import { testEngine } from '../helpers/engine-helpers.ts';
import { requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';
import { tieAwareF16Store } from '../helpers/f16-cache-oracle.ts';
import { loadStories, tinyStories } from '../helpers/probes-helpers.ts';

const haveModels = requireTestFiles('attention probes on the WebGPU engine', STORIES_GGUF, TINYSTORIES_TEXT);

const TOKENS = 200;
/** f32 softmax on the GPU vs f64 on the CPU over ≤ 200 keys (measured: ≤ 1e-6 on masses and sink, 1.3e-6 nats on entropy). */
const MASS_TOLERANCE = 2e-5;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Max over (layer, head, bin) of |Σ bucket masses / queries − 1|. */
function worstMassSum(s: AttentionStats): number {
  const bins = s.queryBinEdges.length - 1;
  let worst = 0;
  for (let cell = 0; cell < s.layers * s.heads * bins; cell++) {
    let total = 0;
    for (let b = 0; b < s.buckets; b++) total += s.bucketMass[cell * s.buckets + b];
    worst = Math.max(worst, Math.abs(total / s.queryCount[cell % bins] - 1));
  }
  return worst;
}

describe.skipIf(!haveModels)('attention statistics: WebGPU kernel vs CPU reference (stories260K)', () => {
  let gpu: WebGpuEngine;
  let cpu: ReferenceProbeEngine;
  let ids: number[];
  beforeAll(async () => {
    const { weights, tokenizer } = await loadStories();
    cpu = new ReferenceProbeEngine(weights, tokenizer);
    ids = tokenizer.encode(tinyStories()).slice(0, TOKENS);
    expect(ids.length).toBe(TOKENS);
    gpu = testEngine();
    await gpu.load({ kind: 'path', path: STORIES_GGUF }, undefined, { context: 256 });
  });
  afterAll(() => gpu?.destroy());

  const cases = [
    { label: 'own RoPE', rope: null, edges: undefined },
    { label: 'base ×4, linear query bins', rope: { base: 40000 }, edges: [0, 50, 100, 150, TOKENS] },
  ];
  for (const { label, rope, edges } of cases) {
    it(`equals the oracle within ${MASS_TOLERANCE} (${label})`, async () => {
      const info = (await gpu.info())!;
      const override = rope && { ...info.rope, ...rope };
      await gpu.setRope(override);
      await cpu.setRope(override);
      const started = performance.now();
      const onGpu = await gpu.attentionStats(ids, { queryBinEdges: edges });
      const statsSeconds = (performance.now() - started) / 1000;
      const scoreStarted = performance.now();
      await gpu.score(ids);
      const scoreSeconds = (performance.now() - scoreStarted) / 1000;
      const onCpu = await cpu.attentionStats(ids, { queryBinEdges: edges });

      expect([onGpu.layers, onGpu.heads, onGpu.buckets, onGpu.tokens]).toEqual([onCpu.layers, onCpu.heads, onCpu.buckets, onCpu.tokens]);
      expect(onGpu.queryBinEdges).toEqual(onCpu.queryBinEdges);
      const errors = {
        // sums over up to 100 queries per bin: compare per query (the sums divided by the bin's count)
        mass: maxDiff(perQuery(onGpu, onGpu.bucketMass, onGpu.buckets), perQuery(onCpu, onCpu.bucketMass, onCpu.buckets)),
        sink: maxDiff(perQuery(onGpu, onGpu.sinkMass, 1), perQuery(onCpu, onCpu.sinkMass, 1)),
        entropy: maxDiff(perQuery(onGpu, onGpu.entropy, 1), perQuery(onCpu, onCpu.entropy, 1)),
        massSum: worstMassSum(onGpu),
      };
      console.log(
        `${label}: max errors ${JSON.stringify(errors)}; stats pass ${statsSeconds.toFixed(2)} s, plain score ${scoreSeconds.toFixed(2)} s`,
      );
      expect(errors.mass).toBeLessThan(MASS_TOLERANCE);
      expect(errors.sink).toBeLessThan(MASS_TOLERANCE);
      expect(errors.entropy).toBeLessThan(10 * MASS_TOLERANCE); // nats, up to ln 200 ≈ 5.3
      expect(errors.massSum).toBeLessThan(MASS_TOLERANCE);
    });
  }

  it('q/k pair norms equal the oracle (before the rotation: the same under an override)', async () => {
    const info = (await gpu.info())!;
    for (const override of [null, { ...info.rope, base: 40000 }]) {
      await gpu.setRope(override);
      await cpu.setRope(override);
      const [onGpu, onCpu] = [await gpu.qkPairNorms(ids), await cpu.qkPairNorms(ids)];
      expect([onGpu.pairs, onGpu.rotatedPairs, onGpu.tokens]).toEqual([onCpu.pairs, onCpu.rotatedPairs, onCpu.tokens]);
      const scale = Math.max(...onCpu.q, ...onCpu.k);
      // the engines' projections agree to ~1e-5 relative (engine-forward's logit bound is 1e-5·max)
      expect(maxDiff(onGpu.q, onCpu.q)).toBeLessThan(1e-5 * scale);
      expect(maxDiff(onGpu.k, onCpu.k)).toBeLessThan(1e-5 * scale);
    }
    await gpu.setRope(null);
    await cpu.setRope(null);
  });

  it('the attention map of a head equals the oracle, rows sum to 1, zeros above the diagonal', async () => {
    const short = ids.slice(0, 70); // three batches of 32: the map spans batch boundaries
    const info = (await gpu.info())!;
    for (const [layer, head] of [
      [0, 0],
      [info.layers - 1, info.heads - 1],
    ]) {
      const [onGpu, onCpu] = [await gpu.attentionMap(short, layer, head), await cpu.attentionMap(short, layer, head)];
      expect(maxDiff(onGpu, onCpu)).toBeLessThan(MASS_TOLERANCE);
      for (let row = 0; row < short.length; row++) {
        const weights = onGpu.subarray(row * short.length, (row + 1) * short.length);
        expect(Math.abs(weights.subarray(0, row + 1).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        expect(weights.subarray(row + 1).every((w) => w === 0)).toBe(true);
      }
    }
    await expect(gpu.attentionMap(short, info.layers, 0)).rejects.toThrow(/no layer/);
  });

  it('an override changes the statistics (the kernel sees the current RoPE)', async () => {
    const info = (await gpu.info())!;
    await gpu.setRope(null);
    const own = await gpu.attentionStats(ids);
    await gpu.setRope({ ...info.rope, base: info.rope.base / 100 });
    const changed = await gpu.attentionStats(ids);
    await gpu.setRope(null);
    expect(maxDiff(perQuery(own, own.bucketMass, own.buckets), perQuery(changed, changed.bucketMass, changed.buckets))).toBeGreaterThan(
      1e-2,
    );
  });
});

describe.skipIf(!haveModels)(
  'attention probes with an f16 KV cache: WebGPU kernels vs the CPU reference rounding alike (stories260K)',
  () => {
    let gpu: WebGpuEngine;
    let weights: Awaited<ReturnType<typeof loadStories>>['weights'];
    let ids: number[];
    beforeAll(async () => {
      const stories = await loadStories();
      weights = stories.weights;
      ids = stories.tokenizer.encode(tinyStories()).slice(0, TOKENS);
      gpu = testEngine();
      await gpu.load({ kind: 'path', path: STORIES_GGUF }, undefined, { context: 256, kvCache: 'f16' });
    });
    afterAll(() => gpu?.destroy());

    /** The oracle of the cache the GPU's last pass left (its keys and values rounded as the GPU rounded near ties). */
    async function oracle() {
      const store = await tieAwareF16Store(gpu);
      return {
        cpu: new ReferenceProbeEngine(weights, { isEndOfGeneration: () => false, decode: () => '', bos: 1 }, { kvStore: store.store }),
        store,
      };
    }

    it(`attention statistics equal the oracle within ${MASS_TOLERANCE}`, async () => {
      const onGpu = await gpu.attentionStats(ids);
      const { cpu, store } = await oracle();
      const onCpu = await cpu.attentionStats(ids);
      expect(store.counts.mismatched, store.mismatches.join('; ')).toBe(0);
      const errors = {
        mass: maxDiff(perQuery(onGpu, onGpu.bucketMass, onGpu.buckets), perQuery(onCpu, onCpu.bucketMass, onCpu.buckets)),
        sink: maxDiff(perQuery(onGpu, onGpu.sinkMass, 1), perQuery(onCpu, onCpu.sinkMass, 1)),
        entropy: maxDiff(perQuery(onGpu, onGpu.entropy, 1), perQuery(onCpu, onCpu.entropy, 1)),
      };
      console.log(
        `f16 cache: max errors ${JSON.stringify(errors)}; ${store.counts.gpuSideOfTie} of ${store.counts.values} cached values sided with the GPU`,
      );
      expect(errors.mass).toBeLessThan(MASS_TOLERANCE);
      expect(errors.sink).toBeLessThan(MASS_TOLERANCE);
      expect(errors.entropy).toBeLessThan(10 * MASS_TOLERANCE);
      expect(worstMassSum(onGpu)).toBeLessThan(MASS_TOLERANCE);
    });

    it('the attention map of the last head equals the oracle', async () => {
      const short = ids.slice(0, 70);
      const info = (await gpu.info())!;
      const onGpu = await gpu.attentionMap(short, info.layers - 1, info.heads - 1);
      const { cpu, store } = await oracle();
      expect(maxDiff(onGpu, await cpu.attentionMap(short, info.layers - 1, info.heads - 1))).toBeLessThan(MASS_TOLERANCE);
      expect(store.counts.mismatched, store.mismatches.join('; ')).toBe(0);
    });
  },
);

/** Each cell's sums divided by its bin's query count. */
function perQuery(s: AttentionStats, sums: Float32Array, perCell: number): Float64Array {
  const bins = s.queryBinEdges.length - 1;
  return Float64Array.from(sums, (x, i) => x / s.queryCount[Math.floor(i / perCell) % bins]);
}
