// The probes on the real stories260K model through the CPU reference: the attention oracle (traced
// forward pass) against ReferenceModel and against its own full matrices, and the runners end to end
// (loss by position = mean of score logprobs, llama.cpp chunks, passkey records, cancellation).
import { beforeAll, describe, expect, it } from 'vitest';
import { ReferenceModel, type ReferenceWeights } from '../../src/engine/reference.ts';
import { computeRope } from '../../src/rope/frequencies.ts';
import type { Tokenizer } from '../../src/tokenizer/index.ts';
import { attentionStatsFromProbabilities, headSummary } from '../../src/probes/attention-stats.ts';
import { traceReference } from '../../src/probes/reference-trace.ts';
import { runLossByPosition, runPerplexity } from '../../src/probes/loss-probe.ts';
import { runFirstSentence, runPasskey } from '../../src/probes/retrieval-probe.ts';
import { MAX_MAP_TOKENS, runAttentionProbe } from '../../src/probes/attention-probe.ts';
import { loadStories, referenceContext, tinyStories } from '../helpers/probes-helpers.ts';
import { requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';

const haveStories = requireTestFiles('probes on stories260K', STORIES_GGUF, TINYSTORIES_TEXT);

describe.skipIf(!haveStories)('probes on stories260K (CPU reference)', () => {
  let weights: ReferenceWeights;
  let tokenizer: Tokenizer;
  let ids: number[];
  beforeAll(async () => {
    ({ weights, tokenizer } = await loadStories());
    ids = tokenizer.encode(tinyStories()).slice(0, 96);
  });

  it('the trace runs the same forward pass as ReferenceModel', () => {
    const rope = computeRope(weights.config.rope);
    const trace = traceReference(weights, rope, ids);
    const model = new ReferenceModel(weights, ids.length);
    let logits = new Float32Array(0) as Float32Array;
    for (let i = 0; i < ids.length; i++) logits = model.forward(ids[i], i);
    let err = 0;
    for (let i = 0; i < logits.length; i++) err = Math.max(err, Math.abs(logits[i] - trace.lastLogits[i]));
    expect(err).toBeLessThan(1e-5);
  });

  it('bucket masses sum to 1 at every query position of every head; the sink is the map at key 0', () => {
    const n = ids.length;
    const everyPosition = Array.from({ length: n + 1 }, (_, i) => i);
    const trace = traceReference(weights, computeRope(weights.config.rope), ids, {
      queryBinEdges: everyPosition,
      mapOf: { layer: 3, head: 5 },
    });
    const { stats } = trace;
    expect(stats.buckets).toBe(8); // distances up to 95 → buckets 0 … 7
    let worst = 0;
    for (let cell = 0; cell < stats.layers * stats.heads * n; cell++) {
      let sum = 0;
      for (let b = 0; b < stats.buckets; b++) sum += stats.bucketMass[cell * stats.buckets + b];
      worst = Math.max(worst, Math.abs(sum - 1));
    }
    expect(worst).toBeLessThan(1e-5);
    const map = trace.map!;
    for (let q = 0; q < n; q++) {
      const cell = (3 * stats.heads + 5) * n + q;
      expect(stats.sinkMass[cell]).toBeCloseTo(map[q * n], 6);
      let rowSum = 0;
      for (let k = 0; k < n; k++) rowSum += map[q * n + k];
      expect(rowSum).toBeCloseTo(1, 5);
      expect(map[q * n + q + 1] ?? 0).toBe(0); // causal: nothing above the diagonal
    }
    // stats recomputed from the kept map equal the traced stats of that head (log-binned queries)
    const traced = traceReference(weights, computeRope(weights.config.rope), ids).stats;
    const fromMap = attentionStatsFromProbabilities([[map]], n);
    const a = headSummary(traced, 3, 5);
    const b = headSummary(fromMap, 0, 0);
    b.bucketMass.forEach((m, i) => expect(a.bucketMass[i]).toBeCloseTo(m, 5));
    expect(a.entropy).toBeCloseTo(b.entropy, 5);
    expect(a.sinkMass).toBeCloseTo(b.sinkMass, 5);
    // the q/k pair norms are positive means over positions
    expect(trace.qkNorms.q.length).toBe(5 * 8 * 4);
    expect(Math.min(...trace.qkNorms.k)).toBeGreaterThan(0);
  });

  it('loss by position: the mean over positions equals the mean of −logprobs of score()', async () => {
    const ctx = referenceContext(weights, tokenizer);
    const text = tinyStories();
    const texts = [
      { id: 'a', text: text.slice(0, 1500) },
      { id: 'b', text: text.slice(20000, 21500) },
    ];
    const result = await runLossByPosition(ctx, { texts, ctx: 128, variants: [{ label: 'own', rope: null }] });
    let total = 0;
    let count = 0;
    for (const t of texts) {
      const r = await ctx.engine.score(tokenizer.encode(t.text).slice(0, 128));
      total += r.nll;
      count += r.scored;
    }
    const [series] = result.series;
    expect(series.meanLoss).toBeCloseTo(total / count, 9);
    const binned = series.binned;
    const weighted = binned.mean.reduce((s, m, i) => s + m * binned.count[i], 0) / binned.count.reduce((s, c) => s + c, 0);
    expect(weighted).toBeCloseTo(total / count, 9);
    expect(binned.count.reduce((s, c) => s + c, 0)).toBe(2 * 127);
    expect(result.provenance.texts.map((t) => t.tokens)).toEqual([128, 128]);
    expect(result.provenance.texts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    // on its own domain the model predicts better than uniform over 512 tokens
    expect(series.meanLoss).toBeLessThan(Math.log(512) / 2);
  });

  it("chunked perplexity adds llama.cpp's per-chunk NLL; a RoPE override changes it and is undone", async () => {
    const ctx = referenceContext(weights, tokenizer);
    const text = { id: 'tiny', text: tinyStories().slice(0, 1500) };
    const base4 = { ...weights.config.rope, base: 40000 };
    const result = await runPerplexity(ctx, {
      text,
      method: 'chunked',
      contexts: [64],
      variants: [
        { label: 'own', rope: null },
        { label: 'base ×4', rope: base4 },
      ],
    });
    const tokens = tokenizer.encode(text.text);
    const chunks = Math.floor(tokens.length / 64);
    const own = result.series[0].points[0];
    expect(own.windows).toBe(chunks);
    expect(own.scored).toBe(chunks * 31);
    // chunk 0 by hand: BOS over tokens[0] (already BOS), predictions 32 … 62
    const first = await ctx.engine.score([tokenizer.bos!, ...tokens.slice(1, 64)]);
    const nll0 = -first.logprobs.slice(32).reduce((s, x) => s + x, 0) / 31;
    expect(Math.log(own.running[0])).toBeCloseTo(nll0, 9);
    expect(result.series[1].points[0].ppl).not.toBeCloseTo(own.ppl, 3);
    expect(ctx.engine.calls.setRope).toEqual([null, base4, null]);
  });

  it('sliding-window perplexity scores every text token once; stride ctx − 1 is plain non-overlapping windows', async () => {
    const ctx = referenceContext(weights, tokenizer);
    const text = { id: 'tiny', text: tinyStories().slice(0, 700) };
    const textIds = tokenizer.encode(text.text, { addBos: false });
    const variants = [{ label: 'own', rope: null }];
    const [touching, overlapping] = [
      await runPerplexity(ctx, { text, method: 'sliding', contexts: [48], stride: 47, variants }),
      await runPerplexity(ctx, { text, method: 'sliding', contexts: [48], stride: 16, variants }),
    ].map((r) => r.series[0].points[0]);
    expect(touching.scored).toBe(textIds.length);
    expect(overlapping.scored).toBe(textIds.length);
    // by hand: BOS + 47 text tokens per window, every prediction scored
    let nll = 0;
    for (let start = 0; start < textIds.length; start += 47) {
      nll += (await ctx.engine.score([tokenizer.bos!, ...textIds.slice(start, start + 47)])).nll;
    }
    expect(touching.nll).toBeCloseTo(nll / textIds.length, 9);
    expect(overlapping.windows).toBeGreaterThan(touching.windows);
    expect(overlapping.nll).not.toBeCloseTo(touching.nll, 6); // more context per token changes the loss
  });

  it('passkey: keys follow the seed and every verdict matches the recorded answer', async () => {
    const ctx = referenceContext(weights, tokenizer);
    const options = { lengths: [160], depths: [0, 1], trials: 2, seed: 7, variants: [{ label: 'own', rope: null }], maxTokens: 6 };
    const a = await runPasskey(ctx, options);
    const b = await runPasskey(ctx, options);
    const trials = a.series[0].trials;
    expect(trials.map((t) => t.key)).toEqual(b.series[0].trials.map((t) => t.key));
    for (const t of trials) {
      expect(t.promptTokens).toBeLessThanOrEqual(160);
      expect(t.correct).toBe(t.recalled === t.key);
      expect(t.recalled === null || String(t.answer).includes(String(t.recalled))).toBe(true);
    }
    a.series[0].accuracy.forEach((row, li) =>
      row.forEach((acc, di) => {
        const cell = trials.filter((t) => t.length === options.lengths[li] && t.depth === options.depths[di]);
        expect(acc).toBeCloseTo(cell.filter((t) => t.correct).length / cell.length, 12);
      }),
    );
  });

  it('first-sentence retrieval scores the quoted answer with ROUGE-L', async () => {
    const ctx = referenceContext(weights, tokenizer);
    const stories = tinyStories()
      .split('\n')
      .filter((s) => s.length > 600)
      .slice(0, 3)
      .map((text, i) => ({ id: `story-${i}`, text }));
    const result = await runFirstSentence(ctx, {
      texts: stories,
      lengths: [192],
      trials: 2,
      seed: 1,
      variants: [{ label: 'own', rope: null }],
      extraTokens: 4,
    });
    const [series] = result.series;
    expect(series.trials).toHaveLength(2);
    for (const t of series.trials) {
      expect(t.promptTokens).toBeLessThanOrEqual(192);
      expect(stories.find((s) => s.id === t.textId)!.text.startsWith(t.reference.split(' ')[0])).toBe(true);
      expect(t.rougeL).toBeGreaterThanOrEqual(0);
      expect(t.rougeL).toBeLessThanOrEqual(1);
    }
    expect(series.meanRougeL[0]).toBeCloseTo((series.trials[0].rougeL + series.trials[1].rougeL) / 2, 12);
  });

  it('attention over distance through the hooks: one series per variant, a longer reach under PI', async () => {
    const ctx = referenceContext(weights, tokenizer);
    const text = { id: 'tiny', text: tinyStories() };
    const pi = { ...weights.config.rope, type: 'linear' as const, factor: 4 };
    const result = await runAttentionProbe(ctx, {
      text,
      ctx: 128,
      variants: [
        { label: 'own', rope: null },
        { label: 'PI ×4', rope: pi },
      ],
      mapOf: { layer: 0, head: 1 },
    });
    expect(result.ids).toHaveLength(128);
    const [own, interpolated] = result.series;
    expect(own.map).toHaveLength(128 * 128);
    // a map comes with its axis labels, one decoded piece per id
    expect(result.tokens).toHaveLength(128);
    expect(result.tokens![5]).toBe(tokenizer.decode([result.ids[5]]));
    expect(own.qkNorms.tokens).toBe(128);
    // the same oracle, called directly, gives the same sums
    const direct = traceReference(weights, computeRope(weights.config.rope), result.ids).stats;
    expect(Array.from(own.stats.bucketMass)).toEqual(Array.from(direct.bucketMass));
    // PI divides every rotation angle by 4, so the mass at distances ≥ 8 moves (in either direction)
    const far = (s: typeof own) => s.stats.bucketMass.reduce((sum, m, i) => sum + (i % s.stats.buckets >= 4 ? m : 0), 0);
    expect(Math.abs(far(interpolated) - far(own))).toBeGreaterThan(1e-3);
    // q/k norms are taken before the rotation: layer 0's (8 heads × 4 pairs) do not depend on the RoPE,
    // later layers' do, through the attention output of the layers below
    expect(Array.from(interpolated.qkNorms.q.subarray(0, 32))).toEqual(Array.from(own.qkNorms.q.subarray(0, 32)));
    expect(Array.from(interpolated.qkNorms.q.subarray(32))).not.toEqual(Array.from(own.qkNorms.q.subarray(32)));
    expect(ctx.engine.calls.setRope).toEqual([null, pi, null]);
  });

  it('attention probe refuses an engine without hooks and over-long maps', async () => {
    const text = { id: 'tiny', text: tinyStories() };
    const variants = [{ label: 'own', rope: null }];
    await expect(
      runAttentionProbe({ ...referenceContext(weights, tokenizer), hooks: undefined }, { text, ctx: 64, variants }),
    ).rejects.toThrow(/lacks the probe hooks/);
    await expect(
      runAttentionProbe(referenceContext(weights, tokenizer), { text, ctx: MAX_MAP_TOKENS + 1, variants, mapOf: { layer: 0, head: 0 } }),
    ).rejects.toThrow(/at most 2048 tokens/);
  });

  it('an abort stops a run with the AbortError and restores the RoPE', async () => {
    const controller = new AbortController();
    const ctx = referenceContext(weights, tokenizer, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) controller.abort();
      },
    });
    const texts = [1, 2, 3].map((i) => ({ id: `t${i}`, text: tinyStories().slice(i * 3000, i * 3000 + 800) }));
    await expect(runLossByPosition(ctx, { texts, ctx: 64, variants: [{ label: 'own', rope: null }] })).rejects.toThrow(/abort/i);
    expect(ctx.engine.calls.score).toBe(1);
    expect(ctx.engine.calls.setRope.at(-1)).toBeNull();
  });
});
