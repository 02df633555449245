// θ tables checked by hand against the formulas of each method's paper (values computed in float64
// with a calculator / Python; our θ are float32-rounded like transformers', so 1e-6 relative).
import { describe, expect, it } from 'vitest';
import { computeRope, rotatedDim, wavelengths, type RopeConfig } from '../../src/rope/index.ts';

const REL = 1e-6;
const close = (ours: number, expected: number, rel = REL) =>
  expect(Math.abs(ours - expected) / Math.abs(expected), `${ours} vs ${expected}`).toBeLessThanOrEqual(rel);

const llama2: RopeConfig = { headDim: 128, base: 10_000, type: 'default' };

describe('default RoPE (Su et al. 2021): θ_i = b^(−2i/d)', () => {
  const { invFreq, attentionFactor } = computeRope(llama2);
  it('has d/2 pairs, θ_0 = 1 exactly, attention factor 1', () => {
    expect(invFreq.length).toBe(64);
    expect(invFreq[0]).toBe(1);
    expect(attentionFactor).toBe(1);
  });
  it('θ_1 = 10000^(−1/64), θ_63 = 10000^(−126/128)', () => {
    close(invFreq[1], 0.8659643233600653);
    close(invFreq[63], 0.00011547819846894582);
  });
  it('every θ_i is float32-representable (as transformers computes them)', () => {
    for (const t of invFreq) expect(Math.fround(t)).toBe(t);
  });
  it('wavelength is 2π/θ', () => {
    const lambda = wavelengths(computeRope(llama2));
    close(lambda[0], 2 * Math.PI);
    close(lambda[63], (2 * Math.PI) / 0.00011547819846894582);
  });
});

describe('position interpolation (Chen et al. 2023) divides every θ by s', () => {
  it('θ_PI = θ/4 pair by pair', () => {
    const base = computeRope(llama2).invFreq;
    const pi = computeRope({ ...llama2, type: 'linear', factor: 4 }).invFreq;
    base.forEach((t, i) => close(pi[i], t / 4));
  });
});

describe('static NTK-aware scaling: b′ = b·s^(d/(d−2))', () => {
  const ntk = computeRope({ ...llama2, type: 'ntk', factor: 8 }).invFreq;
  it('keeps the highest frequency and interpolates the lowest by exactly s', () => {
    expect(ntk[0]).toBe(1);
    close(ntk[63], 0.00011547819846894582 / 8);
  });
  it('is plain RoPE at base 10000·8^(128/126) = 82684.62…', () => {
    const stretched = computeRope({ headDim: 128, base: 82684.62264056221, type: 'default' }).invFreq;
    stretched.forEach((t, i) => close(ntk[i], t));
  });
});

describe('dynamic NTK (transformers): the base grows only once seqLen passes the trained length', () => {
  const dyn = (seqLen?: number) => computeRope({ ...llama2, type: 'dynamic', factor: 2, maxPositionEmbeddings: 4096, seqLen }).invFreq;
  it('equals plain RoPE at or below the trained length', () => {
    const plain = computeRope(llama2).invFreq;
    for (const n of [undefined, 100, 4096]) dyn(n).forEach((t, i) => expect(t).toBe(plain[i]));
  });
  it('at twice the length uses base 10000·(2·2 − 1)^(128/126) = 30527.74…', () => {
    const expected = computeRope({ headDim: 128, base: 30527.7367488067, type: 'default' }).invFreq;
    dyn(8192).forEach((t, i) => close(t, expected[i]));
  });
});

describe('llama3 (Llama 3.1): three wavelength bands for b = 500000, L = 8192, factors 1/4, s = 8', () => {
  const cfg: RopeConfig = {
    headDim: 128,
    base: 500_000,
    type: 'llama3',
    factor: 8,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalContext: 8192,
  };
  const plain = computeRope({ headDim: 128, base: 500_000, type: 'default' }).invFreq;
  const scaled = computeRope(cfg).invFreq;
  it('pairs 0..28 (wavelength < 2048, pair 28: 1956.5) keep θ', () => {
    for (let i = 0; i <= 28; i++) expect(scaled[i]).toBe(plain[i]);
  });
  it('pairs 35..63 (wavelength > 8192, pair 35: 8218.7) are divided by 8', () => {
    for (let i = 35; i < 64; i++) close(scaled[i], plain[i] / 8);
  });
  it('pair 32 (wavelength 4442.88) blends with smooth = (8192/4442.88 − 1)/3 = 0.281283', () => {
    // θ' = (1 − smooth)·θ/8 + smooth·θ with θ = 500000^(−1/2)
    close(scaled[32], 0.0005248461609929547);
  });
  it('blended pairs 29..34 lie strictly between θ/8 and θ, decreasing', () => {
    for (let i = 29; i <= 34; i++) {
      expect(scaled[i]).toBeLessThan(plain[i]);
      expect(scaled[i]).toBeGreaterThan(plain[i] / 8);
      expect(scaled[i]).toBeLessThan(scaled[i - 1]);
    }
  });
});

describe('YaRN (Peng et al. 2023)', () => {
  const cfg: RopeConfig = { headDim: 128, base: 10_000, type: 'yarn', factor: 8, originalContext: 4096 };
  const plain = computeRope(llama2).invFreq;
  const { invFreq, attentionFactor } = computeRope(cfg);
  it('attention factor is 0.1·ln(8) + 1', () => close(attentionFactor, 1.2079441541679836, 1e-12));
  // correction range: floor(20.94) = 20 to ceil(45.03) = 46 for β_fast 32, β_slow 1
  it('keeps θ up to pair 20, interpolates θ/8 from pair 46, ramps linearly between', () => {
    for (let i = 0; i <= 20; i++) expect(invFreq[i]).toBe(plain[i]);
    for (let i = 46; i < 64; i++) close(invFreq[i], plain[i] / 8);
    const ramp = (33 - 20) / 26; // pair 33 is half way
    close(invFreq[33], plain[33] * (1 - ramp) + (plain[33] / 8) * ramp);
  });
  it('truncate: false uses the fractional range 20.94..45.03', () => {
    const t = computeRope({ ...cfg, truncate: false }).invFreq;
    const ramp = (33 - 20.94448162063605) / (45.02688127375455 - 20.94448162063605);
    close(t[33], plain[33] * (1 - ramp) + (plain[33] / 8) * ramp);
    expect(t[20]).toBe(plain[20]);
    expect(t[21]).toBeLessThan(plain[21]);
  });
  it('mscale / mscale_all_dim: ratio of get_mscale, equal values give 1', () => {
    const deepseek = { headDim: 64, base: 10_000, type: 'yarn', factor: 40, originalContext: 4096 } as const;
    close(computeRope({ ...deepseek, mscale: 0.707, mscaleAllDim: 0.707 }).attentionFactor, 1, 1e-12);
    close(computeRope({ ...deepseek, mscale: 1, mscaleAllDim: 0.5 }).attentionFactor, 1.1557219901962608, 1e-12);
    close(computeRope({ ...deepseek, attentionFactor: 1.5 }).attentionFactor, 1.5, 0);
  });
  it('without factor takes maxPositionEmbeddings / originalContext', () => {
    const derived = computeRope({ headDim: 128, base: 10_000, type: 'yarn', originalContext: 4096, maxPositionEmbeddings: 32768 });
    expect(Array.from(derived.invFreq)).toEqual(Array.from(invFreq));
  });
});

describe('LongRoPE (Phi-3)', () => {
  const shortFactor = Array.from({ length: 48 }, (_, i) => 1 + i / 100);
  const longFactor = Array.from({ length: 48 }, (_, i) => 1 + i);
  const cfg: RopeConfig = {
    headDim: 96,
    base: 10_000,
    type: 'longrope',
    originalContext: 4096,
    maxPositionEmbeddings: 131072,
    shortFactor,
    longFactor,
  };
  const plain = computeRope({ headDim: 96, base: 10_000, type: 'default' }).invFreq;
  it('attention factor √(1 + ln 32 / ln 4096)', () => close(computeRope(cfg).attentionFactor, 1.1902380714238083, 1e-12));
  it('short factors up to the original context, long factors beyond it', () => {
    const short = computeRope({ ...cfg, seqLen: 4096 }).invFreq;
    const long = computeRope({ ...cfg, seqLen: 4097 }).invFreq;
    plain.forEach((t, i) => {
      close(short[i], t / shortFactor[i]);
      close(long[i], t / longFactor[i]);
    });
  });
});

describe('partial rotary and xPos', () => {
  it('rotates headDim·p dims, rounded down to even, with exponents over the rotated size', () => {
    expect(rotatedDim({ ...llama2, partialRotaryFactor: 0.5 })).toBe(64);
    expect(rotatedDim({ headDim: 80, base: 1e4, type: 'default', partialRotaryFactor: 0.45 })).toBe(36);
    const half = computeRope({ ...llama2, partialRotaryFactor: 0.5 }).invFreq;
    expect(half.length).toBe(32);
    close(half[1], 10_000 ** (-2 / 64));
  });
  it('xPos ζ_i = (2i + 0.4d)/(1.4d): ζ_0 = 2/7, ζ_63 = 177.2/179.2', () => {
    const { xposZeta, invFreq } = computeRope({ ...llama2, type: 'xpos' });
    close(xposZeta![0], 0.28571428571428575, 1e-15);
    close(xposZeta![63], 0.9888392857142857, 1e-15);
    expect(Array.from(invFreq)).toEqual(Array.from(computeRope(llama2).invFreq));
  });
});

describe('computeRope rejects invalid configurations', () => {
  it('throws a RangeError naming the field', () => {
    expect(() => computeRope({ ...llama2, type: 'linear' })).toThrow(/needs factor/);
    expect(() => computeRope({ ...llama2, headDim: 7 })).toThrow(/headDim/);
  });
});
