import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../src/state/defaults.ts';
import { serialiseExperiment } from '../../src/state/parseExperiment.ts';
import { decodeBase64Url, decodeExperimentFromSearch, encodeBase64Url, urlWithExperiment } from '../../src/state/urlCodec.ts';

// Node's Buffer is the independent reference for base64url (RFC 4648 §5, no padding).
const reference = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('base64url', () => {
  it.each(['', 'a', 'ab', 'abc', '{"v":1}', 'θ ×8 — 日本語 🎛️', '\u0000<>?/+'])('matches Buffer for %j and round-trips', (text) => {
    expect(encodeBase64Url(text)).toBe(reference(text));
    expect(decodeBase64Url(reference(text))).toBe(text);
  });

  it('refuses non-base64url text and invalid UTF-8', () => {
    expect(decodeBase64Url('ab+c')).toBeNull(); // standard alphabet, not url-safe
    expect(decodeBase64Url('abc=')).toBeNull(); // padding is not produced and not accepted
    expect(decodeBase64Url('abcde')).toBeNull(); // length ≡ 1 (mod 4) cannot encode bytes
    expect(decodeBase64Url(Buffer.from([0xff, 0xfe]).toString('base64url'))).toBeNull();
  });
});

describe('experiment in the URL', () => {
  const experiment = defaultExperiment();

  it('round-trips through urlWithExperiment and keeps page-mode parameters', () => {
    const url = new URL(urlWithExperiment('https://lab.example/path?embed=1&origin=https%3A%2F%2Fh.example&view=decay#x', experiment));
    expect(url.pathname).toBe('/path');
    expect(url.hash).toBe('#x');
    expect(url.searchParams.get('embed')).toBe('1');
    expect(url.searchParams.get('origin')).toBe('https://h.example');
    expect(url.searchParams.has('view')).toBe(false); // the view travels inside s
    expect(JSON.parse(Buffer.from(url.searchParams.get('s')!, 'base64url').toString())).toEqual(serialiseExperiment(experiment));
    const decoded = decodeExperimentFromSearch(url.search);
    expect(decoded).toEqual({ kind: 'ok', experiment });
  });

  it('lets a readable view parameter override the stored view', () => {
    const search = `?s=${reference(JSON.stringify(serialiseExperiment(experiment)))}&view=granularity`;
    const decoded = decodeExperimentFromSearch(search);
    expect(decoded.kind === 'ok' && decoded.experiment.view).toBe('granularity');
    expect(decodeExperimentFromSearch('?view=base')).toEqual({ kind: 'absent', view: 'base' });
    expect(decodeExperimentFromSearch('')).toEqual({ kind: 'absent', view: undefined });
  });

  it('names the problem of an unusable link', () => {
    const error = (search: string) => {
      const decoded = decodeExperimentFromSearch(search);
      return decoded.kind === 'invalid' ? decoded.error : `unexpectedly ${decoded.kind}`;
    };
    expect(error('?view=nope')).toMatch(/view must be one of spectrum, rotation, decay, base, granularity/);
    expect(error('?s=***')).toMatch(/not valid base64url/);
    expect(error(`?s=${reference('{"v":')}`)).toMatch(/not hold valid JSON/);
    expect(error(`?s=${'A'.repeat(32_769)}`)).toMatch(/32769 characters long/);
    expect(error(`?s=${reference('[1,2]')}`)).toMatch(/state must be an object/);
  });
});
