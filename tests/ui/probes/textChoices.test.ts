import { describe, expect, it } from 'vitest';
import { HELD_OUT_DOCUMENT, heldOutTextIds } from '../../../src/data/split.ts';
import { nodeBuiltinTexts } from '../../../src/data/texts-node.ts';
import { defaultTextId, textChoices, TRAINED_ON_MARK } from '../../../src/ui/probes/textChoices.ts';

const catalog = nodeBuiltinTexts();
const choices = textChoices(catalog);
const heldOut = new Set(heldOutTextIds(catalog));

describe('the probe form’s texts', () => {
  it('opens on a held-out text: the newest held-out address', () => {
    const id = defaultTextId(choices);
    expect(heldOut.has(id)).toBe(true);
    expect(id).toBe(heldOutTextIds(catalog).at(-1));
  });

  it('lists the held-out texts first (and all of them as one text), then marks every text the models trained on', () => {
    const firstTrained = choices.findIndex((c) => c.trainedOn !== false);
    expect(choices.slice(0, firstTrained).map((c) => c.id)).toEqual([...[...heldOut].reverse(), HELD_OUT_DOCUMENT]);
    for (const c of choices.slice(firstTrained)) {
      expect(heldOut.has(c.id)).toBe(false);
      expect(c.title).toMatch(/\(trained on/);
    }
    for (const c of choices.slice(0, firstTrained)) expect(c.title).not.toContain('trained on');
    expect(choices.find((c) => c.id === 'sotu-2016-barack-obama')?.title).toBe(`State of the Union 2016, Barack Obama ${TRAINED_ON_MARK}`);
    expect(choices.find((c) => c.id === 'moby-dick')?.trainedOn).toBe('partly');
    expect(choices).toHaveLength(catalog.length + 1);
  });
});
