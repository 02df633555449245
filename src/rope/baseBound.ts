// Men et al. 2024, "Base of RoPE Bounds Context Length": a similar token keeps receiving more attention
// than a random one at distance Δ only while B(Δ) = Σ_i cos(Δθ_i) ≥ 0, so a context of L tokens needs a
// base whose B stays non-negative for every Δ ≤ L. B is not monotone in the base, so the minimum base is
// found by an honest upward scan of a log grid, and failing bases above it are reported.
import type { RopeConfig } from './config.ts';
import { computeRope } from './frequencies.ts';

/** Default scan limit for firstNegativeDistance: 2^22 distances (≈ 0.3 s for d = 128 when B never dips). */
export const DEFAULT_MAX_DISTANCE = 1 << 22;

/** Chebyshev steps between exact re-anchors; keeps the recurrence's error growth near 1e-11. */
const ANCHOR_INTERVAL = 1024;

/**
 * First integer Δ ≥ 1 with B(Δ) < 0, or null if B stays ≥ 0 up to maxDistance (inclusive). B is Men et
 * al.'s, over the config's θ alone: attention factors scale it without changing its sign, and xPos' decay
 * is left out (the bound is defined for pure rotation).
 * Uses cos((Δ+1)θ) = 2cos θ·cos(Δθ) − cos((Δ−1)θ) — two flops per pair and step instead of a cos call —
 * re-anchored with exact cosines every ANCHOR_INTERVAL steps so rounding cannot accumulate.
 */
export function firstNegativeDistance(cfg: RopeConfig, maxDistance = DEFAULT_MAX_DISTANCE): number | null {
  if (!Number.isInteger(maxDistance) || maxDistance < 1) throw new RangeError(`maxDistance must be a positive integer, got ${maxDistance}`);
  return scanFirstNegative(computeRope(cfg).invFreq, maxDistance);
}

function scanFirstNegative(theta: Float64Array, maxDistance: number): number | null {
  const pairs = theta.length;
  const twoCos = theta.map((t) => 2 * Math.cos(t));
  const prev = new Float64Array(pairs); // cos((Δ−1)θ_i)
  const cur = new Float64Array(pairs); //  cos(Δθ_i)
  for (let start = 1; start <= maxDistance; start += ANCHOR_INTERVAL) {
    for (let i = 0; i < pairs; i++) {
      prev[i] = Math.cos((start - 1) * theta[i]);
      cur[i] = Math.cos(start * theta[i]);
    }
    const end = Math.min(maxDistance, start + ANCHOR_INTERVAL - 1);
    for (let delta = start; delta <= end; delta++) {
      let sum = 0;
      for (let i = 0; i < pairs; i++) {
        const c = cur[i];
        sum += c;
        cur[i] = twoCos[i] * c - prev[i];
        prev[i] = c;
      }
      if (sum < 0) return delta;
    }
  }
  return null;
}

export interface MinBaseOptions {
  /** Lowest base scanned (default 10). */
  lo?: number;
  /** Highest base scanned (default 1e12). */
  hi?: number;
  /** Grid resolution (default 200 bases per decade, i.e. steps of ≈1.16%). */
  stepsPerDecade?: number;
  /** How far above the minimum to look for bases that fail again (default 1 decade). */
  verifyDecades?: number;
}

export interface MinBaseResult {
  /** Smallest grid base whose B(Δ) ≥ 0 for all 1 ≤ Δ ≤ context. */
  minBase: number;
  /** Grid bases above minBase (within verifyDecades) whose B turns negative again before the context. */
  nonMonotone: Array<{ base: number; firstNegative: number }>;
  /** The grid ratio between neighbouring bases: minBase is exact to within this factor. */
  gridRatio: number;
}

/** Men et al.'s lower bound of the base for a context length, on a log grid. Throws if no base up to hi works. */
export function minBase(headDim: number, context: number, opts: MinBaseOptions = {}): MinBaseResult {
  const lo = opts.lo ?? 10;
  const hi = opts.hi ?? 1e12;
  const steps = opts.stepsPerDecade ?? 200;
  const verifyDecades = opts.verifyDecades ?? 1;
  if (!Number.isInteger(context) || context < 1) throw new RangeError(`context must be a positive integer, got ${context}`);
  if (!(lo > 1 && hi > lo)) throw new RangeError(`need 1 < lo < hi, got lo=${lo}, hi=${hi}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`stepsPerDecade must be a positive integer, got ${steps}`);
  const gridBase = (k: number) => lo * 10 ** (k / steps);
  const gridSize = Math.floor(Math.log10(hi / lo) * steps + 1e-9);
  const firstNegative = (base: number) => firstNegativeDistance({ headDim, base, type: 'default' }, context);

  let found = -1;
  for (let k = 0; k <= gridSize; k++) {
    if (firstNegative(gridBase(k)) === null) {
      found = k;
      break;
    }
  }
  if (found < 0) throw new RangeError(`no base in [${lo}, ${hi}] keeps B(Δ) ≥ 0 up to Δ = ${context} for headDim ${headDim}`);
  const nonMonotone: MinBaseResult['nonMonotone'] = [];
  const verifyEnd = Math.min(gridSize, found + Math.round(verifyDecades * steps));
  for (let k = found + 1; k <= verifyEnd; k++) {
    const base = gridBase(k);
    const fn = firstNegative(base);
    if (fn !== null) nonMonotone.push({ base, firstNegative: fn });
  }
  return { minBase: gridBase(found), nonMonotone, gridRatio: 10 ** (1 / steps) };
}

/** firstNegativeDistance of plain RoPE for each base (the data behind Men et al.'s Fig. 1). */
export function baseContextSweep(
  headDim: number,
  bases: number[],
  maxDistance = DEFAULT_MAX_DISTANCE,
): Array<{ base: number; firstNegativeDistance: number | null }> {
  return bases.map((base) => ({
    base,
    firstNegativeDistance: firstNegativeDistance({ headDim, base, type: 'default' }, maxDistance),
  }));
}
