import { describe, expect, it } from 'vitest';
import type { ProbeRequest } from '../../src/probes/index.ts';
import { encodeProbeParam, hrefWithProbe, probeFromSearch } from '../../src/state/probeUrl.ts';
import { encodeBase64Url } from '../../src/state/urlCodec.ts';

const request: ProbeRequest = {
  probe: 'loss-by-position',
  texts: ['sotu-1790-george-washington'],
  ctx: 256,
  variants: [{ label: 'own', rope: null }],
};

describe('probe URL parameter', () => {
  it('round-trips a request through the address, keeping the other parameters', () => {
    const href = hrefWithProbe('https://lab.example/?s=abc&model=https%3A%2F%2Fm.example%2Fa.gguf', request);
    const url = new URL(href);
    expect(url.searchParams.get('s')).toBe('abc');
    expect(url.searchParams.get('model')).toBe('https://m.example/a.gguf');
    expect(probeFromSearch(url.search)).toEqual({ kind: 'ok', request });
    expect(new URL(hrefWithProbe(href, null)).searchParams.has('probe')).toBe(false);
  });

  it('is absent without the parameter', () => {
    expect(probeFromSearch('?s=abc')).toEqual({ kind: 'absent' });
  });

  it('names what is wrong with a bad parameter', () => {
    expect(probeFromSearch('?probe=%%%')).toEqual({ kind: 'invalid', error: 'the probe parameter is not valid base64url-encoded UTF-8' });
    expect(probeFromSearch(`?probe=${encodeBase64Url('{not json')}`)).toEqual({
      kind: 'invalid',
      error: 'the probe parameter does not hold valid JSON',
    });
    const badDepth = encodeBase64Url(JSON.stringify({ probe: 'passkey', options: { lengths: [64], depths: [2], trials: 1, seed: 1 } }));
    expect(probeFromSearch(`?probe=${badDepth}`)).toEqual({
      kind: 'invalid',
      error: 'the probe parameter is not a valid probe: options.depths[0] must be a number in [0, 1], got 2',
    });
    expect(probeFromSearch(`?probe=${'A'.repeat(20_000)}`).kind).toBe('invalid');
  });

  it('encodes {probe, options} as parseProbeRequest reads it', () => {
    const decoded = JSON.parse(atob(encodeProbeParam(request).replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    expect(decoded).toEqual({
      probe: 'loss-by-position',
      options: { texts: ['sotu-1790-george-washington'], ctx: 256, variants: [{ label: 'own', rope: null }] },
    });
  });
});
