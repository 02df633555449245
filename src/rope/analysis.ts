// Per-pair views of a rope table: which pairs turn fully within a context, Liu et al.'s critical
// dimension, and the cos(Δθ_i) matrix behind the rotation heat map.
import type { RopeConfig, RopeTable } from './config.ts';
import { computeRope, rotatedDim, wavelengths } from './frequencies.ts';

/** Pair i completes at least one full turn within `context` positions (wavelength ≤ context). */
export function fullTurnPairs(table: RopeTable, context: number): boolean[] {
  return Array.from(wavelengths(table), (lambda) => lambda <= context);
}

export interface CriticalDimension {
  /** d_extra: rotated dims whose pairs see a full period during training (2·criticalPair). */
  criticalDim: number;
  /** First pair whose wavelength exceeds the training context. */
  criticalPair: number;
  /** T_extra: the wavelength of the critical pair — beyond it that pair meets angles never trained on. */
  extrapolationLimit: number;
}

/**
 * Liu et al. 2023, "Scaling Laws of RoPE-based Extrapolation" (arXiv 2310.05209), §3: pairs whose period
 * fits in the training length T_train are fully trained; the first pair that does not is the critical one:
 *   d_extra = 2·⌈(d/2)·log_b(T_train / 2π)⌉,   T_extra = 2π·b^(d_extra/d).
 * Written over the actual table (first pair with wavelength > T_train) so it also holds for scaled
 * configs; for plain RoPE it is exactly the paper's formula. If every pair fits, extrapolationLimit = ∞.
 */
export function criticalDimension(cfg: RopeConfig, trainContext: number): CriticalDimension {
  if (!(Number.isFinite(trainContext) && trainContext > 0)) throw new RangeError(`trainContext must be > 0, got ${trainContext}`);
  const lambda = wavelengths(computeRope(cfg));
  let criticalPair = lambda.findIndex((l) => l > trainContext);
  if (criticalPair < 0) criticalPair = lambda.length;
  const extrapolationLimit = criticalPair < lambda.length ? lambda[criticalPair] : Number.POSITIVE_INFINITY;
  return { criticalDim: 2 * criticalPair, criticalPair, extrapolationLimit };
}

/** cos(Δθ_i) for every distance (rows) and rotated pair (columns), row-major. */
export function rotationMatrix(
  cfg: RopeConfig,
  distances: ArrayLike<number>,
): { pairs: number; distances: number[]; cos: Float32Array } {
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
