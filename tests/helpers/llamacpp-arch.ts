// Real llama.cpp (node-llama-cpp's bundled CPU build) answering for the random-weight files of
// arch-models.ts: every position's logits of one batch, and greedy continuations, with an F32 KV cache
// and no flash attention (LLAMA_CONFIGS.f32), one sequence.
//
// llama.cpp pads its context to a multiple of 256 (n_ctx, and n_ctx_seq for one sequence). That number
// is what phi3 compares with rope.scaling.original_context_length to choose the long or short LongRoPE
// factors (long when n_ctx_seq > original), so `contextSize` here is the padded one llama.cpp used.
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { LLAMA_CONFIGS, greedyLikeLlamaCpp, llamaCpp, rawLogits } from './llamacpp-live.ts';

/** A RoPE override as `--rope-freq-base` / `--rope-scale` give it (the file's keys, overridden at load). */
export interface ArchRopeOverride {
  /** rope.freq_base (gemma3: the global layers only; its local layers keep rope.freq_base_swa). */
  freqBase?: number;
  /** rope.scaling.factor: linear unless the file names another scaling type (YaRN files: the YaRN factor). */
  linearFactor?: number;
}

export interface ArchRunOptions {
  /** The context to ask for (llama.cpp pads it up to a multiple of 256); default the sequence's length. */
  contextSize?: number;
}

/** llama.cpp pads n_ctx (and a lone sequence's n_ctx_seq) up to a multiple of this. */
export const LLAMA_CTX_PAD = 256;

/** The n_ctx_seq llama.cpp runs with when asked for `tokens` of context. */
export function llamaCppContextFor(tokens: number): number {
  return Math.ceil(tokens / LLAMA_CTX_PAD) * LLAMA_CTX_PAD;
}

/** Same nudge as llamacpp-live.ts: an integral value would go in as an INT override, which llama.cpp refuses for a float key. */
function asFloat(value: number): number {
  return Number.isInteger(value) ? value * (1 + 2 ** -40) : value;
}

async function architectureOf(path: string): Promise<string> {
  const source = await fileSource(path);
  try {
    const { metadata } = await readGGUF(source);
    return String(metadata.get('general.architecture'));
  } finally {
    await source.close?.();
  }
}

/** Loads the file with the RoPE override applied to `<arch>.rope.*`; the caller disposes of it. */
export async function loadArchModel(path: string, rope: ArchRopeOverride = {}): Promise<LlamaModel> {
  const llama = await llamaCpp();
  const ropeKeys: Record<string, unknown> = {};
  if (rope.freqBase !== undefined) ropeKeys.freq_base = asFloat(rope.freqBase);
  if (rope.linearFactor !== undefined) ropeKeys.scaling = { factor: asFloat(rope.linearFactor) };
  const metadataOverrides = Object.keys(ropeKeys).length > 0 ? { [await architectureOf(path)]: { rope: ropeKeys } } : undefined;
  return llama.loadModel({ modelPath: path, ...(metadataOverrides ? { metadataOverrides: metadataOverrides as never } : {}) });
}

async function withSequence<T>(
  path: string,
  tokens: number,
  rope: ArchRopeOverride | undefined,
  options: ArchRunOptions,
  run: (sequence: LlamaContextSequence) => Promise<T>,
): Promise<T> {
  const model = await loadArchModel(path, rope);
  try {
    const contextSize = llamaCppContextFor(Math.max(tokens, options.contextSize ?? 0));
    const { kvCacheType, flashAttention } = LLAMA_CONFIGS.f32;
    const context = await model.createContext({
      contextSize,
      batchSize: contextSize,
      sequences: 1,
      flashAttention,
      // Keep every key of the sliding-window layers, so no eviction policy enters the comparison.
      swaFullCache: true,
      experimentalKvCacheKeyType: kvCacheType,
      experimentalKvCacheValueType: kvCacheType,
    });
    try {
      if (context.contextSize !== contextSize) throw new Error(`asked llama.cpp for n_ctx ${contextSize}, got ${context.contextSize}`);
      return await run(context.getSequence());
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

/** Logits (vocab-long) at every position of `ids`, evaluated as one batch from an empty cache. */
export async function llamaCppArchLogits(
  path: string,
  ids: number[],
  rope?: ArchRopeOverride,
  options: ArchRunOptions = {},
): Promise<Float32Array[]> {
  return withSequence(path, ids.length, rope, options, async (sequence) => {
    const outputs = await sequence.controlledEvaluate(ids.map((id) => [id as Token, rawLogits()] as const) as never);
    return outputs.map((output, pos) => {
      const logits = output?.next?.logits;
      if (!logits) throw new Error(`llama.cpp returned no logits at position ${pos}`);
      const row = new Float32Array(logits.size);
      for (const [token, value] of logits) row[token] = value;
      return row;
    });
  });
}

/** `count` greedy ids after `promptIds`, one decode per generated token as llama-cli does. */
export async function llamaCppArchGreedy(
  path: string,
  promptIds: number[],
  count: number,
  rope?: ArchRopeOverride,
  options: ArchRunOptions = {},
): Promise<number[]> {
  return withSequence(path, promptIds.length + count, rope, options, async (sequence) =>
    (await greedyLikeLlamaCpp(sequence, promptIds, count)).map((step) => step.id),
  );
}
