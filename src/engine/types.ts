// The engine's public contract. The worker wraps an Engine with comlink, so everything here is plain
// data (structured-clone friendly) and callbacks are passed as function arguments (comlink.proxy).
import type { RopeConfig } from '../rope/config.ts';
import type { ChatFormat } from '../tokenizer/index.ts';
import type { LayerAttention } from './architectures.ts';

export type { LayerAttention } from './architectures.ts';

/** Where the GGUF file comes from. `path` exists only in Node (the CLI and tests). */
export type ModelSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string }
  | { kind: 'path'; path: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string };

export interface LoadProgress {
  phase: 'header' | 'weights' | 'pipelines' | 'ready';
  /** Bytes of tensor data uploaded so far, and in all. */
  loadedBytes: number;
  totalBytes: number;
  /** The tensor being uploaded (phase 'weights'). */
  tensor?: string;
}

/** How the KV cache stores keys and values: f32, or IEEE half packed two per u32 word (see LoadOptions.kvCache). */
export type KvCacheType = 'f32' | 'f16';

export interface KvCacheInfo {
  /** Context length (positions) the cache holds. */
  context: number;
  /** Element type of the stored keys and values. */
  dtype: KvCacheType;
  /** Bytes of one layer's K (equal to its V). */
  bytesPerLayer: number;
  /** K and V of every layer. */
  totalBytes: number;
}

export interface ModelInfo {
  architecture: string;
  name: string;
  /** `<arch>.context_length` from the metadata (what the file claims it was trained at). */
  trainedContext: number;
  /** Context the engine allocated its KV cache for. */
  context: number;
  dim: number;
  headDim: number;
  heads: number;
  kvHeads: number;
  layers: number;
  ffnDim: number;
  vocabSize: number;
  rmsEps: number;
  /** RoPE as the metadata describes it (the override, if any, is separate: see Engine.setRope). */
  rope: RopeConfig;
  /** Llama 3.1 style per-pair frequency divisors stored as the tensor `rope_freqs.weight`. */
  hasRopeFreqs: boolean;
  /** Which RoPE each layer applies ('global': `rope`, 'local': `localRope`, 'none': NoPE) and its attention window. */
  layerAttention: LayerAttention[];
  /** The RoPE of 'local' (sliding-window) layers, e.g. Gemma 3's base 10K; absent when no layer is local. */
  localRope?: RopeConfig;
  /** Tensor count per GGML type name, e.g. { Q8_0: 35, F32: 11 }. */
  tensorTypes: Record<string, number>;
  /** Bytes of tensor data in the file. */
  totalBytes: number;
  /** Adapter description (vendor, architecture, device), and whether it is a software fallback. */
  device: string;
  kvCache: KvCacheInfo;
  /** Seconds the load took (header, upload, pipelines). */
  loadSeconds: number;
  /** `tokenizer.chat_template` with its BOS/EOS texts, or null when the file has none (completion only). */
  chatTemplate: ChatFormat | null;
}

export interface SamplingOptions {
  /** 0 = greedy (argmax). */
  temperature?: number;
  /** Keep the k most likely tokens (0 = off). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 = off). */
  topP?: number;
  /** Drop tokens whose probability is below minP × the top probability (0 = off). */
  minP?: number;
  /** llama.cpp's repetition penalty over the last `repeatLastN` tokens (1 = off). */
  repeatPenalty?: number;
  repeatLastN?: number;
  /** Seed of the sampler's random stream (same seed, same tokens). */
  seed?: number;
}

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  /** Prepend BOS (default: the tokenizer's add_bos rule). An empty prompt always starts from BOS. */
  addBos?: boolean;
  /** Stop at the end-of-sequence token (default true). */
  stopAtEos?: boolean;
  /** Read control-token texts in a string prompt ("<|im_start|>") as those tokens, as a rendered chat needs (default false). */
  parseSpecial?: boolean;
}

export interface GeneratedToken {
  id: number;
  text: string;
  index: number;
}

export interface GenerateResult {
  /** Generated token ids (the prompt excluded). */
  tokens: number[];
  text: string;
  promptTokens: number;
  /** Decode speed, prompt processing excluded. */
  tokensPerSecond: number;
  /** Prompt processing speed. */
  promptTokensPerSecond: number;
  stoppedBy: 'eos' | 'maxTokens' | 'context' | 'cancelled';
}

export interface ScoreOptions {
  /** Prepend BOS when the input is text (default: the tokenizer's add_bos rule). */
  addBos?: boolean;
  /** Score only predictions of positions ≥ this (default 0: every position after the first). */
  firstScored?: number;
}

export interface ScoreResult {
  /** The scored token ids (BOS included when added). */
  ids: number[];
  /** logprobs[i] = log p(ids[i + 1] | ids[0..i]), for i = 0 … ids.length − 2. */
  logprobs: number[];
  /** −Σ logprobs over the scored positions (i ≥ firstScored). */
  nll: number;
  /** Number of positions in nll. */
  scored: number;
}

export interface Engine {
  load(source: ModelSource, onProgress?: (p: LoadProgress) => void, options?: LoadOptions): Promise<ModelInfo>;
  info(): Promise<ModelInfo | null>;
  generate(prompt: string | number[], options: GenerateOptions, onToken?: (t: GeneratedToken) => void): Promise<GenerateResult>;
  score(input: string | number[], options?: ScoreOptions): Promise<ScoreResult>;
  /** Replaces the model's RoPE (null restores the metadata's); rewrites the small frequency table only. */
  setRope(override: RopeConfig | null): Promise<void>;
  /** Stops a running generate/score at the next step. */
  cancel(): void;
  unload(): Promise<void>;
}

/**
 * The attention kernel of prompt blocks (several tokens):
 *  - 'tiled' attention_prefill_tiled.wgsl: 64 (query, head) rows of one KV head per workgroup share each
 *            K/V tile, register tiles (flash-attention 2 style) — for GPUs;
 *  - 'flash' attention_prefill.wgsl: one head and 8 queries per workgroup, few barriers (4× faster than
 *            'split' on SwiftShader, CPU rasterizers' default);
 *  - 'split' split-K per query as in decode (many workgroups; the GPU default before 'tiled').
 */
export type PromptAttention = 'tiled' | 'flash' | 'split';

/**
 * How a decode step (one token) multiplies by the weights:
 *  - 'matmul'  matmul.wgsl at batch 1, the prompt kernel (CPU rasterizers, where barriers are costly);
 *  - 'generic' matvec.wgsl for every type: 32 threads per row, chunks of 8 values (a baseline on GPUs);
 *  - 'vec4'    matvec_vec4.wgsl (16-byte loads, several rows per thread) for F32/F16/Q8_0/Q4_0, generic for the rest;
 *  - 'fused'   vec4, plus RMSNorm+Q/K/V in one dispatch and RMSNorm+gate/up+SwiGLU in one where the matrices share a type.
 */
export type DecodeKernels = 'matmul' | 'generic' | 'vec4' | 'fused';

/**
 * What the 'vec4'/'fused' decode kernels multiply Q4_0 and Q8_0 weights with:
 *  - 'f32'  x as computed (matvec_vec4.wgsl): the exact product of the dequantized weights;
 *  - 'int8' x rounded to 8 bits per 32-value group, d = max|x|/127 (llama.cpp's Q8_0 activations, which it
 *           uses for both on every backend), integer dot products by dot4I8Packed (matvec_int8.wgsl):
 *           on an H100 ~1.3× faster for Q4_0, where the f32 kernel is bound by the nibble-to-float
 *           arithmetic, and 1.1–1.2× for Q8_0's gate+up.
 */
export type DecodeActivations = 'f32' | 'int8';

export interface LoadOptions {
  /** Context to allocate the KV cache for (default: the metadata's context length, capped at 4096). */
  context?: number;
  /**
   * Tokens per forward pass while processing a prompt (default 1024 on GPUs — fewer where the batch's logits would
   * exceed a storage binding — and 32 on CPU rasterizers).
   */
  batchSize?: number;
  /** Tuning: threads cooperating on one weight row in the matmul kernel (power of two ≤ 64; default by adapter). */
  threadsPerRow?: number;
  /** Tuning: attention over a prompt block (see PromptAttention). Default by adapter: tiled on GPUs, flash on CPU rasterizers. */
  promptAttention?: PromptAttention;
  /**
   * Tuning: the matrix kernel of prompt batches. 'tiled' (matmul_tiled.wgsl: 128 rows × 64 tokens per
   * workgroup, register blocking, gate+up+SwiGLU in one product, split along K when few tiles; batches of
   * 16 tokens and more) or 'simple' (matmul.wgsl: 8 tokens per
   * workgroup, no barriers with one thread per row). Default by adapter: tiled on GPUs, simple on CPU rasterizers.
   */
  promptMatmul?: 'tiled' | 'simple';
  /**
   * Tuning: the kernels of a decode step (one token); see DecodeKernels. Default by adapter: 'fused' on GPUs, 'matmul'
   * on CPU rasterizers.
   */
  decodeKernels?: DecodeKernels;
  /** Tuning: see DecodeActivations. Default 'int8' where WGSL has packed_4x8_integer_dot_product, except on CPU rasterizers. */
  decodeActivations?: DecodeActivations;
  /**
   * Element type of the KV cache (default 'f32'). 'f32' keeps keys and values exactly as computed: it is
   * the oracle the GPU is tested against at 1e-5. 'f16' (llama.cpp's default cache type) rounds them to
   * half precision when stored, halving the cache's memory and the bytes attention reads per token — what
   * makes a 32K context fit (a 1B model's cache: 2 GiB in f32, 1 GiB in f16). Its cost is small: stories260K's
   * perplexity at n_ctx 128 moves by −6.7e-6 relative (llama.cpp's default F16 cache moves its own by +8.6e-6).
   */
  kvCache?: KvCacheType;
}
