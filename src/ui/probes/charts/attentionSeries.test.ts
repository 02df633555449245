import { describe, expect, it } from 'vitest';
import { attentionStatsFromProbabilities } from '../../../probes/index.ts';
import { bucketMiddle, meanBucketMass } from './attentionSeries.ts';

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
