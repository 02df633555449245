// What the attention map's axes are labelled with: every token's text while there is room for it,
// position ticks at round numbers beyond that. Kept apart from the canvas so it can be tested.
import { ticks } from 'd3';

/** Up to this many tokens, every token is labelled with its text (10 px labels on a 320 px side). */
export const TOKEN_LABEL_LIMIT = 32;

export interface MapTick {
  index: number;
  text: string;
}

export function mapTicks(n: number, tokens?: string[]): MapTick[] {
  if (tokens && n <= TOKEN_LABEL_LIMIT) return tokens.slice(0, n).map((t, index) => ({ index, text: shownToken(t) }));
  return ticks(0, n - 1, 8)
    .filter((i) => Number.isInteger(i))
    .map((index) => ({ index, text: String(index) }));
}

/** A token's text made visible in a short label: whitespace shown as symbols, long pieces cut, ∅ for none. */
export function shownToken(text: string): string {
  if (text === '') return '∅';
  const visible = text.replace(/ /g, '·').replace(/\n/g, '↵').replace(/\t/g, '→');
  return visible.length > 10 ? `${visible.slice(0, 9)}…` : visible;
}
