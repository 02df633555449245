import { describe, expect, it } from 'vitest';
import { computeRope, type RopeConfig } from '../../../src/rope/index.ts';
import { variantFromChoice } from '../../../src/ui/probes/variants.ts';

const own: RopeConfig = { headDim: 8, base: 10000, type: 'default' };

describe('RoPE variant chips', () => {
  it('base ×4 multiplies the base (ABF) and keeps the type', () => {
    const v = variantFromChoice(own, 512, { kind: 'base', factor: 4 });
    expect(v).toEqual({ label: 'base 40K', rope: { headDim: 8, base: 40000, type: 'default' } });
  });

  it('PI ×4 divides every frequency by 4 (hand check: θ_0 = 1 → 0.25, θ_3 = 10000^(−3/4) / 4)', () => {
    const v = variantFromChoice(own, 512, { kind: 'linear', factor: 4 });
    expect(v.label).toBe('PI ×4');
    const inv = computeRope(v.rope!).invFreq;
    // computeRope rounds θ as the GPU table holds it (f32): relative tolerance 1e-6
    expect(Math.abs(inv[0] / 0.25 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(inv[3] / (10000 ** -0.75 / 4) - 1)).toBeLessThan(1e-6);
  });

  it('YaRN ×4 takes the trained context as its original context', () => {
    const v = variantFromChoice(own, 512, { kind: 'yarn', factor: 4 });
    expect(v.label).toBe('YaRN ×4');
    expect(v.rope).toMatchObject({ type: 'yarn', factor: 4, originalContext: 512 });
  });

  it('refuses a factor that is not a positive number, naming it', () => {
    expect(() => variantFromChoice(own, 512, { kind: 'ntk', factor: 0 })).toThrow('the factor must be a positive number, got 0');
    expect(() => variantFromChoice(own, 512, { kind: 'base', factor: Number.NaN })).toThrow('got NaN');
  });
});
