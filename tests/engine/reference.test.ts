// The CPU reference forward pass against the independent numpy reference (stories260K, fp32): the
// 64 greedy ids from BOS and the 512 logits at position 0.
import { describe, expect, it } from 'vitest';
import { ReferenceModel, argmax, loadReferenceWeights } from '../../src/engine/reference.ts';
import { greedyReference, maxAbsDiff, openStories } from '../helpers/engine-helpers.ts';
import { requireTestFiles, STORIES_GGUF, STORIES_GREEDY_REF } from '../helpers/shared.ts';

const haveModels = requireTestFiles('CPU reference on stories260K', STORIES_GGUF, STORIES_GREEDY_REF);

describe.skipIf(!haveModels)('CPU reference on stories260K', () => {
  it('reproduces the numpy greedy ids and position-0 logits', async () => {
    const ref = greedyReference();
    const model = new ReferenceModel(await loadReferenceWeights(await openStories('stories260K.gguf')), 128);
    expect(model.config).toMatchObject({ dim: 64, layers: 5, heads: 8, kvHeads: 4, ffnDim: 172, vocabSize: 512 });
    let token = 1;
    const ids: number[] = [];
    for (let pos = 0; pos < ref.greedy_ids.length; pos++) {
      const logits = model.forward(token, pos);
      if (pos === 0) {
        const { err, scale } = maxAbsDiff(logits, ref.logits_pos0_after_bos);
        expect(err).toBeLessThanOrEqual(1e-4 * scale);
      }
      token = argmax(logits);
      ids.push(token);
    }
    expect(ids).toEqual(ref.greedy_ids);
  });
});
