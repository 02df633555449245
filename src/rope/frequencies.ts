// Per-pair rotation frequencies θ_i and the cos/sin attention factor, ported from Hugging Face transformers'
// `modeling_rope_utils.py` (ROPE_INIT_FUNCTIONS), plus static NTK-aware scaling and xPos.
//
// transformers computes θ in float32 torch tensors, and models run on exactly those float32 values; so
// each tensor step below is rounded to float32 (Math.fround) in the order torch performs it. Against
// transformers 5.17 this reproduces 1258 of the 1264 reference θ bit for bit (worst 1.1e-7 relative),
// where a plain float64 port is off by up to 3.4e-7 (e.g. d = 96, whose exponents 2i/d round in float32).
// Scalar (Python float) arithmetic — the attention factor, yarn's correction range, dynamic NTK's base —
// stays float64, as in Python.
import type { RopeConfig, RopeTable } from './config.ts';
import { validateRopeConfig } from './validate.ts';

const f32 = Math.fround;
const TWO_PI = 2 * Math.PI;

/** Rotated part of the head: headDim·partialRotaryFactor (transformers' int(...)), rounded down to even. */
export function rotatedDim(cfg: RopeConfig): number {
  const dim = Math.floor(cfg.headDim * (cfg.partialRotaryFactor ?? 1));
  return dim - (dim % 2);
}

/** The θ table for a configuration. Throws a RangeError naming the problem if the config is invalid. */
export function computeRope(cfg: RopeConfig): RopeTable {
  const checked = validateRopeConfig(cfg);
  if (!checked.ok) throw new RangeError(checked.error);
  const dim = rotatedDim(cfg);
  switch (cfg.type) {
    case 'default':
      return { invFreq: defaultInvFreq(cfg.base, dim), attentionFactor: 1 };
    case 'xpos':
      return { invFreq: defaultInvFreq(cfg.base, dim), attentionFactor: 1, xposZeta: xposZeta(dim) };
    case 'linear':
      return { invFreq: linearInvFreq(cfg.base, dim, cfg.factor!), attentionFactor: 1 };
    case 'ntk':
      // Static NTK-aware scaling (bloc97): stretch the base so the lowest frequency is interpolated by s
      // while the highest is left alone: b' = b·s^(d/(d−2)).
      return { invFreq: defaultInvFreq(cfg.base * cfg.factor! ** (dim / (dim - 2)), dim), attentionFactor: 1 };
    case 'dynamic':
      return { invFreq: dynamicInvFreq(cfg, dim), attentionFactor: 1 };
    case 'yarn':
      return yarn(cfg, dim);
    case 'longrope':
      return longrope(cfg, dim);
    case 'llama3':
      return { invFreq: llama3InvFreq(cfg, dim), attentionFactor: 1 };
  }
}

/** Wavelength of each pair, 2π/θ_i, in positions. */
export function wavelengths(table: RopeTable): Float64Array {
  return table.invFreq.map((theta) => TWO_PI / theta);
}

/** torch: `arange(0, dim, 2).float() / dim`, the exponent of the base for each pair. */
function pairExponents(dim: number): Float64Array {
  const exps = new Float64Array(dim / 2);
  for (let i = 0; i < exps.length; i++) exps[i] = f32((2 * i) / dim);
  return exps;
}

/** torch: `base ** exps` in float32 (the Python-float base is cast to float32 first). */
function basePowers(base: number, dim: number): Float64Array {
  return pairExponents(dim).map((e) => f32(f32(base) ** e));
}

/** `_compute_default_rope_parameters`: θ_i = b^(−2i/d). */
function defaultInvFreq(base: number, dim: number): Float64Array {
  return basePowers(base, dim).map((p) => f32(1 / p));
}

/** `_compute_linear_scaling_rope_parameters` (position interpolation, Chen et al. 2023): θ_i / s. */
function linearInvFreq(base: number, dim: number, factor: number): Float64Array {
  return defaultInvFreq(base, dim).map((t) => f32(t / f32(factor)));
}

/**
 * `_compute_dynamic_ntk_parameters`: NTK base stretch that grows with the current length once it passes
 * the trained length L: b' = b·(s·n/L − (s−1))^(d/(d−2)), n = max(seqLen, L).
 */
function dynamicInvFreq(cfg: RopeConfig, dim: number): Float64Array {
  const trained = cfg.maxPositionEmbeddings ?? cfg.originalContext!;
  const factor = cfg.factor!;
  const seqLen = cfg.seqLen !== undefined && cfg.seqLen > trained ? cfg.seqLen : trained;
  const base = cfg.base * ((factor * seqLen) / trained - (factor - 1)) ** (dim / (dim - 2));
  return defaultInvFreq(base, dim);
}

/** YaRN's mscale: 0.1·m·ln(s) + 1 (1 for s ≤ 1). */
export function yarnGetMscale(scale: number, mscale = 1): number {
  return scale <= 1 ? 1 : 0.1 * mscale * Math.log(scale) + 1;
}

/** Fractional pair index at which a pair turns `rotations` times over `context` positions. */
function yarnCorrectionDim(rotations: number, dim: number, base: number, context: number): number {
  return (dim * Math.log(context / (rotations * TWO_PI))) / (2 * Math.log(base));
}

/**
 * `_compute_yarn_parameters` (Peng et al. 2023): pairs turning more than β_fast times over the original
 * context keep θ (extrapolation), pairs turning fewer than β_slow times are interpolated (θ/s), a linear
 * ramp blends between; cos/sin are scaled by the attention factor 0.1·ln(s)+1 (or the mscale ratio).
 */
function yarn(cfg: RopeConfig, dim: number): RopeTable {
  const original = cfg.originalContext ?? cfg.maxPositionEmbeddings!;
  const factor = cfg.factor ?? cfg.maxPositionEmbeddings! / original;
  let attentionFactor = cfg.attentionFactor;
  if (attentionFactor === undefined) {
    // Python truthiness: mscale = 0 counts as absent.
    attentionFactor =
      cfg.mscale && cfg.mscaleAllDim ? yarnGetMscale(factor, cfg.mscale) / yarnGetMscale(factor, cfg.mscaleAllDim) : yarnGetMscale(factor);
  }
  const betaFast = cfg.betaFast || 32;
  const betaSlow = cfg.betaSlow || 1;
  let low = yarnCorrectionDim(betaFast, dim, cfg.base, original);
  let high = yarnCorrectionDim(betaSlow, dim, cfg.base, original);
  if (cfg.truncate ?? true) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  low = Math.max(low, 0);
  high = Math.min(high, dim - 1);
  if (low === high) high += 0.001; // transformers' guard against a zero-width ramp

  const powers = basePowers(cfg.base, dim);
  const factor32 = f32(factor);
  const span = f32(high - low);
  const invFreq = new Float64Array(dim / 2);
  for (let i = 0; i < invFreq.length; i++) {
    const extrapolated = f32(1 / powers[i]);
    const interpolated = f32(1 / f32(factor32 * powers[i]));
    const ramp = Math.min(1, Math.max(0, f32(f32(i - f32(low)) / span)));
    const keep = f32(1 - ramp); // inv_freq_extrapolation_factor
    invFreq[i] = f32(f32(interpolated * f32(1 - keep)) + f32(extrapolated * keep));
  }
  return { invFreq, attentionFactor };
}

/**
 * `_compute_longrope_parameters` (Phi-3): θ_i / λ_i with per-pair rescale factors λ, the long set once the
 * sequence passes the original context; attention factor √(1 + ln s / ln L_orig).
 */
function longrope(cfg: RopeConfig, dim: number): RopeTable {
  const original = cfg.originalContext ?? cfg.maxPositionEmbeddings!;
  const factor = cfg.factor ?? (cfg.maxPositionEmbeddings ?? original) / original;
  const attentionFactor = cfg.attentionFactor ?? (factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original)));
  const useLong = cfg.seqLen !== undefined && cfg.seqLen > original;
  const ext = useLong ? cfg.longFactor! : cfg.shortFactor!;
  const powers = basePowers(cfg.base, dim);
  const invFreq = powers.map((p, i) => f32(1 / f32(f32(ext[i]) * p)));
  return { invFreq, attentionFactor };
}

/**
 * `_compute_llama3_parameters` (Llama 3.1): wavelengths shorter than L/high_freq_factor keep θ, longer than
 * L/low_freq_factor get θ/s, and the band between blends smoothly by L/λ.
 */
function llama3InvFreq(cfg: RopeConfig, dim: number): Float64Array {
  const factor = cfg.factor!;
  const lowFreqFactor = cfg.lowFreqFactor ?? 1;
  const highFreqFactor = cfg.highFreqFactor ?? 4;
  const oldContext = cfg.originalContext!;
  const lowFreqWavelen = f32(oldContext / lowFreqFactor);
  const highFreqWavelen = f32(oldContext / highFreqFactor);
  const factor32 = f32(factor);
  return defaultInvFreq(cfg.base, dim).map((theta) => {
    // torch's `scalar / tensor` is reciprocal(tensor) * scalar
    const wavelen = f32(f32(1 / theta) * f32(TWO_PI));
    if (wavelen < highFreqWavelen) return theta;
    if (wavelen > lowFreqWavelen) return f32(theta / factor32);
    const ratio = f32(f32(1 / wavelen) * f32(oldContext));
    const smooth = f32(f32(ratio - f32(lowFreqFactor)) / f32(highFreqFactor - lowFreqFactor));
    return f32(f32(f32(f32(1 - smooth) * theta) / factor32) + f32(smooth * theta));
  });
}

/** xPos (Sun et al. 2022) per-pair decay base ζ_i = (2i + 0.4d)/(1.4d), i.e. (i/(d/2) + γ)/(1 + γ), γ = 0.4. */
function xposZeta(dim: number): Float64Array {
  const zeta = new Float64Array(dim / 2);
  for (let i = 0; i < zeta.length; i++) zeta[i] = (2 * i + 0.4 * dim) / (1.4 * dim);
  return zeta;
}

/**
 * The configuration an engine runs a sequence of `length` positions under. Dynamic NTK and LongRoPE
 * depend on the current length; with no seqLen fixed in the configuration, the engines use the length
 * of what they process, as transformers does per forward call. Other types are returned unchanged.
 */
export function ropeForLength(cfg: RopeConfig, length: number): RopeConfig {
  if ((cfg.type !== 'dynamic' && cfg.type !== 'longrope') || cfg.seqLen !== undefined) return cfg;
  return { ...cfg, seqLen: length };
}
