import { describe, expect, it } from 'vitest';
import { mapTicks, shownToken, TOKEN_LABEL_LIMIT } from '../../../../src/ui/probes/charts/attentionMapAxes.ts';

describe('attention map axis labels', () => {
  it('short inputs: every token, in order, with whitespace made visible', () => {
    expect(mapTicks(3, ['<s>', ' Once', '\n'])).toEqual([
      { index: 0, text: '<s>' },
      { index: 1, text: '·Once' },
      { index: 2, text: '↵' },
    ]);
  });

  it('longer inputs: position ticks at round numbers within 0 … n − 1', () => {
    const tokens = Array.from({ length: TOKEN_LABEL_LIMIT + 1 }, () => 'x');
    expect(mapTicks(TOKEN_LABEL_LIMIT + 1, tokens).map((t) => t.text)).toEqual(['0', '5', '10', '15', '20', '25', '30']);
    expect(mapTicks(2048).map((t) => t.index)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
    // no token texts (an old result): ticks even for a short input
    expect(mapTicks(4).map((t) => t.index)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3].filter(Number.isInteger));
  });

  it('long pieces are cut to 10 characters; a piece that decodes to nothing (BOS) shows ∅', () => {
    expect(shownToken('')).toBe('∅');
    expect(shownToken('abcdefghijkl')).toBe('abcdefghi…');
    expect(shownToken('abcdefghij')).toBe('abcdefghij');
  });
});
