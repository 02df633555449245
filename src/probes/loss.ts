// Loss by position and perplexity against context length: the index arithmetic and the averaging, free of
// any engine. A score over ids gives logprobs[i] = log p(ids[i+1] | ids[0..i]); the loss of the token AT
// position t is −logprobs[t − 1], so positions run 1 … n − 1 (position 0, BOS, is never predicted).
import { binMeans, type BinnedMean } from '../engine/bins.ts';

/** Per-position sums and counts of token losses over documents of different lengths. */
export interface PositionLosses {
  /** sums[t]: Σ over documents of the loss of the token at position t (nats); index 0 stays 0. */
  sums: Float64Array;
  counts: Float64Array;
}

export function emptyPositionLosses(positions: number): PositionLosses {
  return { sums: new Float64Array(positions), counts: new Float64Array(positions) };
}

/** Adds one document's score (its logprobs) to `acc`; positions beyond acc's length are an error. */
export function addDocumentLosses(acc: PositionLosses, logprobs: readonly number[]): void {
  if (logprobs.length + 1 > acc.sums.length)
    throw new RangeError(`a score of ${logprobs.length + 1} tokens does not fit ${acc.sums.length} positions`);
  for (let i = 0; i < logprobs.length; i++) {
    if (!Number.isFinite(logprobs[i])) throw new RangeError(`logprob ${i} is ${logprobs[i]}: the engine produced a non-finite score`);
    acc.sums[i + 1] -= logprobs[i];
    acc.counts[i + 1] += 1;
  }
}

/** Mean loss per bin of positions; every (document, position) weighs the same. */
export function binnedLoss(acc: PositionLosses, edges: readonly number[]): BinnedMean {
  return binMeans(acc.sums, acc.counts, edges);
}

/** Mean loss over every scored (document, position). */
export function meanLoss(acc: PositionLosses): number {
  let total = 0;
  let count = 0;
  for (let t = 0; t < acc.sums.length; t++) {
    total += acc.sums[t];
    count += acc.counts[t];
  }
  return count > 0 ? total / count : NaN;
}

/** One forward pass of a perplexity run: ids = tokens[start, end) (see windowIds), scoring logprobs[i ≥ firstScored]. */
export interface ScoreWindow {
  start: number;
  end: number;
  /** Whether ids[0] is BOS (replacing tokens[start] in chunked mode, prepended in sliding mode). */
  bos: 'replace' | 'prepend' | 'none';
  firstScored: number;
  /** Predictions scored in this window. */
  scored: number;
}

/**
 * llama.cpp's perplexity (tools/perplexity): `tokens` is the whole text tokenized with BOS first when the
 * model adds one; it is cut into ⌊n / ctx⌋ non-overlapping chunks (the remainder is dropped), the first
 * token of each chunk is overwritten with BOS (when the model adds BOS), and only the second half is
 * scored: predictions at positions ⌊ctx/2⌋ … ctx − 2, i.e. ctx − 1 − ⌊ctx/2⌋ tokens per chunk, so every
 * scored token has at least ctx/2 tokens of context. (llama.cpp also refuses texts under 2·ctx tokens;
 * we only need one chunk.)
 */
export function chunkedPlan(tokens: number, ctx: number, addsBos: boolean): ScoreWindow[] {
  checkContext(ctx);
  const chunks = Math.floor(tokens / ctx);
  if (chunks < 1) throw new RangeError(`chunked perplexity at context ${ctx} needs at least ${ctx} tokens, the text has ${tokens}`);
  const first = Math.floor(ctx / 2);
  return Array.from({ length: chunks }, (_, i) => ({
    start: i * ctx,
    end: (i + 1) * ctx,
    bos: addsBos ? 'replace' : 'none',
    firstScored: first,
    scored: ctx - 1 - first,
  }));
}

/**
 * Sliding-window perplexity (transformers' "perplexity of fixed-length models", strided): windows start
 * every `stride` tokens of the text (`tokens` counts the text WITHOUT BOS), each window holds up to ctx
 * positions (BOS prepended when the model adds one) and scores only the tokens no earlier window scored,
 * so every token is scored once, with at least ctx − 1 − stride tokens of context (besides BOS) after the
 * first window. stride = ctx − 1 with BOS makes non-overlapping windows; smaller strides cost more passes.
 */
export function slidingPlan(tokens: number, ctx: number, stride: number, addsBos: boolean): ScoreWindow[] {
  checkContext(ctx);
  const prefix = addsBos ? 1 : 0;
  const span = ctx - prefix; // text tokens per window
  // A window's first position is never predicted, so windows must overlap it: stride ≤ ctx − 1 (with BOS,
  // whose position is that first one, windows may just touch).
  if (!Number.isInteger(stride) || stride < 1 || stride > ctx - 1)
    throw new RangeError(`stride must be an integer in [1, ${ctx - 1}] for context ${ctx}, got ${stride}`);
  if (tokens < 2 - prefix) throw new RangeError(`sliding-window perplexity needs at least ${2 - prefix} text tokens, got ${tokens}`);
  const windows: ScoreWindow[] = [];
  let scoredUpTo = 1 - prefix; // without BOS the first text token has nothing to be predicted from
  for (let start = 0; scoredUpTo < tokens; start += stride) {
    const end = Math.min(start + span, tokens);
    // text token k sits at ids index k − start + prefix and is predicted by logprobs[k − start + prefix − 1]
    const firstScored = scoredUpTo - start + prefix - 1;
    windows.push({ start, end, bos: addsBos ? 'prepend' : 'none', firstScored, scored: end - scoredUpTo });
    scoredUpTo = end;
  }
  return windows;
}

/** The ids one window feeds the engine. */
export function windowIds(tokens: readonly number[], window: ScoreWindow, bos: number | null): number[] {
  const ids = tokens.slice(window.start, window.end);
  if (window.bos === 'none') return ids;
  if (bos === null) throw new RangeError('this window needs a BOS token, but the model has none');
  if (window.bos === 'replace') ids[0] = bos;
  else ids.unshift(bos);
  return ids;
}

function checkContext(ctx: number): void {
  if (!Number.isInteger(ctx) || ctx < 2) throw new RangeError(`context must be an integer ≥ 2, got ${ctx}`);
}
