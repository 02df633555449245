// Llama 2 Long (Xiong et al. 2023, arXiv 2309.16039), Appendix B compares how finely ABF (raise the base
// b → b′) and PI (divide positions by s) resolve positions once the context grows from L to L′. Its
// conclusion, as secondary summaries of the paper state it (we could not retrieve the appendix text): the
// distance between embedded vectors shrinks linearly in the PI factor but only logarithmically in the
// ABF base. This module computes that comparison exactly, with quantities defined here:
//
//  - per-pair angular step between adjacent positions: θ_i (one position turns pair i by θ_i radians).
//    PI: θ_i/s for every pair; ABF: b′^(−2i/d) — the highest-frequency pair keeps its step of 1 rad.
//  - adjacent-position embedding distance ("granularity"): with e(t) = (cos tθ_i, sin tθ_i)_i,
//    ‖e(t+Δ) − e(t)‖² = Σ_i 4 sin²(Δθ_i/2) = d_rot − 2·B(Δ), independent of t; at Δ = 1 it is how far
//    apart neighbouring positions land. Small-angle continuum limit: Σ_i θ_i² ≈ (d/4)/ln b, hence
//      PI:  D_PI / D ≈ 1/s                   (linear in the factor)
//      ABF: D_ABF / D ≈ √(ln b / ln b′)       (logarithmic in the base)
//    reported next to the exact ratios.
//  - minimum distinguishable distance: the smallest Δ at which the scaled embedding separates two
//    positions as much as the original model separated neighbours (‖e′(Δ) − e′(0)‖ = ‖e(1) − e(0)‖).
//    PI needs Δ = s exactly (it is the original embedding at Δ/s); ABF stays near 1.
//  - pairs completing a full turn within L′.
import type { RopeConfig } from './config.ts';
import { computeRope } from './frequencies.ts';

export interface GranularityOptions {
  /** Trained context L (e.g. 4096). */
  baseContext: number;
  /** Target context L' (e.g. 32768). */
  targetContext: number;
  /** ABF base (e.g. 500000). */
  abfBase: number;
  /** PI factor s (e.g. L'/L = 8). */
  piFactor: number;
  /** The original base (e.g. 10000). */
  origBase: number;
}

export interface MethodGranularity {
  config: RopeConfig;
  /** Per-pair angle moved by one position, radians (= θ_i). */
  angularStep: number[];
  /** ‖e(m+1) − e(m)‖ over the rotated dims. */
  adjacentDistance: number;
  /** Smallest Δ whose embedding distance reaches the original model's adjacentDistance. */
  minDistinguishableDistance: number;
  /** Pairs whose wavelength fits in the target context. */
  fullTurnPairsInTarget: number;
}

export interface GranularityComparison {
  pairs: number;
  original: MethodGranularity;
  abf: MethodGranularity;
  pi: MethodGranularity;
  /** abf.angularStep[i] / pi.angularStep[i]: > 1 where ABF resolves neighbours more finely than PI. */
  stepRatio: number[];
  /** Pairs where ABF's per-position step exceeds PI's. */
  abfFinerPairs: number;
  /** Adjacent-position distance relative to the original model, exact and small-angle prediction. */
  distanceRatio: { pi: number; piPredicted: number; abf: number; abfPredicted: number };
}

function embeddingDistance(theta: Float64Array, delta: number): number {
  let sq = 0;
  for (const t of theta) sq += 2 - 2 * Math.cos(delta * t);
  return Math.sqrt(sq);
}

/** Bisection on the first rise of ‖e(Δ) − e(0)‖ to `target` (monotone there: every pair is below π). */
function distanceToReach(theta: Float64Array, target: number): number {
  let hi = 1;
  while (embeddingDistance(theta, hi) < target) {
    hi *= 2;
    if (hi > 1e12) return Number.POSITIVE_INFINITY;
  }
  let lo = 0;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (embeddingDistance(theta, mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

function measure(config: RopeConfig, targetContext: number, reference: number): MethodGranularity {
  const theta = computeRope(config).invFreq;
  let fullTurns = 0;
  for (const t of theta) if ((2 * Math.PI) / t <= targetContext) fullTurns++;
  return {
    config,
    angularStep: Array.from(theta),
    adjacentDistance: embeddingDistance(theta, 1),
    minDistinguishableDistance: distanceToReach(theta, reference),
    fullTurnPairsInTarget: fullTurns,
  };
}

/** ABF vs PI resolution of positions for one head size (see the file comment for the definitions). */
export function granularityComparison(headDim: number, opts: GranularityOptions): GranularityComparison {
  const { baseContext, targetContext, abfBase, piFactor, origBase } = opts;
  for (const [name, v] of Object.entries(opts)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a finite number > 0, got ${v}`);
  }
  if (targetContext < baseContext) throw new RangeError(`targetContext (${targetContext}) must be ≥ baseContext (${baseContext})`);
  const originalConfig: RopeConfig = { headDim, base: origBase, type: 'default' };
  const reference = embeddingDistance(computeRope(originalConfig).invFreq, 1);
  const original = measure(originalConfig, targetContext, reference);
  const abf = measure({ headDim, base: abfBase, type: 'default' }, targetContext, reference);
  const pi = measure({ headDim, base: origBase, type: 'linear', factor: piFactor }, targetContext, reference);
  const stepRatio = abf.angularStep.map((s, i) => s / pi.angularStep[i]);
  const distanceRatio = {
    pi: pi.adjacentDistance / original.adjacentDistance,
    piPredicted: 1 / piFactor,
    abf: abf.adjacentDistance / original.adjacentDistance,
    abfPredicted: Math.sqrt(Math.log(origBase) / Math.log(abfBase)),
  };
  return { pairs: stepRatio.length, original, abf, pi, stepRatio, abfFinerPairs: stepRatio.filter((r) => r > 1).length, distanceRatio };
}
