// Liu et al.'s critical dimension, full-turn pairs, the rotation matrix and the ABF-vs-PI comparison.
import { describe, expect, it } from 'vitest';
import {
  computeRope,
  criticalDimension,
  equivalentPlainBase,
  fullTurnPairs,
  granularityComparison,
  rotationMatrix,
  type RopeConfig,
} from '../../src/rope/index.ts';

const llama2: RopeConfig = { headDim: 128, base: 10_000, type: 'default' };

describe('criticalDimension (Liu et al. 2023, "Scaling Laws of RoPE-based Extrapolation")', () => {
  it('Llama 2 at 4K: d_extra = 2⌈64·log_10000(4096/2π)⌉ = 92, T_extra = 2π·10000^(92/128) ≈ 4711.7', () => {
    const c = criticalDimension(llama2, 4096);
    expect(c.criticalDim).toBe(92);
    expect(c.criticalPair).toBe(46);
    expect(c.extrapolationLimit).toBeCloseTo(4711.72427801674, 2);
  });
  it('for a larger base fewer pairs are fully trained (base 500000: 2⌈64·log_b(651.9)⌉ = 64)', () => {
    // 64·ln(651.9)/ln(500000) = 31.6 → ⌈⌉ = 32 pairs
    expect(criticalDimension({ ...llama2, base: 500_000 }, 4096).criticalDim).toBe(64);
  });
  it('Llama 2 (4K) tuned to ABF 500K: pretraining fixes d_extra = 92, and T_extra = 2π·500000^(92/128) ≈ 78K', () => {
    const abf = { ...llama2, base: 500_000 };
    const c = criticalDimension(llama2, 4096, abf);
    expect(c.criticalDim).toBe(92);
    expect(c.extrapolationLimit).toBeCloseTo(2 * Math.PI * 500_000 ** (92 / 128), -1);
    expect(Math.round(c.extrapolationLimit / 1000)).toBe(78);
  });
  it('position interpolation ×8 from Llama 2: same critical pair, its period 8× longer', () => {
    const c = criticalDimension(llama2, 4096, { ...llama2, type: 'linear', factor: 8 });
    expect(c.criticalDim).toBe(92);
    expect(c.extrapolationLimit / criticalDimension(llama2, 4096).extrapolationLimit).toBeCloseTo(8, 4);
  });
  it('refuses a RoPE in use with another number of pairs than the pretrained one', () => {
    expect(() => criticalDimension(llama2, 4096, { ...llama2, headDim: 64 })).toThrow(/pairs/);
  });
  it('is the whole head with an infinite limit when every pair turns within the context', () => {
    const c = criticalDimension({ headDim: 8, base: 10, type: 'default' }, 1e6);
    expect(c.criticalDim).toBe(8);
    expect(c.extrapolationLimit).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('equivalentPlainBase: where a series sits on the base-vs-context curve', () => {
  it('is the base for plain RoPE and xPos, and b·s^(d/(d−2)) for NTK-aware ×8', () => {
    expect(equivalentPlainBase(llama2)).toBeCloseTo(10_000, -1);
    expect(equivalentPlainBase({ ...llama2, type: 'xpos', xposScaleBase: 512 })).toBeCloseTo(10_000, -1);
    const ntk = equivalentPlainBase({ ...llama2, type: 'ntk', factor: 8 })!;
    expect(ntk / (10_000 * 8 ** (128 / 126))).toBeCloseTo(1, 4);
  });
  it('has none for PI, YaRN and llama3, which no single base describes', () => {
    expect(equivalentPlainBase({ ...llama2, type: 'linear', factor: 8 })).toBeNull();
    expect(equivalentPlainBase({ ...llama2, type: 'yarn', factor: 8, originalContext: 4096 })).toBeNull();
    expect(equivalentPlainBase({ ...llama2, base: 500_000, type: 'llama3', factor: 8, originalContext: 8192 })).toBeNull();
  });
});

describe('fullTurnPairs', () => {
  it('marks the pairs whose wavelength fits: the first 46 for Llama 2 at 4096', () => {
    const full = fullTurnPairs(computeRope(llama2), 4096);
    expect(full.length).toBe(64);
    expect(full.filter(Boolean).length).toBe(46);
    expect(full.slice(0, 46).every(Boolean)).toBe(true);
  });
});

describe('rotationMatrix', () => {
  it('holds cos(Δθ_i) row-major, distances × pairs', () => {
    const m = rotationMatrix(llama2, [0, 3, 1000]);
    expect(m.pairs).toBe(64);
    expect(m.cos.length).toBe(3 * 64);
    expect(m.cos[0]).toBe(1);
    expect(m.cos[64]).toBeCloseTo(Math.cos(3), 6);
    expect(m.cos[2 * 64 + 1]).toBeCloseTo(Math.cos(1000 * 10_000 ** (-2 / 128)), 4);
  });
});

describe('granularityComparison (Llama 2 Long, Appendix B: ABF vs PI)', () => {
  const g = granularityComparison(128, { baseContext: 4096, targetContext: 32768, abfBase: 500_000, piFactor: 8, origBase: 10_000 });
  it('PI needs exactly s = 8 positions to move as far as the original moved in one', () => {
    expect(g.original.minDistinguishableDistance).toBeCloseTo(1, 9);
    expect(g.pi.minDistinguishableDistance).toBeCloseTo(8, 6);
  });
  it('ABF stays close to one position (its fast pairs are untouched)', () => {
    expect(g.abf.minDistinguishableDistance).toBeGreaterThan(1);
    expect(g.abf.minDistinguishableDistance).toBeLessThan(1.2);
    expect(g.abf.adjacentDistance).toBeGreaterThan(g.pi.adjacentDistance * 5);
  });
  it('ABF steps further than PI per position on pairs 0..34: 8·50^(−2i/128) > 1 ⇔ i < 34.02', () => {
    expect(g.abfFinerPairs).toBe(35);
    expect(g.stepRatio[0]).toBeCloseTo(8, 12);
    expect(g.stepRatio[34]).toBeGreaterThan(1);
    expect(g.stepRatio[35]).toBeLessThan(1);
  });
  it('counts the pairs that complete a turn within 32K', () => {
    // original: 2π·10000^(2i/128) ≤ 32768 ⇔ i ≤ 59.48 → 60 pairs; PI stretches every wavelength ×8 → i ≤ 45.03 → 46
    expect(g.original.fullTurnPairsInTarget).toBe(60);
    expect(g.pi.fullTurnPairsInTarget).toBe(46);
  });
  it.each([
    [500_000, 8],
    [1_000_000, 4],
    [50_000_000, 32],
  ])('neighbour distance: linear in the PI factor, logarithmic in the ABF base (b′ = %d, s = %d)', (abfBase, piFactor) => {
    const r = granularityComparison(128, {
      baseContext: 4096,
      targetContext: 4096 * piFactor,
      abfBase,
      piFactor,
      origBase: 10_000,
    }).distanceRatio;
    expect(r.piPredicted).toBe(1 / piFactor);
    expect(r.abfPredicted).toBeCloseTo(Math.sqrt(Math.log(10_000) / Math.log(abfBase)), 12);
    expect(Math.abs(r.pi / r.piPredicted - 1)).toBeLessThan(0.05); // small-angle limit, off by sin vs angle
    expect(Math.abs(r.abf / r.abfPredicted - 1)).toBeLessThan(0.07);
    expect(r.abf).toBeGreaterThan(r.pi * 3);
  });
  it('rejects a target shorter than the trained context', () => {
    expect(() => granularityComparison(128, { baseContext: 4096, targetContext: 2048, abfBase: 5e5, piFactor: 8, origBase: 1e4 })).toThrow(
      /targetContext/,
    );
  });
});
