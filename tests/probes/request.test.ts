// Probe requests from untrusted data (embed messages, URLs): accepted shapes, every rejection naming its
// path, and a request run end to end on the CPU reference.
import { describe, expect, it } from 'vitest';
import { parseProbeRequest, runProbeRequest, type ProbeRequest } from '../../src/probes/request.ts';
import { loadStories, referenceContext, tinyStories } from '../helpers/probes-helpers.ts';
import { requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';

const haveStories = requireTestFiles('runProbeRequest on stories260K', STORIES_GGUF, TINYSTORIES_TEXT);

const ROPE = { headDim: 128, base: 10000, type: 'default' };

describe('parseProbeRequest', () => {
  it('accepts each probe and defaults the variants to the own RoPE', () => {
    const ok = (probe: string, options: object) => {
      const r = parseProbeRequest(probe, options);
      if (!r.ok) throw new Error(r.error);
      return r.request;
    };
    expect(ok('loss-by-position', { texts: ['sotu-1790-george-washington'], ctx: 2048 }).variants).toEqual([{ label: 'own', rope: null }]);
    expect(ok('perplexity', { text: 'moby-dick', method: 'sliding', contexts: [512, 1024], stride: 256 })).toMatchObject({
      probe: 'perplexity',
      stride: 256,
    });
    expect(ok('attention-distance', { text: 'user', ctx: 512, mapOf: { layer: 2, head: 3 } }).probe).toBe('attention-distance');
    const passkey = ok('passkey', {
      lengths: [1024],
      depths: [0, 0.5, 1],
      trials: 3,
      seed: 42,
      variants: [
        { label: 'own', rope: null },
        { label: 'ABF', rope: { ...ROPE, base: 500000 } },
      ],
    });
    expect(passkey.variants[1].rope).toMatchObject({ base: 500000, type: 'default' });
    expect(ok('first-sentence', { texts: ['moby-dick'], lengths: [256], trials: 1, seed: -7 }).probe).toBe('first-sentence');
  });

  it.each([
    ['bogus', {}, /^probe must be one of loss-by-position, perplexity/],
    ['passkey', [], /^options must be an object/],
    ['passkey', { lengths: [1024], depths: [0.5], trials: 1 }, /^options\.seed is required/],
    ['passkey', { lengths: [1024], depths: [0, 1.5], trials: 1, seed: 1 }, /^options\.depths\[1\] must be a number in \[0, 1\], got 1\.5/],
    ['passkey', { lengths: [], depths: [0], trials: 1, seed: 1 }, /^options\.lengths must be a list of 1 to 64 items/],
    ['passkey', { lengths: [8], depths: [0], trials: 1, seed: 1.5 }, /^options\.seed must be a 32-bit integer/],
    ['passkey', { lengths: [8], depths: [0], trials: 1, seed: 1, ctx: 5 }, /^options\.ctx is not an option of this probe/],
    ['loss-by-position', { texts: ['../etc/passwd'], ctx: 64 }, /^options\.texts\[0\] must be a text id/],
    ['loss-by-position', { texts: ['user'], ctx: 1 }, /^options\.ctx must be an integer ≥ 2/],
    ['perplexity', { text: 'user', method: 'strided', contexts: [64] }, /^options\.method must be one of chunked, sliding/],
    ['attention-distance', { text: 'user', ctx: 64, mapOf: { layer: 1 } }, /^options\.mapOf\.head is required/],
    [
      'loss-by-position',
      { texts: ['user'], ctx: 64, variants: [{ label: 'x', rope: { ...ROPE, base: 0.5 } }] },
      /^options\.variants\[0\]\.rope base must be a finite number > 1/,
    ],
    [
      'loss-by-position',
      { texts: ['user'], ctx: 64, variants: [{ label: '', rope: null }] },
      /^options\.variants\[0\]\.label must be a string/,
    ],
    [
      'loss-by-position',
      { texts: ['user'], ctx: 64, variants: [{ label: 'a', rope: null, colour: 'red' }] },
      /^options\.variants\[0\]\.colour is not a variant field/,
    ],
  ])('%s %j is refused', (probe, options, message) => {
    const r = parseProbeRequest(probe, options);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe.skipIf(!haveStories)('runProbeRequest on stories260K', () => {
  it('runs a parsed request with texts loaded by id', async () => {
    const { weights, tokenizer } = await loadStories();
    const parsed = parseProbeRequest('loss-by-position', { texts: ['user'], ctx: 64, binsPerOctave: 1 });
    expect(parsed.ok).toBe(true);
    const loaded: string[] = [];
    const result = await runProbeRequest(
      referenceContext(weights, tokenizer),
      (parsed as { request: ProbeRequest }).request,
      async (id) => {
        loaded.push(id);
        return tinyStories().slice(0, 1000);
      },
    );
    expect(loaded).toEqual(['user']);
    expect(result.provenance).toMatchObject({
      probe: 'loss-by-position',
      texts: [{ id: 'user', tokens: 64 }],
      options: { ctx: 64, binsPerOctave: 1 },
    });
  });
});
