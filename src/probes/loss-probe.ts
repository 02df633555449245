// Runners of the language-modelling probes on any Engine: loss by position (averaged over documents,
// log-binned) and perplexity against context length (llama.cpp's chunks, or a sliding window).
import { logBinEdges, type BinnedMean } from '../engine/bins.ts';
import {
  addDocumentLosses,
  binnedLoss,
  chunkedPlan,
  emptyPositionLosses,
  meanLoss,
  slidingPlan,
  windowIds,
  type ScoreWindow,
} from './loss.ts';
import { makeProvenance, type ProbeText, type Provenance, type RopeVariant } from './provenance.ts';
import { forEachVariant, ProgressCounter, type ProbeContext } from './run-context.ts';

export interface LossByPositionOptions {
  texts: ProbeText[];
  /** Tokens per document (BOS included); longer documents are cut, shorter ones count where they reach. */
  ctx: number;
  variants: RopeVariant[];
  /** Bins per doubling of position (default 2). */
  binsPerOctave?: number;
}

export interface LossSeries {
  variant: RopeVariant;
  /** Mean loss (nats) per log bin of positions 1 … ctx − 1. */
  binned: BinnedMean;
  /** Mean loss at every position (NaN at 0 and where no document reaches). */
  perPosition: number[];
  meanLoss: number;
}

export interface LossByPositionResult {
  provenance: Provenance;
  ctx: number;
  series: LossSeries[];
}

export async function runLossByPosition(ctx: ProbeContext, options: LossByPositionOptions): Promise<LossByPositionResult> {
  const { texts, variants, binsPerOctave = 2 } = options;
  checkContextOption(options.ctx);
  if (texts.length === 0) throw new RangeError('loss by position needs at least one text');
  const docs = texts.map((t) => ({ ...t, ids: ctx.tokenizer.encode(t.text).slice(0, options.ctx) }));
  for (const d of docs) if (d.ids.length < 2) throw new RangeError(`text '${d.id}' has fewer than 2 tokens`);
  const longest = Math.max(...docs.map((d) => d.ids.length));
  const edges = logBinEdges(1, longest, binsPerOctave);
  const progress = new ProgressCounter(ctx, 'loss-by-position', variants.length * docs.length);

  const series = await forEachVariant(ctx, variants, async (variant) => {
    const acc = emptyPositionLosses(longest);
    for (const doc of docs) {
      const label = `${variant.label} · ${doc.id}`;
      progress.start(label);
      addDocumentLosses(acc, (await ctx.engine.score(doc.ids, { addBos: false })).logprobs);
      progress.finish(label);
    }
    const perPosition = Array.from(acc.sums, (s, t) => (acc.counts[t] > 0 ? s / acc.counts[t] : NaN));
    return { variant, binned: binnedLoss(acc, edges), perPosition, meanLoss: meanLoss(acc) };
  });
  return {
    provenance: await makeProvenance(
      ctx,
      'loss-by-position',
      texts,
      docs.map((d) => d.ids.length),
      null,
      { ctx: options.ctx, binsPerOctave, variants },
    ),
    ctx: options.ctx,
    series,
  };
}

export interface PerplexityOptions {
  text: ProbeText;
  method: 'chunked' | 'sliding';
  /** Context lengths to measure at. */
  contexts: number[];
  /** Sliding only: tokens between window starts (default ⌊ctx/2⌋). */
  stride?: number;
  /** Score only the first N windows of each context (llama.cpp's --chunks); default all. */
  maxWindows?: number;
  variants: RopeVariant[];
}

export interface PerplexityPoint {
  ctx: number;
  ppl: number;
  /** Mean negative log-likelihood (nats) of the scored tokens. */
  nll: number;
  scored: number;
  windows: number;
  /** llama.cpp's running estimate exp(Σnll / Σcount) after each window. */
  running: number[];
}

export interface PerplexityResult {
  provenance: Provenance;
  method: 'chunked' | 'sliding';
  series: Array<{ variant: RopeVariant; points: PerplexityPoint[] }>;
}

export async function runPerplexity(ctx: ProbeContext, options: PerplexityOptions): Promise<PerplexityResult> {
  const { text, method, contexts, variants } = options;
  if (contexts.length === 0) throw new RangeError('perplexity needs at least one context length');
  contexts.forEach(checkContextOption);
  const { tokenizer } = ctx;
  // chunked: llama.cpp tokenizes with BOS and overwrites each chunk's first token; sliding: text tokens only
  const tokens = tokenizer.encode(text.text, { addBos: method === 'chunked' && tokenizer.addsBos });
  const { maxWindows = Infinity } = options;
  if (maxWindows !== Infinity && (!Number.isInteger(maxWindows) || maxWindows < 1))
    throw new RangeError(`maxWindows must be a positive integer, got ${maxWindows}`);
  const plans = new Map<number, ScoreWindow[]>(
    contexts.map((c) => [
      c,
      (method === 'chunked'
        ? chunkedPlan(tokens.length, c, tokenizer.addsBos)
        : slidingPlan(tokens.length, c, options.stride ?? Math.floor(c / 2), tokenizer.addsBos)
      ).slice(0, maxWindows),
    ]),
  );
  const windowCount = [...plans.values()].reduce((s, p) => s + p.length, 0);
  const progress = new ProgressCounter(ctx, 'perplexity', variants.length * windowCount);

  const series = await forEachVariant(ctx, variants, async (variant) => {
    const points: PerplexityPoint[] = [];
    for (const [c, plan] of plans) {
      let nll = 0;
      let scored = 0;
      const running: number[] = [];
      for (const [i, w] of plan.entries()) {
        const label = `${variant.label} · ctx ${c} · window ${i + 1}/${plan.length}`;
        progress.start(label);
        const r = await ctx.engine.score(windowIds(tokens, w, tokenizer.bos), { addBos: false, firstScored: w.firstScored });
        if (r.scored !== w.scored) throw new Error(`the engine scored ${r.scored} tokens of window ${i}, expected ${w.scored}`);
        nll += r.nll;
        scored += r.scored;
        running.push(Math.exp(nll / scored));
        progress.finish(label);
      }
      points.push({ ctx: c, ppl: Math.exp(nll / scored), nll: nll / scored, scored, windows: plan.length, running });
    }
    return { variant, points };
  });
  return {
    provenance: await makeProvenance(ctx, 'perplexity', [text], [tokens.length], null, {
      method,
      contexts,
      stride: options.stride ?? null,
      maxWindows: options.maxWindows ?? null,
      variants,
    }),
    method,
    series,
  };
}

function checkContextOption(c: number): void {
  if (!Number.isInteger(c) || c < 2) throw new RangeError(`a context length must be an integer ≥ 2, got ${c}`);
}
