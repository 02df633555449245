// GGUF metadata → RopeConfig, using llama.cpp's key names (llama-arch.cpp, LLM_KV_ROPE_*):
//   <arch>.rope.freq_base (default 10000), <arch>.rope.dimension_count (else embedding_length/head_count),
//   <arch>.rope.scaling.type (none | linear | yarn | longrope), .scaling.factor (legacy: rope.scale_linear),
//   .scaling.original_context_length, .scaling.attn_factor, .scaling.yarn_beta_fast/_slow,
//   .scaling.yarn_log_multiplier, <arch>.context_length.
// llama.cpp keeps Llama 3.1's per-pair divisors in the `rope_freqs` tensor and Phi-3's in
// `rope_factors_short/long`, not in metadata; pass them in `factorTensors` to get the exact θ.
import type { RopeConfig } from './config.ts';
import { yarnGetMscale } from './frequencies.ts';
import { validateRopeConfig } from './validate.ts';

export interface RopeFactorTensors {
  /** `rope_freqs.weight`: θ_i is divided by ropeFreqs[i] (Llama 3.1 style, fixed). */
  ropeFreqs?: ArrayLike<number>;
  /** `rope_factors_short.weight` / `rope_factors_long.weight` (LongRoPE, Phi-3). */
  ropeFactorsShort?: ArrayLike<number>;
  ropeFactorsLong?: ArrayLike<number>;
}

type Metadata = Map<string, unknown> | Record<string, unknown>;

function reader(meta: Metadata) {
  const get = (key: string): unknown => (meta instanceof Map ? meta.get(key) : meta[key]);
  const num = (key: string): number | undefined => {
    const v = get(key);
    if (v === undefined) return undefined;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`GGUF key ${key} must be a number, got ${String(v)}`);
    return n;
  };
  const str = (key: string): string | undefined => {
    const v = get(key);
    if (v !== undefined && typeof v !== 'string') throw new TypeError(`GGUF key ${key} must be a string, got ${String(v)}`);
    return v;
  };
  return { num, str };
}

/** The rope configuration a GGUF model was trained/converted with. Throws naming the offending key. */
export function ropeConfigFromGGUF(meta: Metadata, arch?: string, factorTensors: RopeFactorTensors = {}): RopeConfig {
  const { num, str } = reader(meta);
  const a = arch ?? str('general.architecture') ?? 'llama';
  const key = (suffix: string) => `${a}.${suffix}`;

  // Per-head size: attention.key_length when present, else embedding_length / head_count.
  const embedding = num(key('embedding_length'));
  const heads = num(key('attention.head_count'));
  const perHead = num(key('attention.key_length')) ?? (embedding !== undefined && heads ? embedding / heads : undefined);
  // rope.dimension_count is the rotated part; smaller than the head means partial rotary.
  const ropeDims = num(key('rope.dimension_count'));
  const headDim = perHead ?? ropeDims;
  if (headDim === undefined)
    throw new TypeError(`GGUF lacks ${key('rope.dimension_count')} and ${key('embedding_length')}/${key('attention.head_count')}`);
  const partialRotaryFactor = ropeDims !== undefined && ropeDims < headDim ? ropeDims / headDim : undefined;

  const base = num(key('rope.freq_base')) ?? 10_000;
  const context = num(key('context_length'));
  const scalingType = str(key('rope.scaling.type')) ?? 'none';
  const factor = num(key('rope.scaling.factor')) ?? num(key('rope.scale_linear'));
  const originalContext = num(key('rope.scaling.original_context_length'));
  const common: RopeConfig = { headDim, base, type: 'default', ...(partialRotaryFactor ? { partialRotaryFactor } : {}) };

  let cfg: RopeConfig;
  if (factorTensors.ropeFreqs) {
    // Fixed per-pair divisors are LongRoPE with equal short and long sets and no attention scaling.
    // (The context only steers LongRoPE's short/long choice, moot when both sets are equal.)
    const divisors = Array.from(factorTensors.ropeFreqs);
    const trained = originalContext ?? context;
    if (trained === undefined) throw new TypeError(`GGUF lacks ${key('context_length')}`);
    cfg = { ...common, type: 'longrope', shortFactor: divisors, longFactor: divisors, attentionFactor: 1, originalContext: trained };
  } else if (scalingType === 'none' || (scalingType === 'linear' && (factor === undefined || factor === 1))) {
    cfg = { ...common, ...(context ? { maxPositionEmbeddings: context } : {}) };
  } else if (scalingType === 'linear') {
    cfg = { ...common, type: 'linear', factor };
  } else if (scalingType === 'yarn') {
    if (factor === undefined) throw new TypeError(`yarn GGUF lacks ${key('rope.scaling.factor')}`);
    const logMultiplier = num(key('rope.scaling.yarn_log_multiplier'));
    const attnFactor = num(key('rope.scaling.attn_factor')) ?? 1;
    // llama.cpp: with a log multiplier the magnitude is get_mscale(s, 1) / get_mscale(s, log_multiplier)
    // (transformers' mscale / mscale_all_dim ratio), else YaRN's 0.1·ln(s) + 1; ggml multiplies its
    // attn_factor onto that, so an attn_factor ≠ 1 becomes an explicit total attention factor.
    const mscaleFields = logMultiplier ? { mscale: 1, mscaleAllDim: logMultiplier } : {};
    const yarnMagnitude = logMultiplier ? yarnGetMscale(factor, 1) / yarnGetMscale(factor, logMultiplier) : yarnGetMscale(factor);
    cfg = {
      ...common,
      type: 'yarn',
      factor,
      originalContext: originalContext ?? context,
      betaFast: num(key('rope.scaling.yarn_beta_fast')),
      betaSlow: num(key('rope.scaling.yarn_beta_slow')),
      ...mscaleFields,
      ...(attnFactor !== 1 ? { attentionFactor: attnFactor * yarnMagnitude } : {}),
    };
  } else if (scalingType === 'longrope') {
    const { ropeFactorsShort, ropeFactorsLong } = factorTensors;
    if (!ropeFactorsShort || !ropeFactorsLong)
      throw new TypeError('longrope GGUF needs the rope_factors_short/long tensors (pass them in factorTensors)');
    cfg = {
      ...common,
      type: 'longrope',
      shortFactor: Array.from(ropeFactorsShort),
      longFactor: Array.from(ropeFactorsLong),
      originalContext: originalContext ?? context,
      maxPositionEmbeddings: context,
      factor,
    };
  } else {
    throw new TypeError(`unsupported ${key('rope.scaling.type')} '${scalingType}' (expected none, linear, yarn or longrope)`);
  }
  const clean = Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined));
  const checked = validateRopeConfig(clean);
  if (!checked.ok) throw new TypeError(`GGUF rope metadata: ${checked.error}`);
  return checked.config;
}
