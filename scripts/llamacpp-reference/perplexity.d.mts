import type { LlamaContextSequence, Token } from 'node-llama-cpp';

export interface LlamaCppPerplexity {
  perplexity: number;
  chunks: number;
  /** Tokens in the whole text. */
  tokens: number;
  /** Predictions scored over all chunks. */
  scored: number;
  countPerChunk: number;
  /** Each chunk's sum of −log p. */
  chunkNll: number[];
}

/** controlledEvaluate options asking for the unfiltered logits. */
export function rawLogits(): { generateNext: { logits: true; options: { temperature: 0 } } };

/** node-llama-cpp's token → logit Map back to a vocab-ordered list of float32 values. */
export function logitsVector(map: Map<Token, number>): number[];

/** Perplexity as llama-perplexity's perplexity() computes it (see perplexity.mjs). */
export function perplexityLikeLlamaCpp(
  sequence: LlamaContextSequence,
  tokens: number[],
  nCtx: number,
  bos: number | null | undefined,
  addBos: boolean,
  options?: { maxChunks?: number },
): Promise<LlamaCppPerplexity>;
