// The one description of a RoPE configuration, shared by the analytics, the page, the URL, the CLI and
// the GPU engine. Field names follow Hugging Face transformers' `rope_scaling` (camelCased).

/**
 * Rope types: those of transformers' ROPE_INIT_FUNCTIONS, plus static NTK-aware scaling ('ntk':
 * base·s^(d/(d−2))) and xPos (rotation as 'default', plus a per-pair decay).
 */
export const ROPE_TYPES = ['default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3', 'ntk', 'xpos'] as const;
export type RopeType = (typeof ROPE_TYPES)[number];

export interface RopeConfig {
  /** Head dimension d (the rotated part is d·partialRotaryFactor, rounded down to even). */
  headDim: number;
  /** RoPE base b (rope_theta). */
  base: number;
  type: RopeType;
  /** Scaling factor s (linear, dynamic, yarn, longrope, llama3, ntk). */
  factor?: number;
  /** original_max_position_embeddings (yarn, longrope, llama3, dynamic). */
  originalContext?: number;
  /** max_position_embeddings (longrope picks long factors and its attention factor from it; dynamic's trained length). */
  maxPositionEmbeddings?: number;
  /** Current sequence length (dynamic NTK and longrope depend on it). */
  seqLen?: number;
  /** yarn */
  betaFast?: number;
  betaSlow?: number;
  /** yarn: floor/ceil the correction range to whole pairs (transformers' `truncate`, default true). */
  truncate?: boolean;
  mscale?: number;
  mscaleAllDim?: number;
  /** yarn: explicit attention_factor overrides the mscale rule (and longrope's). */
  attentionFactor?: number;
  /** llama3 */
  lowFreqFactor?: number;
  highFreqFactor?: number;
  /** longrope: one factor per rotated pair. */
  shortFactor?: number[];
  longFactor?: number[];
  /** Fraction of the head dimension that is rotated (default 1). */
  partialRotaryFactor?: number;
  /** xPos scale base (default 512). */
  xposScaleBase?: number;
}

/** Per-pair result of a configuration: what the engine uploads and the analytics plot. */
export interface RopeTable {
  /** θ_i for i < rotated/2, radians per position. */
  invFreq: Float64Array;
  /** Multiplies cos and sin (yarn's mscale, longrope's factor); 1 elsewhere. */
  attentionFactor: number;
  /** xPos only: ζ_i per pair (q scaled by ζ^(n/scaleBase), k by ζ^(−m/scaleBase)); absent otherwise. */
  xposZeta?: Float64Array;
}
