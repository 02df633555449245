// llama.cpp's perplexity, computed the way tools/perplexity/perplexity.cpp `perplexity()` does it
// (llama.cpp commit de3ff81, the one node-llama-cpp 3.22.1 bundles), over a node-llama-cpp sequence:
//
//   tokens  = common_tokenize(text, add_special = true)       (done by the caller)
//   n_chunk = floor(n_tokens / n_ctx)
//   chunk i = tokens[i·n_ctx, (i+1)·n_ctx), its first token replaced by BOS when the vocab adds BOS,
//             evaluated from an empty KV cache (llama_memory_clear)
//   first   = n_ctx / 2
//   nll    += −log softmax(logits[j])[chunk[j+1]]  for j = first .. n_ctx − 2
//   ppl     = exp(nll / count),  count = n_chunk · (n_ctx − first − 1)
//
// log softmax follows perplexity.cpp's `log_softmax`: float max, double sum of expf(logit − max),
// logit[tok] − max − log(sum). llama-perplexity packs n_batch / n_ctx chunks into one decode as separate
// sequences; each chunk is causal and alone in its sequence, so one chunk per decode is the same sum.

/**
 * Options for controlledEvaluate asking for the unfiltered logits; temperature 0 leaves only the greedy sampler,
 * which does not touch them.
 */
export function rawLogits() {
  return { generateNext: { logits: true, options: { temperature: 0 } } };
}

/** node-llama-cpp returns logits as a Map sorted by value; back to a vocab-ordered list of float32 values. */
export function logitsVector(map) {
  const out = new Array(map.size);
  for (const [token, value] of map) out[token] = shortestFloat32(value);
  return out;
}

/**
 * Perplexity of `tokens` over non-overlapping chunks of `nCtx`, with the per-chunk sums kept for
 * diagnosis. `sequence` must belong to a context of at least nCtx tokens. `maxChunks` scores only the
 * first chunks, as llama-perplexity's `--chunks N` does.
 */
export async function perplexityLikeLlamaCpp(sequence, tokens, nCtx, bos, addBos, { maxChunks = Infinity } = {}) {
  if (tokens.length < 2 * nCtx) throw new Error(`perplexity at n_ctx ${nCtx} needs ${2 * nCtx} tokens, the text has ${tokens.length}`);
  const nChunk = Math.min(Math.floor(tokens.length / nCtx), maxChunks);
  const first = nCtx / 2;
  if (!Number.isInteger(first)) throw new Error(`n_ctx must be even, got ${nCtx}`);
  const chunkNll = [];
  for (let i = 0; i < nChunk; i++) {
    const chunk = tokens.slice(i * nCtx, (i + 1) * nCtx);
    if (addBos) chunk[0] = bos;
    await sequence.clearHistory();
    const outputs = await sequence.controlledEvaluate(chunk.map((id, j) => (j >= first && j < nCtx - 1 ? [id, rawLogits()] : id)));
    let nll = 0;
    for (let j = first; j < nCtx - 1; j++) nll -= logSoftmaxAt(outputs[j].next.logits, chunk[j + 1]);
    chunkNll.push(nll);
  }
  const countPerChunk = nCtx - first - 1;
  const count = nChunk * countPerChunk;
  const nll = chunkNll.reduce((a, b) => a + b, 0);
  return { perplexity: Math.exp(nll / count), chunks: nChunk, tokens: tokens.length, scored: count, countPerChunk, chunkNll };
}

/** perplexity.cpp's log_softmax(n_vocab, logits, tok) over node-llama-cpp's token → logit map. */
function logSoftmaxAt(logits, target) {
  let max = -Infinity;
  for (const value of logits.values()) max = Math.max(max, value);
  let sumExp = 0;
  for (const value of logits.values()) sumExp += Math.fround(Math.exp(Math.fround(value - max)));
  const targetLogit = logits.get(target);
  if (targetLogit === undefined) throw new Error(`no logit for token ${target}`);
  return Math.fround(targetLogit - max) - Math.log(sumExp);
}

/** A float32 value printed with the 9 significant digits that round-trip it, not float64's 17. */
function shortestFloat32(x) {
  return Number(Math.fround(x).toPrecision(9));
}
