import { describe, expect, it } from 'vitest';
import {
  attentionStatsFromProbabilities,
  emptyQkPairNorms,
  type AttentionProbeResult,
  type ModelLabel,
} from '../../../../src/probes/index.ts';
import {
  analyticDecay,
  bucketMiddle,
  meanBucketMass,
  pairUsage,
  seriesModel,
  trainedContextMarkers,
} from '../../../../src/ui/probes/charts/attentionSeries.ts';

/** (tokens)² causal attention where query q puts all its weight on key `key(q)`. */
function oneHot(tokens: number, key: (q: number) => number): Float32Array {
  const m = new Float32Array(tokens * tokens);
  for (let q = 0; q < tokens; q++) m[q * tokens + key(q)] = 1;
  return m;
}

describe('attention mass by distance for the chart', () => {
  // 4 tokens, buckets {0}, {1}, {2, 3}. Head 0 looks at itself: all mass at distance 0. Head 1 looks at
  // token 0: distances 0, 1, 2, 3 for q = 0…3, so by hand [1/4, 1/4, 2/4].
  const stats = attentionStatsFromProbabilities([[oneHot(4, (q) => q), oneHot(4, () => 0)]], 4);

  it('one head: its own mean mass per bucket', () => {
    expect(meanBucketMass(stats, { layer: 0, head: 0 })).toEqual([1, 0, 0]);
    expect(meanBucketMass(stats, { layer: 0, head: 1 })).toEqual([0.25, 0.25, 0.5]);
  });

  it('all heads: each head weighted equally, still summing to 1', () => {
    const mass = meanBucketMass(stats, 'all');
    expect(mass).toEqual([0.625, 0.125, 0.25]);
    expect(mass.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });

  it('buckets sit at their geometric middles on the log axis', () => {
    // bucket b ≥ 1 holds distances [2^(b−1), 2^b): its middle is √(lo · (hi − 1))
    expect([0, 1, 2, 3, 4].map(bucketMiddle)).toEqual([0.5, 1, Math.sqrt(2 * 3), Math.sqrt(4 * 7), Math.sqrt(8 * 15)]);
  });
});

describe('q/k norm share per rotary pair for the chart', () => {
  // 1 layer, 2 heads sharing 1 KV head, headDim 6 (3 pairs), the last pair not rotated
  const norms = emptyQkPairNorms(1, 2, 1, 6, 2);
  norms.q.set([1, 2, 3, /* head 1 */ 4, 0, 0]);
  norms.k.set([1, 1, 2]);
  const rope = { headDim: 4, base: 10000, type: 'default' as const };

  it('one head: ‖q_i‖·‖k_i‖ over their sum, at the pair wavelengths 2π·base^(2i/d)', () => {
    // products 1, 2, 6 → shares 1/9, 2/9 (pair 2 is unrotated and dropped)
    const points = pairUsage(norms, rope, { layer: 0, head: 0 });
    expect(points).toHaveLength(2);
    expect(points[0][0]).toBeCloseTo(2 * Math.PI, 5);
    expect(points[1][0] / (2 * Math.PI * 100)).toBeCloseTo(1, 5);
    expect(points.map((p) => p[1])).toEqual([1 / 9, 2 / 9]);
  });

  it('all heads: shares averaged with equal weight; an override moves only the wavelengths', () => {
    // head 1 puts everything on pair 0: mean share (1/9 + 1)/2 and (2/9 + 0)/2
    const mean = pairUsage(norms, rope, 'all');
    expect(mean[0][1]).toBeCloseTo(5 / 9, 12);
    expect(mean[1][1]).toBeCloseTo(1 / 9, 12);
    const pi = pairUsage(norms, { ...rope, type: 'linear', factor: 4 }, 'all');
    expect(pi.map((p) => p[1])).toEqual(mean.map((p) => p[1]));
    expect(pi[1][0] / mean[1][0]).toBeCloseTo(4, 5);
  });
});

describe('a family run: each series under its own model', () => {
  // The "RoPE vs PI vs ABF" shape: stage 1 (256 tokens) and three continuations to 2,048, each its own model.
  const headDim = 4;
  const base = { headDim, base: 10000, type: 'default' as const };
  const models: ModelLabel[] = [
    { name: 'stage1', trainedContext: 256, rope: base },
    { name: 'rope', trainedContext: 2048, rope: base },
    { name: 'pi', trainedContext: 2048, rope: { ...base, type: 'linear' as const, factor: 8 } },
    { name: 'abf', trainedContext: 2048, rope: { ...base, base: 500000 } },
  ];
  const labels = ['stage 1 (256)', 'RoPE', 'PI ×8', 'ABF 500K'];
  const norms = emptyQkPairNorms(1, 1, 1, headDim, 2);
  norms.q.set([1, 1]);
  norms.k.set([1, 1]);
  const stats = attentionStatsFromProbabilities([[oneHot(4, (q) => q)]], 4);
  const result: AttentionProbeResult = {
    provenance: {
      probe: 'attention-distance' as const,
      model: models[0],
      variantModels: models,
      texts: [],
      seed: null,
      options: {},
      finishedAt: '',
    },
    ids: Array.from({ length: 4096 }, (_, i) => i),
    series: labels.map((label, i) => ({ variant: { label, rope: null, model: `builtin:${models[i].name}` }, stats, qkNorms: norms })),
  };

  it('takes each series RoPE from its own model, not the first one', () => {
    expect([0, 1, 2, 3].map((i) => seriesModel(result, i).model.name)).toEqual(['stage1', 'rope', 'pi', 'abf']);
    const usage = [0, 1, 2, 3].map((i) => pairUsage(norms, seriesModel(result, i).rope, 'all'));
    // PI ×8 stretches every wavelength 8×; ABF stretches the slow pair by (500000/10000)^(2/4)
    usage[2].forEach(([lambda], pair) => expect(lambda / usage[1][pair][0]).toBeCloseTo(8, 5));
    expect(usage[3][1][0] / usage[1][1][0]).toBeCloseTo(Math.sqrt(50), 4);
  });

  it('draws RoPE, PI and ABF as different analytic decay curves', () => {
    const curves = [1, 2, 3].map((i) => analyticDecay(seriesModel(result, i).rope, result.ids.length).map((p) => p[1]));
    expect(curves[0]).not.toEqual(curves[1]);
    expect(curves[0]).not.toEqual(curves[2]);
    expect(curves[1]).not.toEqual(curves[2]);
  });

  it('marks each trained context once, naming the series trained there', () => {
    expect(trainedContextMarkers(result, String)).toEqual([
      { x: 256, label: 'trained context 256 (stage 1 (256))' },
      { x: 2048, label: 'trained context 2048 (RoPE, PI ×8, ABF 500K)' },
    ]);
  });

  it('a run on one model with overrides keeps one unlabelled marker and applies each override', () => {
    const single = { ...result, provenance: { ...result.provenance, variantModels: undefined } };
    single.series = [
      { ...result.series[0], variant: { label: 'own', rope: null } },
      { ...result.series[0], variant: { label: 'PI ×8', rope: models[2].rope } },
    ];
    expect(trainedContextMarkers(single, String)).toEqual([{ x: 256, label: 'trained context 256' }]);
    expect(seriesModel(single, 1).rope).toBe(models[2].rope);
    expect(seriesModel(single, 0).rope).toBe(base);
  });
});
