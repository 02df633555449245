// The model families the engine reads, each a small declarative difference from Llama. The keys, tensor
// names and math follow llama.cpp (src/models/<family>.cpp, llama-arch.cpp), the definition every GGUF
// file was converted for; where llama.cpp departs from the published Hugging Face model, llama.cpp wins
// and the entry says so. Every family uses llama.cpp's tensor names (model-config.ts `layerTensorNames`);
// a family only says which extra ones it needs and how the forward pass treats them.
//
// What is not a family trait but read from any file, as llama.cpp's loader does for every family: q/k/v
// biases (`attn_q.bias` …, Qwen2 has them), a fused `attn_qkv.weight` (Phi-3) and an `output.bias`.
import { GGUFError, type GGUFValue } from '../gguf/index.ts';
import type { RopeConfig } from '../rope/config.ts';
import { metaNumber } from './model-checks.ts';

/** How RoPE pairs a head's rotated dims: llama.cpp's NORM (2i, 2i+1) or NEOX (i, i + rotated/2). */
export type RotationPairing = 'adjacent' | 'neox';

/** The gated feed-forward's activation: SwiGLU's silu, or GeGLU's tanh-approximated gelu (Gemma). */
export type FeedForwardActivation = 'silu' | 'gelu-tanh';

/** One layer's attention: which RoPE table rotates q and k, and how far back it sees. */
export interface LayerAttention {
  /** 'global': the model's RoPE (a RoPE override changes it); 'local': `localRope`; 'none': NoPE. */
  rope: 'global' | 'local' | 'none';
  /** Keys at positions > pos − window only (sliding window, the query's own included); 0: every earlier position. */
  window: number;
}

export interface ArchitectureTraits {
  pairing: RotationPairing;
  activation: FeedForwardActivation;
  /** RMSNorm of each query and key head before RoPE: `attn_q_norm` / `attn_k_norm`, (headDim) each. */
  qkNorm: boolean;
  /** RMSNorm of the attention and FFN outputs before the residual add: `post_attention_norm` / `post_ffw_norm`. */
  postNorms: boolean;
  /** The embedding row is multiplied by √dim (Gemma; ggml scales in f32). */
  embeddingScale: boolean;
  /** `ffn_up` holds gate then up, (2·ffnDim, dim), and there is no `ffn_gate` (Phi-3). */
  fusedGateUp: boolean;
  /**
   * Sliding-window layers (Gemma 3): `<arch>.attention.sliding_window` > 0 makes layer l local unless
   * `sliding_window_pattern` (n, default `defaultPattern`, or one bool per layer) says global: local when
   * l mod n < n − 1. Local layers use `<arch>.rope.freq_base_swa` (default 10,000) with no scaling;
   * a RoPE override changes the global layers only, as llama.cpp's cparams do.
   */
  slidingWindow?: { defaultPattern: number };
  /** Layer l has no RoPE when (l + 1) mod n = 0 (SmolLM3: llama.cpp fixes n = 4, not read from the file). */
  noRopeEvery?: number;
  /**
   * LongRoPE factors from the `rope_factors_short/long` tensors (Phi-3): llama.cpp divides θ_i by the long
   * set when the context is longer than `rope.scaling.original_context_length`, else by the short set, and
   * multiplies cos/sin by `rope.scaling.attn_factor`. The converter writes no scaling type.
   */
  longRopeFactors: boolean;
  /**
   * The attention logits' scale. llama.cpp's Gemma 3 uses 1/√headDim except for the 62-layer 27B, where it
   * uses 1/√(dim/heads) (query_pre_attn_scalar; llama.cpp does not read that key from the file).
   */
  attentionScale?: (shape: { layers: number; dim: number; heads: number; headDim: number }) => number;
  /** `<arch>.final_logit_softcapping`: logits = c·tanh(logits/c) when present and non-zero. */
  logitSoftcap: boolean;
}

const LLAMA: ArchitectureTraits = {
  pairing: 'adjacent',
  activation: 'silu',
  qkNorm: false,
  postNorms: false,
  embeddingScale: false,
  fusedGateUp: false,
  longRopeFactors: false,
  logitSoftcap: false,
};

/**
 * Every family by its GGUF `general.architecture`. Gemma's RMSNorm weights are (1 + w) in the published
 * model; llama.cpp's converter adds the 1 when it writes the file, so the GGUF weight is used as it is.
 */
export const ARCHITECTURES: Readonly<Record<string, Readonly<ArchitectureTraits>>> = {
  llama: LLAMA,
  // Mistral's own converter writes `mistral`; llama.cpp's writes Mistral models as `llama`.
  mistral: LLAMA,
  qwen2: { ...LLAMA, pairing: 'neox' },
  qwen3: { ...LLAMA, pairing: 'neox', qkNorm: true },
  gemma3: {
    ...LLAMA,
    pairing: 'neox',
    activation: 'gelu-tanh',
    qkNorm: true,
    postNorms: true,
    embeddingScale: true,
    slidingWindow: { defaultPattern: 6 },
    attentionScale: ({ layers, dim, heads, headDim }) => 1 / Math.sqrt(layers === 62 ? dim / heads : headDim),
    logitSoftcap: true,
  },
  // llama.cpp reads Phi-3's sliding_window but runs every layer with full attention (its SWA is disabled).
  phi3: { ...LLAMA, pairing: 'neox', fusedGateUp: true, longRopeFactors: true },
  // SmolLM3 is rotate_half in transformers, but its converter permutes q/k as Llama's does: llama.cpp rotates adjacent pairs.
  smollm3: { ...LLAMA, noRopeEvery: 4 },
};

export const SUPPORTED_ARCHITECTURES = Object.keys(ARCHITECTURES);

/** The traits of a file's architecture; anything else is refused naming it and listing the supported ones. */
export function architectureTraits(architecture: string): Readonly<ArchitectureTraits> {
  if (!Object.hasOwn(ARCHITECTURES, architecture))
    throw new GGUFError(
      `unsupported architecture ${JSON.stringify(architecture.slice(0, 40))} (this engine runs ${SUPPORTED_ARCHITECTURES.join(', ')})`,
    );
  return ARCHITECTURES[architecture];
}

/** Per-layer RoPE and window: Gemma 3's local/global layers, SmolLM3's NoPE layers, else every layer global and full. */
export function layerAttentionOf(
  meta: Map<string, GGUFValue>,
  key: (suffix: string) => string,
  layers: number,
  traits: Readonly<ArchitectureTraits>,
  rope: RopeConfig,
): { layerAttention: LayerAttention[]; localRope?: RopeConfig } {
  const layerAttention: LayerAttention[] = Array.from({ length: layers }, (_, l) => ({
    rope: traits.noRopeEvery && (l + 1) % traits.noRopeEvery === 0 ? 'none' : 'global',
    window: 0,
  }));
  const window = traits.slidingWindow ? (metaNumber(meta, key('attention.sliding_window')) ?? 0) : 0;
  if (!traits.slidingWindow || window === 0) return { layerAttention };
  if (!Number.isSafeInteger(window) || window < 0)
    throw new GGUFError(`GGUF metadata ${key('attention.sliding_window')} must be a non-negative integer, got ${window}`);
  const local = localLayers(meta, key('attention.sliding_window_pattern'), layers, traits.slidingWindow.defaultPattern);
  for (let l = 0; l < layers; l++) if (local[l]) layerAttention[l] = { rope: 'local', window };
  const base = metaNumber(meta, key('rope.freq_base_swa')) ?? 10_000;
  if (!(base > 1)) throw new GGUFError(`GGUF metadata ${key('rope.freq_base_swa')} is ${base}; a RoPE base must be > 1`);
  const { headDim, partialRotaryFactor } = rope;
  return { layerAttention, localRope: { headDim, base, type: 'default', ...(partialRotaryFactor ? { partialRotaryFactor } : {}) } };
}

/** llama.cpp's sliding-window pattern: one bool per layer, or n (layer l local when l mod n < n − 1; 0: all local). */
function localLayers(meta: Map<string, GGUFValue>, patternKey: string, layers: number, defaultPattern: number): boolean[] {
  const v = meta.get(patternKey);
  if (Array.isArray(v)) {
    if (v.length !== layers || v.some((b) => typeof b !== 'boolean'))
      throw new GGUFError(`GGUF metadata ${patternKey} must be a number or ${layers} booleans (one per layer)`);
    return v as boolean[];
  }
  const n = metaNumber(meta, patternKey) ?? defaultPattern;
  if (!Number.isSafeInteger(n) || n < 0) throw new GGUFError(`GGUF metadata ${patternKey} must be a non-negative integer, got ${n}`);
  return Array.from({ length: layers }, (_, l) => n === 0 || l % n < n - 1);
}
