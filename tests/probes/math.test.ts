// Probe math checked by hand: bins and distance buckets, attention row statistics (bucket masses,
// entropy, sink), loss averaging, perplexity window arithmetic, ROUGE-L and the seeded generator.
import { describe, expect, it } from 'vitest';
import { binIndex, binMeans, distanceBucket, distanceBucketCount, distanceBucketRange, logBinEdges } from '../../src/engine/bins.ts';
import {
  attentionStatsFromProbabilities,
  headSummary,
  meanBucketDistance,
  rowStats,
  rowStatsFromScores,
} from '../../src/probes/attention-stats.ts';
import { perplexityChunks, firstScored } from '../../src/engine/perplexity.ts';
import {
  addDocumentLosses,
  binnedLoss,
  chunkedPlan,
  emptyPositionLosses,
  meanLoss,
  slidingPlan,
  windowIds,
} from '../../src/probes/loss.ts';
import { lcsLength, rougeL, rougeTokens } from '../../src/probes/rouge.ts';
import { mulberry32, randomInt } from '../../src/probes/random.ts';
import { csvField, probeResultCsv } from '../../src/probes/csv.ts';
import type { AttentionProbeResult } from '../../src/probes/attention-probe.ts';
import type { PasskeyResult } from '../../src/probes/retrieval-probe.ts';
import { variantLabel, type Provenance } from '../../src/probes/provenance.ts';
import { formatBase, ropeName } from '../../src/rope/index.ts';

describe('bins', () => {
  it('log bin edges by hand', () => {
    expect(logBinEdges(0, 10)).toEqual([0, 1, 2, 4, 8, 10]);
    expect(logBinEdges(1, 9, 2)).toEqual([1, 2, 3, 4, 6, 8, 9]); // ⌈√2⌉=2 (dup), ⌈2√2⌉=3, ⌈4√2⌉=6
    expect(logBinEdges(1, 2)).toEqual([1, 2]);
    expect(logBinEdges(3, 100)).toEqual([3, 4, 8, 16, 32, 64, 100]);
    expect(() => logBinEdges(5, 5)).toThrow(/above the start/);
  });

  it('binIndex finds the half-open bin', () => {
    const edges = [0, 1, 2, 4, 8, 10];
    expect([0, 1, 2, 3, 4, 7, 8, 9].map((v) => binIndex(edges, v))).toEqual([0, 1, 2, 2, 3, 3, 4, 4]);
    expect(binIndex(edges, 10)).toBe(-1);
    expect(binIndex(edges, -1)).toBe(-1);
  });

  it('distance buckets: 0 | 1 | 2–3 | 4–7 | 8–15 …', () => {
    const distances = [0, 1, 2, 3, 4, 7, 8, 15, 16, 1023, 1024, 4095];
    expect(distances.map(distanceBucket)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 10, 11, 12]);
    for (let b = 0; b < 14; b++) {
      const [lo, hi] = distanceBucketRange(b);
      expect(distanceBucket(lo)).toBe(b);
      expect(distanceBucket(hi - 1)).toBe(b);
      expect(distanceBucket(hi)).toBe(b + 1);
    }
    // a context of n tokens has distances 0 … n−1
    expect([1, 2, 3, 4, 5, 512, 513, 2048].map(distanceBucketCount)).toEqual([1, 2, 3, 3, 4, 10, 11, 12]);
    expect(() => distanceBucket(-1)).toThrow(/non-negative/);
  });

  it('binMeans weighs every value equally', () => {
    // positions 0..4: sums over documents and counts
    const r = binMeans([0, 2, 6, 3, 1], [0, 1, 2, 1, 1], [1, 2, 5]);
    expect(r.mean[0]).toBeCloseTo(2, 12);
    expect(r.mean[1]).toBeCloseTo(10 / 4, 12);
    expect(r.count).toEqual([1, 4]);
    expect(Number.isNaN(binMeans([0, 0], [0, 0], [0, 2]).mean[0])).toBe(true);
  });
});

describe('attention row statistics', () => {
  // Query at position 5 over keys 0..5 (distances 5,4,3,2,1,0 → buckets 3,3,2,2,1,0).
  const row = [0.4, 0.1, 0.05, 0.05, 0.2, 0.2];

  it('bucket masses, entropy and sink of a hand-made row', () => {
    const s = rowStats(row, 5);
    expect(Array.from(s.bucketMass)).toEqual([0.2, 0.2, 0.1, 0.5].map((x) => expect.closeTo(x, 12)));
    const entropy = -(0.4 * Math.log(0.4) + 0.1 * Math.log(0.1) + 2 * 0.05 * Math.log(0.05) + 2 * 0.2 * Math.log(0.2));
    expect(s.entropy).toBeCloseTo(entropy, 12);
    expect(s.entropy).toBeCloseTo(0.366516 + 0.230259 + 0.299573 + 0.643775, 5); // 0.4·ln 2.5 + 0.1·ln 10 + 0.1·ln 20 + 0.4·ln 5
    expect(s.sinkMass).toBe(0.4);
  });

  it('entropy: one-hot is 0, uniform over k keys is ln k', () => {
    expect(rowStats([0, 0, 1], 2).entropy).toBe(0);
    expect(rowStats([0.25, 0.25, 0.25, 0.25], 3).entropy).toBeCloseTo(Math.log(4), 12);
  });

  it('the online (tiled) softmax statistics equal those of the normalised row', () => {
    const random = mulberry32(5);
    for (const [query, tile, spread] of [
      [0, 32, 1],
      [5, 2, 3],
      [100, 32, 8],
      [257, 16, 30],
      [40, 1, 0.01],
    ]) {
      const scores = Array.from({ length: query + 1 }, () => (random() - 0.5) * 2 * spread);
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const direct = rowStats(
        exps.map((e) => e / total),
        query,
      );
      const online = rowStatsFromScores(scores, query, undefined, tile);
      expect(online.entropy).toBeCloseTo(direct.entropy, 10);
      expect(online.sinkMass).toBeCloseTo(direct.sinkMass, 12);
      online.bucketMass.forEach((m, b) => expect(m).toBeCloseTo(direct.bucketMass[b], 12));
    }
    // a row whose later tile holds a far larger score: the rescale must shrink the earlier sums
    const jump = rowStatsFromScores([0, 0, 0, 50], 3, undefined, 2);
    expect(jump.bucketMass[0]).toBeCloseTo(1, 12);
    expect(jump.entropy).toBeCloseTo(0, 12);
  });

  it('whole matrices: sums per query bin, means per head', () => {
    // 4 tokens, 1 layer, 2 heads. Head 0 attends to itself; head 1 uniformly over its prefix.
    const n = 4;
    const self = new Float32Array(n * n);
    const uniform = new Float32Array(n * n);
    for (let q = 0; q < n; q++) {
      self[q * n + q] = 1;
      for (let k = 0; k <= q; k++) uniform[q * n + k] = 1 / (q + 1);
    }
    const stats = attentionStatsFromProbabilities([[self, uniform]], n);
    expect(stats.queryBinEdges).toEqual([0, 1, 2, 4]);
    expect(stats.buckets).toBe(3);
    const h0 = headSummary(stats, 0, 0);
    expect(h0.bucketMass).toEqual([1, 0, 0]);
    expect(h0.entropy).toBe(0);
    expect(h0.sinkMass).toBeCloseTo(0.25, 7); // only query 0 has its own token at position 0
    const h1 = headSummary(stats, 0, 1);
    // buckets over queries 0..3: q0 [1,0,0]; q1 [1/2,1/2,0]; q2 [1/3,1/3,1/3]; q3 [1/4,1/4,2/4]
    expect(h1.bucketMass[0]).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, 6);
    expect(h1.bucketMass[2]).toBeCloseTo((1 / 3 + 1 / 2) / 4, 6);
    expect(h1.entropy).toBeCloseTo((Math.log(1) + Math.log(2) + Math.log(3) + Math.log(4)) / 4, 6);
    expect(h1.sinkMass).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, 6);
    // the last query bin (queries 2, 3) alone
    const late = headSummary(stats, 0, 1, 2, 3);
    expect(late.queries).toBe(2);
    expect(late.bucketMass[2]).toBeCloseTo((1 / 3 + 1 / 2) / 2, 6);
    expect(meanBucketDistance([0, 0, 1])).toBe(2.5); // bucket 2 = distances 2–3
  });
});

describe('loss by position', () => {
  it('averages documents per position; the overall mean is the mean of −logprobs', () => {
    const acc = emptyPositionLosses(5);
    const a = [-1, -2, -3, -4];
    const b = [-0.5, -1.5];
    addDocumentLosses(acc, a);
    addDocumentLosses(acc, b);
    expect(Array.from(acc.counts)).toEqual([0, 2, 2, 1, 1]);
    expect(Array.from(acc.sums)).toEqual([0, 1.5, 3.5, 3, 4]);
    expect(meanLoss(acc)).toBeCloseTo(12 / 6, 12);
    const curve = binnedLoss(acc, logBinEdges(1, 5));
    expect(curve.edges).toEqual([1, 2, 4, 5]);
    expect(curve.mean).toEqual([0.75, 6.5 / 3, 4]);
    expect(() => addDocumentLosses(acc, [1, 2, 3, 4, 5])).toThrow(/does not fit/);
    expect(() => addDocumentLosses(emptyPositionLosses(3), [Number.NaN])).toThrow(/non-finite/);
  });
});

describe('perplexity windows', () => {
  it("llama.cpp's chunks: ⌊n/ctx⌋ chunks, BOS over the first token, second half scored", () => {
    // 10 tokens (BOS at 0), ctx 4: chunks [0,4) [4,8); remainder 8,9 dropped; first = 2; scored 4−1−2 = 1
    const plan = chunkedPlan(10, 4, true);
    expect(plan.map((w) => [w.start, w.end, w.firstScored, w.scored])).toEqual([
      [0, 4, 2, 1],
      [4, 8, 2, 1],
    ]);
    const tokens = [1, 10, 11, 12, 13, 14, 15, 16, 17, 18];
    expect(windowIds(tokens, plan[1], 1)).toEqual([1, 14, 15, 16]); // 13 overwritten by BOS
    // logprobs[i ≥ 2] of [1,14,15,16] is logprobs[2] = log p(16 | 1 14 15): token index 7 of the text
    expect(chunkedPlan(512 * 3 + 7, 512, true).map((w) => w.scored)).toEqual([255, 255, 255]);
    expect(() => chunkedPlan(3, 4, true)).toThrow(/at least 4 tokens/);
  });

  it("the same chunks as the engine's llama.cpp perplexity (src/engine/perplexity.ts)", () => {
    const tokens = Array.from({ length: 2 * 64 + 37 }, (_, i) => 100 + i);
    tokens[0] = 1;
    for (const [bos, addsBos] of [
      [1, true],
      [null, false],
    ] as const) {
      const plan = chunkedPlan(tokens.length, 64, addsBos);
      expect(plan.map((w) => windowIds(tokens, w, bos))).toEqual(perplexityChunks(tokens, 64, bos));
      expect(plan.every((w) => w.firstScored === firstScored(64))).toBe(true);
    }
  });

  it('sliding windows score every text token once', () => {
    // 10 text tokens t0..t9, ctx 5 with BOS → 4 text tokens per window, stride 2
    const plan = slidingPlan(10, 5, 2, true);
    expect(plan.map((w) => [w.start, w.end, w.firstScored, w.scored])).toEqual([
      [0, 4, 0, 4], // BOS t0 t1 t2 t3: predicts t0..t3
      [2, 6, 2, 2], // BOS t2 t3 t4 t5: logprobs[2] predicts t4
      [4, 8, 2, 2],
      [6, 10, 2, 2],
    ]);
    expect(plan.reduce((s, w) => s + w.scored, 0)).toBe(10);
    const tokens = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    expect(windowIds(tokens, plan[1], 1)).toEqual([1, 12, 13, 14, 15]);
    // without BOS the first token is never predicted: 9 scored
    const bare = slidingPlan(10, 4, 3, false);
    expect(bare.map((w) => [w.start, w.end, w.firstScored, w.scored])).toEqual([
      [0, 4, 0, 3],
      [3, 7, 0, 3],
      [6, 10, 0, 3],
    ]);
    expect(() => slidingPlan(10, 4, 4, false)).toThrow(/\[1, 3\]/); // t4 would start a window unpredicted
    // non-overlapping with BOS: stride = ctx − 1
    expect(slidingPlan(9, 4, 3, true).map((w) => w.firstScored)).toEqual([0, 0, 0]);
    expect(() => slidingPlan(10, 5, 5, true)).toThrow(/stride must be an integer in \[1, 4\]/);
  });
});

describe('ROUGE-L', () => {
  it('tokenizes like rouge_score', () => {
    expect(rougeTokens("The cat's hat, 2 times!")).toEqual(['the', 'cat', 's', 'hat', '2', 'times']);
  });

  it('LCS and F1 by hand', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4); // CLRS's example
    // reference "police killed the gunman", candidate "police kill the gunman": LCS 3 (police, the, gunman)
    const s = rougeL('police kill the gunman', 'police killed the gunman');
    expect(s.precision).toBe(3 / 4);
    expect(s.recall).toBe(3 / 4);
    expect(s.f1).toBe(3 / 4);
    // candidate "the gunman kill police": LCS 2 (the gunman) → P = R = F = 1/2 (Lin 2004's example)
    expect(rougeL('the gunman kill police', 'police killed the gunman').f1).toBe(0.5);
    // unequal lengths: LCS 2, P = 2/2, R = 2/5, F = 2·1·0.4/1.4
    expect(rougeL('a b', 'a x b y z').f1).toBeCloseTo(0.8 / 1.4, 12);
    expect(rougeL('', 'a').f1).toBe(0);
    expect(rougeL('q r', 'a b').f1).toBe(0);
  });
});

describe('seeded randomness', () => {
  it('mulberry32 is deterministic and uniform enough', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(mulberry32(43)()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01); // σ of the mean ≈ 0.0029
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const r = mulberry32(7);
    const ints = Array.from({ length: 1000 }, () => randomInt(r, 10000, 99999));
    expect(ints.every((k) => Number.isInteger(k) && k >= 10000 && k <= 99999)).toBe(true);
  });
});

describe('CSV export', () => {
  const provenance = (probe: Provenance['probe']): Provenance => ({
    probe,
    model: { name: 'm', trainedContext: 8, rope: { headDim: 8, base: 10000, type: 'default' } },
    texts: [],
    seed: 1,
    options: {},
    finishedAt: '2026-01-01T00:00:00Z',
  });

  it('quotes fields as RFC 4180 says', () => {
    expect([
      csvField('plain'),
      csvField('a,b'),
      csvField('say "hi"'),
      csvField('two\nlines'),
      csvField(Number.NaN),
      csvField(null),
      csvField(false),
    ]).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '', '', 'false']);
  });

  it('passkey: one row per trial', () => {
    const result: PasskeyResult = {
      provenance: provenance('passkey'),
      series: [
        {
          variant: { label: 'base ×4', rope: null },
          accuracy: [[1]],
          trials: [
            {
              length: 512,
              depth: 0.5,
              trial: 0,
              key: 12345,
              promptTokens: 500,
              answer: ' 12345. Remember',
              recalled: 12345,
              correct: true,
            },
          ],
        },
      ],
    };
    expect(probeResultCsv(result)).toBe(
      'variant,length,depth,trial,key,prompt_tokens,recalled,correct,answer\r\nbase ×4,512,0.5,0,12345,500,12345,true, 12345. Remember\r\n',
    );
  });

  it('attention: per-query means with distance columns', () => {
    const stats = attentionStatsFromProbabilities([[new Float32Array([1, 0, 0.25, 0.75])]], 2); // 2 tokens, 1 layer, 1 head
    const result = {
      provenance: provenance('attention-distance'),
      ids: [1, 2],
      series: [{ variant: { label: 'own', rope: null }, stats, qkNorms: {} }],
    } as unknown as AttentionProbeResult;
    const lines = probeResultCsv(result).trim().split('\r\n');
    expect(lines[0]).toBe('variant,layer,head,query_from,query_to,queries,entropy,sink,mass_d0,mass_d1');
    expect(lines[1]).toBe('own,0,0,0,0,1,0,1,1,0');
    const [entropy, sink, d0, d1] = lines[2].split(',').slice(6).map(Number);
    expect(entropy).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 6);
    expect([sink, d0, d1]).toEqual([0.25, 0.75, 0.25]);
  });
});

describe('variant labels', () => {
  it('say what changed against the own RoPE', () => {
    const own = { headDim: 128, base: 10000, type: 'default' as const };
    expect(variantLabel(own, null)).toBe('own');
    expect(variantLabel(own, { ...own, base: 500000 })).toBe('base 500K');
    expect(variantLabel(own, { ...own, type: 'yarn', factor: 4, originalContext: 4096 })).toBe('YaRN ×4');
    expect(variantLabel(own, { ...own, type: 'linear', factor: 4, base: 20000 })).toBe('PI ×4, base 20K');
    expect(variantLabel(own, { ...own, type: 'xpos' })).toBe('xPos');
  });
  it('write bases as papers do, one name per method', () => {
    expect([1e4, 5e5, 1e6, 5e6, 1e5, 12_500, 500, 82_684.4].map(formatBase)).toEqual([
      '10K',
      '500K',
      '1M',
      '5M',
      '100K',
      '12.5K',
      '500',
      '82.68K',
    ]);
    expect(ropeName({ headDim: 128, base: 10000, type: 'linear', factor: 8 })).toBe('PI ×8, base 10K');
    expect(ropeName({ headDim: 128, base: 500000, type: 'default' })).toBe('base 500K');
  });
});
