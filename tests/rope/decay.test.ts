// Decay curves against hand values and against brute-force attention computed by literally rotating
// vectors, which shares no code with decay.ts.
import { describe, expect, it } from 'vitest';
import {
  allOnesLogit,
  computeRope,
  decayCurves,
  linearDistances,
  logSpacedDistances,
  menB,
  roformerBound,
  rotatedDim,
  ROPE_PRESETS,
  type RopeConfig,
} from '../../src/rope/index.ts';

const llama2: RopeConfig = { headDim: 128, base: 10_000, type: 'default' };

/** q = k = all-ones, rotated pair by pair at positions n (query) and m (key); logit = q·k/√d. */
function bruteForceAllOnes(cfg: RopeConfig, n: number, m: number): number {
  const table = computeRope(cfg);
  const a = table.attentionFactor;
  const rotate = (pos: number, i: number): [number, number] => {
    const c = a * Math.cos(pos * table.invFreq[i]);
    const s = a * Math.sin(pos * table.invFreq[i]);
    return [c - s, s + c]; // R(pos·θ_i)·(1, 1), cos/sin scaled by the attention factor
  };
  let dot = 0;
  for (let i = 0; i < table.invFreq.length; i++) {
    const [q0, q1] = rotate(n, i);
    const [k0, k1] = rotate(m, i);
    // xPos: q scaled by ζ^(n/γ), k by ζ^(−m/γ)
    const decay = table.xposZeta ? table.xposZeta[i] ** ((n - m) / (cfg.xposScaleBase ?? 512)) : 1;
    dot += (q0 * k0 + q1 * k1) * decay;
  }
  dot += cfg.headDim - rotatedDim(cfg); // unrotated ones
  return dot / Math.sqrt(cfg.headDim);
}

describe('allOnesLogit (Llama 2 Long Fig. 4)', () => {
  it('is √d at distance 0 for plain RoPE (all 128 ones agree): √128 = 11.3137…', () => {
    expect(allOnesLogit(llama2, [0])[0]).toBeCloseTo(11.313708498984761, 12);
  });
  it('scales by the attention factor squared (YaRN ×8: 1.2079²·√128)', () => {
    const yarn = ROPE_PRESETS.find((p) => p.id === 'yarn-x8')!.config;
    expect(allOnesLogit(yarn, [0])[0]).toBeCloseTo(1.2079441541679836 ** 2 * Math.sqrt(128), 10);
  });
  it.each(['llama2', 'llama2-long-abf', 'pi-x8', 'yarn-x8', 'llama3.1', 'xpos'])(
    '%s equals rotating all-ones vectors at positions (n, m), for several n − m',
    (id) => {
      const cfg = ROPE_PRESETS.find((p) => p.id === id)!.config;
      const pairs: Array<[number, number]> = [
        [10, 10],
        [17, 5],
        [1000, 1],
        [40000, 7000],
        [131072, 0],
      ];
      const ours = allOnesLogit(
        cfg,
        pairs.map(([n, m]) => n - m),
      );
      pairs.forEach(([n, m], k) => expect(ours[k]).toBeCloseTo(bruteForceAllOnes(cfg, n, m), 8));
    },
  );
  it('counts unrotated dims of partial rotary as constant 1s', () => {
    const partial: RopeConfig = { ...llama2, partialRotaryFactor: 0.5 };
    expect(allOnesLogit(partial, [0])[0]).toBeCloseTo(Math.sqrt(128), 12);
    expect(allOnesLogit(partial, [3000])[0]).toBeCloseTo(bruteForceAllOnes(partial, 3000, 0), 10);
  });
  it('ABF decays more slowly than plain RoPE over the first thousands of tokens (Fig. 4)', () => {
    const abf = ROPE_PRESETS.find((p) => p.id === 'llama2-long-abf')!.config;
    const d = [500, 1000, 2000];
    const plain = allOnesLogit(llama2, d);
    const raised = allOnesLogit(abf, d);
    d.forEach((_, k) => expect(raised[k]).toBeGreaterThan(plain[k]));
  });
});

describe('roformerBound (RoFormer §3.4.3)', () => {
  it('is (1/64)·Σ_{j=1}^{64} j = 32.5 at distance 0', () => {
    expect(roformerBound(llama2, [0])[0]).toBeCloseTo(32.5, 12);
  });
  it('matches the definition summed term by term', () => {
    const theta = computeRope(llama2).invFreq;
    for (const delta of [1, 37.5, 900, 20000]) {
      let total = 0;
      for (let j = 1; j <= 64; j++) {
        let re = 0;
        let im = 0;
        for (let k = 0; k < j; k++) {
          re += Math.cos(delta * theta[k]);
          im += Math.sin(delta * theta[k]);
        }
        total += Math.hypot(re, im);
      }
      expect(roformerBound(llama2, [delta])[0]).toBeCloseTo(total / 64, 10);
    }
  });
  it('decays: its mean over [1000, 2000] is well below its value at 10', () => {
    const far = roformerBound(
      llama2,
      linearDistances(1000, 101).map((x) => x + 1000),
    );
    const mean = far.reduce((s, x) => s + x, 0) / far.length;
    expect(mean).toBeLessThan(roformerBound(llama2, [10])[0] / 3);
  });
});

describe('menB (Men et al. 2024)', () => {
  it('is d/2 at distance 0 and Σ cos(Δθ_i) elsewhere', () => {
    const theta = computeRope(llama2).invFreq;
    const b = menB(llama2, [0, 1706, 1707]);
    expect(b[0]).toBe(64);
    [1706, 1707].forEach((delta, k) => {
      const direct = theta.reduce((s, t) => s + Math.cos(delta * t), 0);
      expect(b[k + 1]).toBeCloseTo(direct, 12);
    });
  });
});

describe('menB and xPos', () => {
  it('leaves out the xPos decay (pure rotation, as firstNegativeDistance) while allOnesLogit applies it', () => {
    const xpos = ROPE_PRESETS.find((p) => p.id === 'xpos')!.config;
    const d = [100, 5000];
    expect(Array.from(menB(xpos, d))).toEqual(Array.from(menB(llama2, d)));
    expect(allOnesLogit(xpos, d)[1]).not.toBeCloseTo(allOnesLogit(llama2, d)[1], 3);
  });
});

describe('decayCurves', () => {
  it('returns the three curves of the single-curve functions, as plain arrays', () => {
    const d = logSpacedDistances(131072, 50, true);
    const curves = decayCurves(llama2, d);
    expect(Array.isArray(curves.distance)).toBe(true);
    expect(curves.distance).toEqual(Array.from(d));
    expect(curves.allOnesLogit).toEqual(Array.from(allOnesLogit(llama2, d)));
    expect(curves.roformerBound).toEqual(Array.from(roformerBound(llama2, d)));
    expect(curves.menB).toEqual(Array.from(menB(llama2, d)));
  });
  it('rejects non-finite distances', () => {
    expect(() => decayCurves(llama2, [0, Number.NaN])).toThrow(/distance 1/);
  });
});

describe('distance grids', () => {
  it('logSpacedDistances: 1..max with a constant ratio, optional leading 0', () => {
    const d = logSpacedDistances(1000, 4);
    expect(Array.from(d).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1, 10, 100, 1000]);
    const z = logSpacedDistances(131072, 19, true); // 0, then 2^0 … 2^17
    expect(z[0]).toBe(0);
    expect(z[1]).toBe(1);
    expect(z[18]).toBe(131072);
    for (let k = 1; k < 18; k++) expect(z[k + 1] / z[k]).toBeCloseTo(2, 10);
  });
  it('linearDistances: evenly spaced 0..max', () => {
    expect(Array.from(linearDistances(10, 6))).toEqual([0, 2, 4, 6, 8, 10]);
  });
  it('reject bad arguments with a message', () => {
    expect(() => logSpacedDistances(0, 10)).toThrow(/max distance/);
    expect(() => logSpacedDistances(100, 1)).toThrow(/count/);
    expect(() => linearDistances(10, 1.5)).toThrow(/count/);
  });
});
