// The rope commands as external scripts use them: exact JSON shapes, readable tables, exit code 2 with one
// line naming the bad option.
import { describe, expect, it } from 'vitest';
import { computeRope, decayCurves, wavelengths } from '../../src/rope/index.ts';
import { runLabCli } from '../helpers/cli-runners.ts';

function json(...args: string[]): Record<string, unknown> {
  const r = runLabCli(...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('lab rope', () => {
  it('prints {invFreq, attentionFactor, wavelengths} for a yarn config given flag by flag', () => {
    const out = json(
      'rope',
      '--head-dim',
      '128',
      '--base',
      '10000',
      '--type',
      'yarn',
      '--factor',
      '8',
      '--original-context',
      '4096',
      '--beta-fast',
      '32',
      '--beta-slow',
      '1',
    );
    expect(Object.keys(out).sort()).toEqual(['attentionFactor', 'invFreq', 'wavelengths']);
    const table = computeRope({ headDim: 128, base: 10_000, type: 'yarn', factor: 8, originalContext: 4096 });
    expect(out.invFreq).toEqual(Array.from(table.invFreq));
    expect(out.wavelengths).toEqual(Array.from(wavelengths(table)));
    expect(out.attentionFactor).toBeCloseTo(1.2079441541679836, 12);
  });
  it('prints a table without --json', () => {
    const r = runLabCli('rope', '--head-dim', '8', '--base', '10000');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pair\s+theta\s+wavelength/);
    expect(r.stdout.trim().split('\n')).toHaveLength(6); // title, header, 4 pairs
  });
});

describe('lab decay', () => {
  it('prints the four arrays at the given distances', () => {
    const out = json('decay', '--head-dim', '128', '--base', '500000', '--distances', '0,1000,20000');
    const expected = decayCurves({ headDim: 128, base: 500_000, type: 'default' }, [0, 1000, 20000]);
    expect(out).toEqual(expected);
  });
});

describe('lab context-bound and min-base', () => {
  it('context-bound: Llama 2 first negative B at 1707', () => {
    expect(json('context-bound', '--head-dim', '128', '--base', '10000')).toMatchObject({ firstNegativeDistance: 1707 });
  });
  it('min-base: 4K context needs ≈ 2.9e4', () => {
    const out = json('min-base', '--head-dim', '128', '--context', '4096', '--verify-decades', '0.1');
    expect(out.minBase as number).toBeGreaterThan(2.8e4);
    expect(out.minBase as number).toBeLessThan(3.0e4);
    expect(Array.isArray(out.nonMonotone)).toBe(true);
  });
});

describe('bad options exit 2 with one line naming the option', () => {
  it.each([
    [['rope', '--head-dim', '128'], '--base'],
    [['rope', '--head-dim', '128', '--base', 'ten'], '--base'],
    [['rope', '--head-dim', '127', '--base', '1e4'], '--head-dim'],
    [['rope', '--head-dim', '128', '--base', '1e4', '--type', 'linear'], '--factor'],
    [['decay', '--head-dim', '128', '--base', '1e4', '--distances', '0,x'], '--distances'],
    [['min-base', '--head-dim', '128'], '--context'],
    [['context-bound', '--head-dim', '128', '--base', '1e4', '--frobnicate', '1'], '--frobnicate'],
  ])('%j', (args, option) => {
    const r = runLabCli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(option);
  });
});
