// How a query-key logit depends on relative distance Δ under a rope configuration. Three views:
//  - allOnesLogit: Llama 2 Long (Xiong et al. 2023) Fig. 4 — q = k = all-ones, logit q·R_Δ k / √d.
//    Each rotated pair contributes 2cos(Δθ_i) (scaled by the cos/sin attention factor squared, and by
//    xPos' ζ_i^(Δ/γ)); each unrotated dim (partial rotary) contributes 1.
//  - roformerBound: RoFormer (Su et al. 2021) §3.4.3 long-term-decay bound, (1/(d/2))·Σ_j |Σ_{k<j} e^{iΔθ_k}|.
//  - menB: Men et al. 2024 ("Base of RoPE Bounds Context Length") B(Δ) = Σ_i cos(Δθ_i), whose sign says
//    whether a similar token still gets more attention than a random one at distance Δ (pure rotation:
//    xPos' decay is left out, as in firstNegativeDistance).
// All three share one pass over (distance, pair) with θ computed once per config.
import type { RopeConfig, RopeTable } from './config.ts';
import { computeRope, rotatedDim } from './frequencies.ts';

export const DEFAULT_XPOS_SCALE_BASE = 512;

/** `count` distances log-spaced from 1 to `max`; with includeZero the first is 0 and count−1 are log-spaced. */
export function logSpacedDistances(max: number, count: number, includeZero = false): Float64Array {
  if (!(Number.isFinite(max) && max >= 1)) throw new RangeError(`max distance must be ≥ 1, got ${max}`);
  const logCount = includeZero ? count - 1 : count;
  if (!Number.isInteger(count) || logCount < 2) throw new RangeError(`count must be an integer ≥ ${includeZero ? 3 : 2}, got ${count}`);
  const out = new Float64Array(count);
  const offset = includeZero ? 1 : 0;
  const logMax = Math.log(max);
  for (let k = 0; k < logCount; k++) out[offset + k] = Math.exp((logMax * k) / (logCount - 1));
  out[count - 1] = max; // exact endpoint despite exp/log rounding
  return out;
}

/** `count` evenly spaced distances from 0 to `max` inclusive. */
export function linearDistances(max: number, count: number): Float64Array {
  if (!(Number.isFinite(max) && max > 0)) throw new RangeError(`max distance must be > 0, got ${max}`);
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`count must be an integer ≥ 2, got ${count}`);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = (max * k) / (count - 1);
  return out;
}

export interface DecayCurves {
  distance: number[];
  allOnesLogit: number[];
  roformerBound: number[];
  menB: number[];
}

interface CurveOutputs {
  allOnes?: Float64Array;
  roformer?: Float64Array;
  menB?: Float64Array;
}

/** One pass computing whichever curves are requested. */
function fillCurves(cfg: RopeConfig, table: RopeTable, distances: ArrayLike<number>, out: CurveOutputs): void {
  const theta = table.invFreq;
  const pairs = theta.length;
  const zeta = table.xposZeta;
  const scaleBase = cfg.xposScaleBase ?? DEFAULT_XPOS_SCALE_BASE;
  const logZeta = zeta ? zeta.map((z) => Math.log(z) / scaleBase) : null;
  const amp2 = 2 * table.attentionFactor * table.attentionFactor;
  const unrotated = cfg.headDim - rotatedDim(cfg);
  const invSqrtD = 1 / Math.sqrt(cfg.headDim);
  const { allOnes, roformer, menB } = out;
  const wantSin = roformer !== undefined;
  for (let n = 0; n < distances.length; n++) {
    const delta = distances[n];
    let cosSum = 0;
    let decayedCosSum = 0;
    let re = 0;
    let im = 0;
    let boundSum = 0;
    for (let i = 0; i < pairs; i++) {
      const angle = delta * theta[i];
      const c = Math.cos(angle);
      cosSum += c;
      decayedCosSum += logZeta ? c * Math.exp(delta * logZeta[i]) : c;
      if (wantSin) {
        // |S_{i+1}| with S_j = Σ_{k<j} e^{iΔθ_k}
        re += c;
        im += Math.sin(angle);
        boundSum += Math.sqrt(re * re + im * im);
      }
    }
    if (allOnes) allOnes[n] = invSqrtD * (amp2 * decayedCosSum + unrotated);
    if (menB) menB[n] = cosSum;
    if (roformer) roformer[n] = boundSum / pairs;
  }
}

function validDistances(distances: ArrayLike<number>): ArrayLike<number> {
  for (let n = 0; n < distances.length; n++) {
    if (!Number.isFinite(distances[n])) throw new RangeError(`distance ${n} is not a finite number: ${distances[n]}`);
  }
  return distances;
}

/** Llama 2 Long Fig. 4: (1/√d)·(Σ_i 2·a²·cos(Δθ_i)·w_i(Δ) + unrotated dims), a = attention factor. */
export function allOnesLogit(cfg: RopeConfig, distances: ArrayLike<number>): Float64Array {
  const allOnes = new Float64Array(distances.length);
  fillCurves(cfg, computeRope(cfg), validDistances(distances), { allOnes });
  return allOnes;
}

/** RoFormer's relative upper bound (1/(d/2))·Σ_{j=1}^{d/2} |Σ_{k<j} e^{iΔθ_k}|. */
export function roformerBound(cfg: RopeConfig, distances: ArrayLike<number>): Float64Array {
  const roformer = new Float64Array(distances.length);
  fillCurves(cfg, computeRope(cfg), validDistances(distances), { roformer });
  return roformer;
}

/** Men et al. B(Δ) = Σ_i cos(Δθ_i) over the rotated pairs. */
export function menB(cfg: RopeConfig, distances: ArrayLike<number>): Float64Array {
  const b = new Float64Array(distances.length);
  fillCurves(cfg, computeRope(cfg), validDistances(distances), { menB: b });
  return b;
}

/** All three curves in one pass, as plain arrays (JSON-ready). */
export function decayCurves(cfg: RopeConfig, distances: ArrayLike<number>): DecayCurves {
  const out = {
    allOnes: new Float64Array(distances.length),
    roformer: new Float64Array(distances.length),
    menB: new Float64Array(distances.length),
  };
  fillCurves(cfg, computeRope(cfg), validDistances(distances), out);
  return {
    distance: Array.from(distances),
    allOnesLogit: Array.from(out.allOnes),
    roformerBound: Array.from(out.roformer),
    menB: Array.from(out.menB),
  };
}
