import { describe, expect, it } from 'vitest';
import type { ProbeRequest } from '../../src/probes/index.ts';
import { contextNeeded } from '../../src/worker/probe-protocol.ts';

const variants = [{ label: 'own', rope: null }];

describe('contextNeeded', () => {
  it('is the longest input, plus the answer for the generation probes', () => {
    const cases: Array<[ProbeRequest, number]> = [
      [{ probe: 'loss-by-position', texts: ['a'], ctx: 2048, variants }, 2048],
      [{ probe: 'attention-distance', text: 'a', ctx: 300, variants }, 300],
      [{ probe: 'perplexity', text: 'a', method: 'chunked', contexts: [128, 1024, 512], variants }, 1024],
      [{ probe: 'passkey', lengths: [256, 1024], depths: [0], trials: 1, seed: 1, variants }, 1032],
      [{ probe: 'passkey', lengths: [256], depths: [0], trials: 1, seed: 1, maxTokens: 20, variants }, 276],
      [{ probe: 'first-sentence', texts: ['a'], lengths: [512], trials: 1, seed: 1, variants }, 768],
    ];
    for (const [request, needed] of cases) expect(contextNeeded(request), request.probe).toBe(needed);
  });
});
