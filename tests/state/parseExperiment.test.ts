import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { parseExperiment, serialiseExperiment } from '../../src/state/parseExperiment.ts';

// The cases edit the serialised JSON at any depth, as an untrusted sender would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const valid = () => serialiseExperiment(defaultExperiment()) as Record<string, any>;

function errorOf(input: unknown): string {
  const parsed = parseExperiment(input);
  return parsed.ok ? 'accepted' : parsed.error;
}

describe('parseExperiment', () => {
  it('accepts the default experiment and returns a copy', () => {
    const input = valid();
    const parsed = parseExperiment(input);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(serialiseExperiment(parsed.experiment)).toEqual(input);
    input.series[0].config.base = 2;
    input.contexts.push(1);
    expect(parsed.experiment.series[0].config.base).toBe(10_000);
    expect(parsed.experiment.contexts).toEqual([4096, 32768]);
  });

  it('carries a series\' "pretrained with" base and context, validated, and stays valid without one', () => {
    const input = valid();
    expect(input.series[1].pretrained).toEqual({ base: 10000, context: 4096 }); // ABF 500K, from Llama 2
    const parsed = parseExperiment(input);
    expect(parsed.ok && parsed.experiment.series[1].pretrained).toEqual({ base: 10000, context: 4096 });
    delete input.series[1].pretrained;
    const without = parseExperiment(input);
    expect(without.ok && without.experiment.series[1].pretrained).toBeUndefined();
    input.series[1].pretrained = { base: 10000 };
    expect(errorOf(input)).toMatch(/series\[1\]\.pretrained\.context must be an integer/);
    input.series[1].pretrained = { base: 0.5, context: 4096 };
    expect(errorOf(input)).toMatch(/series\[1\]\.pretrained\.base must be a finite number > 1/);
    input.series[1].pretrained = { base: 10000, context: 4096, year: 2023 };
    expect(errorOf(input)).toMatch(/unknown field 'year'/);
  });

  it('refuses prototype keys wherever they appear', () => {
    // JSON.parse makes "__proto__" an own key, which is how it arrives from a URL or a message.
    expect(errorOf(JSON.parse('{"__proto__":{"x":1}}'))).toBe("state contains the forbidden key '__proto__'");
    const nested = valid();
    nested.series[1].config = JSON.parse('{"headDim":128,"base":10000,"type":"default","constructor":{"prototype":{}}}');
    expect(errorOf(nested)).toBe("state.series[1].config contains the forbidden key 'constructor'");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['wrong version', { v: 2 }, /state version must be 1, got 2/],
    ['unknown field', { theme: 'dark' }, /unknown field 'theme'/],
    ['no series', { series: [] }, /series must be a list of 1\.\.8 entries/],
    ['unknown view', { view: 'probes' }, /view must be one of/],
    ['NaN-like distance', { maxDistance: null }, /maxDistance must be an integer in 64\.\.2097152, got null/],
    ['fractional distance', { maxDistance: 1000.5 }, /maxDistance must be an integer/],
    ['too many contexts', { contexts: [1, 2, 3, 4, 5, 6, 7] }, /at most 6 lengths/],
    ['zero context', { contexts: [0] }, /contexts\[0\] must be an integer in 1\.\./],
    ['focus out of range', { focus: 3 }, /focus must be an integer in 0\.\.2, got 3/],
    ['pair out of range', { pair: 64 }, /pair \(series 0 has 64 pairs\) must be an integer in 0\.\.63/],
    [
      'granularity order',
      { granularity: { origBase: 1e4, abfBase: 5e5, piFactor: 8, baseContext: 4096, targetContext: 4096 } },
      /targetContext must exceed/,
    ],
    [
      'granularity base',
      { granularity: { origBase: 1, abfBase: 5e5, piFactor: 8, baseContext: 4096, targetContext: 8192 } },
      /origBase must be a finite number > 1/,
    ],
  ])('refuses %s', (_, patch, message) => {
    expect(errorOf({ ...valid(), ...patch })).toMatch(message);
  });

  it('checks names, colours and rope configs of every series', () => {
    const long = valid();
    long.series[0].name = 'x'.repeat(61);
    expect(errorOf(long)).toMatch(/series\[0\]\.name must be a string of at most 60 characters/);
    const colour = valid();
    colour.series[2].color = 'url(javascript:alert(1))';
    expect(errorOf(colour)).toMatch(/series\[2\]\.color must be a #rrggbb colour/);
    const config = valid();
    config.series[1].config = { headDim: 128, base: 10000, type: 'linear' };
    expect(errorOf(config)).toBe("series[1].config: type 'linear' needs factor");
    const tooMany = valid();
    tooMany.series = new Array(9).fill(tooMany.series[0]);
    expect(errorOf(tooMany)).toMatch(/1\.\.8 entries/);
  });

  it('measures the pair range on the focused series', () => {
    const small = valid();
    small.series[1].config = { headDim: 64, base: 10000, type: 'default' };
    expect(errorOf({ ...small, focus: 1, pair: 31 })).toBe('accepted');
    expect(errorOf({ ...small, focus: 1, pair: 32 })).toMatch(/series 1 has 32 pairs/);
  });

  it('keeps messages short when they quote a huge value', () => {
    const huge = valid();
    huge.series[0].config = { headDim: 128, base: 'x'.repeat(100_000), type: 'default' };
    const error = errorOf(huge);
    expect(error).toMatch(/^series\[0\]\.config: base must be a finite number > 1, got "x+…$/);
    expect(error.length).toBeLessThanOrEqual(300);
  });

  it('bounds the size of what it walks', () => {
    expect(errorOf({ ...valid(), contexts: new Array(2000).fill(4096) })).toMatch(/state\.contexts has 2000 entries/);
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = { a: deep };
    expect(errorOf({ ...valid(), granularity: deep })).toMatch(/nested too deeply/);
  });
});

describe('parseExperiment: the work of validation is bounded (structured clone carries more than JSON)', () => {
  const timed = (input: unknown) => {
    const start = performance.now();
    const error = errorOf(input);
    return { error, ms: performance.now() - start };
  };

  it('counts every visit of a shared reference', () => {
    // One array referenced 1024 times per level: a few kilobytes to post, 1024³ values to walk.
    let shared: unknown[] = [4096];
    for (let d = 0; d < 3; d++) shared = new Array(1024).fill(shared);
    const { error, ms } = timed({ ...valid(), contexts: shared });
    expect(error).toBe('state holds more than 20000 values (every visit counted, shared references included)');
    expect(ms).toBeLessThan(200);
  });

  it('refuses typed arrays, bigints and other non-JSON values by what they are', () => {
    const { error, ms } = timed({ ...valid(), contexts: new Float64Array(2.5 * 2 ** 20) });
    expect(error).toBe('state.contexts is a Float64Array of 20971520 bytes, not JSON data');
    expect(ms).toBeLessThan(200);
    expect(errorOf({ ...valid(), focus: 0n })).toBe('state.focus is a bigint, not JSON data');
    expect(errorOf({ ...valid(), granularity: new Map() })).toBe('state.granularity is a Map, not JSON data');
  });
});

describe('parseExperiment: arrays as structured clone delivers them', () => {
  it('refuses holes and undefined entries, which map() would skip and leave in the state', () => {
    const holes = Object.assign(new Array(2), { 0: 4096 });
    expect(errorOf({ ...valid(), contexts: holes })).toBe('state.contexts[1] is missing (a sparse array), not JSON data');
    expect(errorOf({ ...valid(), contexts: [4096, undefined] })).toBe('state.contexts[1] is undefined, not JSON data');
    const series = valid().series;
    expect(errorOf({ ...valid(), series: Object.assign(new Array(2), { 0: series[0] }) })).toBe(
      'state.series[1] is missing (a sparse array), not JSON data',
    );
  });

  it('refuses named properties on an array (an own constructor would break map())', () => {
    const series = Object.assign(valid().series, { constructor: 1 });
    expect(errorOf({ ...valid(), series })).toBe("state.series has a property 'constructor' besides its entries, not JSON data");
  });
});
