// Perplexity exactly as llama.cpp's `perplexity` tool computes it (examples/perplexity, perplexity()):
// the whole text is tokenized once (BOS first when the vocabulary adds one); it is cut into
// ⌊n_tokens / n_ctx⌋ non-overlapping chunks of n_ctx tokens; each chunk is evaluated from position 0
// with its first token replaced by BOS (when BOS is added); only the second half is scored: the logits
// at positions first = n_ctx/2 … n_ctx − 2 predict tokens first+1 … n_ctx − 1. PPL = exp(Σ nll / count).

export interface PerplexityResult {
  perplexity: number;
  chunks: number;
  /** Tokens in the whole text. */
  tokens: number;
  /** Predictions scored over all chunks. */
  scored: number;
}

/** The chunks llama.cpp evaluates, BOS already substituted. */
export function perplexityChunks(tokens: readonly number[], ctx: number, bos: number | null): number[][] {
  if (!Number.isInteger(ctx) || ctx < 4) throw new Error(`perplexity needs a context of at least 4 tokens, got ${ctx}`);
  if (tokens.length < 2 * ctx)
    throw new Error(`perplexity needs at least 2·ctx = ${2 * ctx} tokens, the text has ${tokens.length} (llama.cpp refuses too)`);
  const chunks: number[][] = [];
  for (let i = 0; i < Math.floor(tokens.length / ctx); i++) {
    const chunk = tokens.slice(i * ctx, (i + 1) * ctx);
    if (bos !== null) chunk[0] = bos;
    chunks.push(chunk);
  }
  return chunks;
}

/** Position of the first scored logit in a chunk. */
export const firstScored = (ctx: number) => Math.floor(ctx / 2);

/**
 * Scores every chunk with `score` (negative log-likelihood of the predictions at positions ≥ first)
 * and combines them.
 */
export async function perplexity(
  tokens: readonly number[],
  ctx: number,
  bos: number | null,
  score: (chunk: number[], first: number) => Promise<{ nll: number; scored: number }>,
  onChunk?: (done: number, total: number, runningPerplexity: number) => void,
): Promise<PerplexityResult> {
  const chunks = perplexityChunks(tokens, ctx, bos);
  let nll = 0;
  let scored = 0;
  for (const [i, chunk] of chunks.entries()) {
    const r = await score(chunk, firstScored(ctx));
    nll += r.nll;
    scored += r.scored;
    onChunk?.(i + 1, chunks.length, Math.exp(nll / scored));
  }
  return { perplexity: Math.exp(nll / scored), chunks: chunks.length, tokens: tokens.length, scored };
}
