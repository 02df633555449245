// Keys named after Object.prototype members in every untrusted input (issue 19, item 1): a rope config in
// a `?s=` link or a `rope-lab:set`, probe options in a `?probe=` link or a `rope-lab:run`. Each is refused
// with a message naming the key; none throws, none is accepted.
import { describe, expect, it } from 'vitest';
import { MESSAGE, readIncoming } from '../../src/embed/protocol.ts';
import { parseProbeRequest } from '../../src/probes/request.ts';
import { validateRopeConfig } from '../../src/rope/validate.ts';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { parseExperiment, serialiseExperiment } from '../../src/state/parseExperiment.ts';
import { probeFromSearch } from '../../src/state/probeUrl.ts';
import { decodeExperimentFromSearch, encodeBase64Url } from '../../src/state/urlCodec.ts';

const PROTOTYPE_KEYS = [
  'hasOwnProperty',
  'valueOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
  'toString',
  'constructor',
  '__proto__',
];

/** `{...base, [key]: value}` as JSON.parse builds it: `__proto__` becomes an own key, as from a link or message. */
function withKey(base: object, key: string, value: unknown = 1): Record<string, unknown> {
  return JSON.parse(JSON.stringify(base).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`));
}

const ROPE = { headDim: 128, base: 10000, type: 'default' };
const PASSKEY = { lengths: [64], depths: [0.5], trials: 1, seed: 3 };

describe.each(PROTOTYPE_KEYS)('the key %s', (key) => {
  it('is an unknown rope config field', () => {
    const r = validateRopeConfig(withKey(ROPE, key));
    expect(r).toEqual({ ok: false, error: `unknown rope config field '${key}'` });
  });

  it('in a ?s= link is refused naming the key', () => {
    const state = serialiseExperiment(defaultExperiment()) as { series: Array<{ config: object }> };
    state.series[0].config = withKey(state.series[0].config, key);
    const decoded = decodeExperimentFromSearch(`?s=${encodeBase64Url(JSON.stringify(state))}`);
    expect(decoded.kind).toBe('invalid');
    expect(decoded.kind === 'invalid' && decoded.error).toMatch(new RegExp(`series\\[0\\]\\.config.*'${key.replace(/\$/g, '\\$')}'`));
  });

  it('in a rope-lab:set state is refused naming the key', () => {
    const state = serialiseExperiment(defaultExperiment()) as { series: Array<{ config: object }> };
    state.series[1].config = withKey(state.series[1].config, key);
    const parsed = parseExperiment(state);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(`'${key}'`);
  });

  it('in probe options (a ?probe= link, a rope-lab:run) is not an option of the probe', () => {
    expect(parseProbeRequest('passkey', withKey(PASSKEY, key))).toEqual({
      ok: false,
      error: `options.${key} is not an option of this probe`,
    });
    const link = encodeBase64Url(JSON.stringify({ probe: 'passkey', options: withKey(PASSKEY, key) }));
    expect(probeFromSearch(`?probe=${link}`)).toEqual({
      kind: 'invalid',
      error: `the probe parameter is not a valid probe: options.${key} is not an option of this probe`,
    });
    expect(readIncoming({ type: MESSAGE.run, probe: 'passkey', options: withKey(PASSKEY, key) })).toEqual({
      error: `invalid probe: options.${key} is not an option of this probe`,
      request: MESSAGE.run,
    });
  });

  it('in a variant or its rope is refused naming the key', () => {
    const variant = withKey({ label: 'x', rope: null }, key);
    expect(parseProbeRequest('passkey', { ...PASSKEY, variants: [variant] })).toEqual({
      ok: false,
      error: `options.variants[0].${key} is not a variant field`,
    });
    const rope = parseProbeRequest('passkey', { ...PASSKEY, variants: [{ label: 'x', rope: withKey(ROPE, key) }] });
    expect(rope).toEqual({ ok: false, error: `options.variants[0].rope unknown rope config field '${key}'` });
  });
});

describe('messages about untrusted keys and values', () => {
  it('quote a key on one line, shortened', () => {
    const r = validateRopeConfig(withKey(ROPE, `a\nb\u2028${'c'.repeat(100)}`));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^unknown rope config field '"a\\nb\\u2028c+…'$/);
  });

  it('quote values that JSON cannot write without throwing (bigint, cycles)', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(validateRopeConfig({ ...ROPE, base: cycle })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^base must be a finite number > 1, got \[\[\[\[.*…$/),
    });
    expect(parseProbeRequest('passkey', { ...PASSKEY, trials: cycle })).toEqual({
      ok: false,
      error: 'options.trials[0][0][0][0][0] is nested too deeply (at most 6 levels)',
    });
    expect(parseProbeRequest('passkey', { ...PASSKEY, trials: 3n })).toEqual({
      ok: false,
      error: 'options.trials is a bigint, not JSON data',
    });
    expect(validateRopeConfig({ ...ROPE, base: 10n })).toEqual({ ok: false, error: 'base must be a finite number > 1, got (a bigint)' });
    expect(parseExperiment({ ...serialiseExperiment(defaultExperiment()), v: 1n })).toEqual({
      ok: false,
      error: 'state.v is a bigint, not JSON data',
    });
  });
});

describe('probe options as structured clone delivers them', () => {
  it('refuses holes in a list, which forEach would skip', () => {
    const lengths = Object.assign(new Array(2), { 0: 64 });
    expect(parseProbeRequest('passkey', { ...PASSKEY, lengths })).toEqual({
      ok: false,
      error: 'options.lengths[1] is missing (a sparse array), not JSON data',
    });
  });

  it('refuses named properties on a list (an own constructor would break map())', () => {
    const variants = Object.assign([{ label: 'own', rope: null }], { constructor: 1 });
    expect(parseProbeRequest('passkey', { ...PASSKEY, variants })).toEqual({
      ok: false,
      error: "options.variants has a property 'constructor' besides its entries, not JSON data",
    });
  });
});
