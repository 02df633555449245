// Per-pair views of a rope table: which pairs turn fully within a context, Liu et al.'s critical
// dimension, and the cos(Δθ_i) matrix behind the rotation heat map.
import type { RopeConfig, RopeTable } from './config.ts';
import { computeRope, rotatedDim, wavelengths } from './frequencies.ts';

/** Pair i completes at least one full turn within `context` positions (wavelength ≤ context). */
export function fullTurnPairs(table: RopeTable, context: number): boolean[] {
  return Array.from(wavelengths(table), (lambda) => lambda <= context);
}

export interface CriticalDimension {
  /** d_extra: rotated dims whose pairs saw a full period in pretraining (2·criticalPair). */
  criticalDim: number;
  /** First pair whose pretraining wavelength exceeds the pretraining context. */
  criticalPair: number;
  /** T_extra: that pair's wavelength under the RoPE in use — beyond it the pair meets angles never trained on. */
  extrapolationLimit: number;
}

/**
 * Liu et al. 2023, "Scaling Laws of RoPE-based Extrapolation" (arXiv 2310.05209), §3: pairs whose period
 * fits in the pretraining length T_train are fully trained; the first pair that does not is the critical
 * one, and pretraining fixes it:
 *   d_extra = 2·⌈(d/2)·log_10000(T_train / 2π)⌉   (92 of 128 for Llama 2 at 4K),
 * while a model tuned with a new base β extrapolates up to that pair's new period:
 *   T_extra = 2π·β^(d_extra/d)                     (≈ 78K for Llama 2 → base 500K).
 * `pretrained` is the RoPE the model was pretrained with, `inUse` the one it runs with (default: the same).
 * Written over the actual tables (first pair with wavelength > T_train; that pair's wavelength under
 * `inUse`), so it also holds for scaled configs; for plain RoPE it is exactly the paper's formulas. If every
 * pair fits, extrapolationLimit = ∞.
 */
export function criticalDimension(pretrained: RopeConfig, trainContext: number, inUse: RopeConfig = pretrained): CriticalDimension {
  if (!(Number.isFinite(trainContext) && trainContext > 0)) throw new RangeError(`trainContext must be > 0, got ${trainContext}`);
  const lambda = wavelengths(computeRope(pretrained));
  const lambdaInUse = inUse === pretrained ? lambda : wavelengths(computeRope(inUse));
  if (lambdaInUse.length !== lambda.length)
    throw new RangeError(`the RoPE in use has ${lambdaInUse.length} pairs, the pretrained one ${lambda.length}`);
  let criticalPair = lambda.findIndex((l) => l > trainContext);
  if (criticalPair < 0) criticalPair = lambda.length;
  const extrapolationLimit = criticalPair < lambda.length ? lambdaInUse[criticalPair] : Number.POSITIVE_INFINITY;
  return { criticalDim: 2 * criticalPair, criticalPair, extrapolationLimit };
}

/**
 * The plain-RoPE base whose frequencies equal this configuration's, where one exists: the base itself for
 * default RoPE and xPos, b·s^(d/(d−2)) for NTK-aware scaling (Men et al.'s base-vs-context curve then
 * applies unchanged). Position interpolation divides every θ by s (θ₀ ≠ 1), and YaRN, llama3 and LongRoPE
 * scale pairs unevenly: no single base describes them, and the answer is null.
 */
export function equivalentPlainBase(cfg: RopeConfig): number | null {
  const theta = computeRope(cfg).invFreq;
  const n = theta.length;
  if (n < 2) return cfg.base;
  const dim = rotatedDim(cfg);
  // θ_i = b^(−2i/d): the last pair gives b, every other pair must agree (float32 tables: 1e-5)
  const base = theta[n - 1] ** (-dim / (2 * (n - 1)));
  const plain = computeRope({
    headDim: cfg.headDim,
    base,
    type: 'default',
    ...(cfg.partialRotaryFactor !== undefined && { partialRotaryFactor: cfg.partialRotaryFactor }),
  }).invFreq;
  for (let i = 0; i < n; i++) if (Math.abs(plain[i] - theta[i]) > 1e-5 * theta[i]) return null;
  return base;
}

/** cos(Δθ_i) for every distance (rows) and rotated pair (columns), row-major. */
export function rotationMatrix(cfg: RopeConfig, distances: ArrayLike<number>): { pairs: number; distances: number[]; cos: Float32Array } {
  const theta = computeRope(cfg).invFreq;
  const pairs = rotatedDim(cfg) / 2;
  const cos = new Float32Array(distances.length * pairs);
  for (let n = 0; n < distances.length; n++) {
    const delta = distances[n];
    if (!Number.isFinite(delta)) throw new RangeError(`distance ${n} is not a finite number: ${delta}`);
    for (let i = 0; i < pairs; i++) cos[n * pairs + i] = Math.cos(delta * theta[i]);
  }
  return { pairs, distances: Array.from(distances), cos };
}
