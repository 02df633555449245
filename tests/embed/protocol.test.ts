import { describe, expect, it } from 'vitest';
import { MESSAGE, readIncoming } from '../../src/embed/protocol.ts';

describe('rope-lab:run', () => {
  it('reads a probe request, with the defaults parseProbeRequest fills in', () => {
    const message = readIncoming({ type: MESSAGE.run, probe: 'passkey', options: { lengths: [64], depths: [0.5], trials: 1, seed: 3 } });
    expect(message).toEqual({
      type: MESSAGE.run,
      request: { probe: 'passkey', lengths: [64], depths: [0.5], trials: 1, seed: 3, variants: [{ label: 'own', rope: null }] },
      text: undefined,
    });
  });

  it('names the first problem of a bad request', () => {
    expect(readIncoming({ type: MESSAGE.run, probe: 'loss-by-position', options: { texts: ['user'], ctx: 1 } })).toEqual({
      error: 'invalid probe: options.ctx must be an integer ≥ 2, got 1',
      request: MESSAGE.run,
    });
    expect(readIncoming({ type: MESSAGE.run, probe: 'gossip', options: {} })).toEqual({
      error: 'invalid probe: probe must be one of loss-by-position, perplexity, attention-distance, passkey, first-sentence, got "gossip"',
      request: MESSAGE.run,
    });
    expect(readIncoming({ type: MESSAGE.run, probe: 'loss-by-position', options: { texts: ['user'], ctx: 64 }, text: 42 })).toMatchObject({
      error: 'rope-lab:run text must be a string of at most 4000000 characters',
    });
  });
});
