// The train / held-out split of the built-in texts for the lab's own small models, by whole documents
// so no held-out sentence was ever seen in training. Held out: every tenth State of the Union address
// in year order (catalog index % 10 === 9, spread over 230 years of style), and Moby-Dick's last ten
// chapters with the epilogue (the chase, a long stretch of one narrative). Everything else trains.
// Deterministic: it depends only on the catalog's order, which is fixed by the file names.
import { findText, type BuiltinText } from './texts.ts';

/** Moby-Dick's parts from this chapter on (and the epilogue) are held out. */
export const FIRST_HELD_OUT_CHAPTER = 126;
/** `--text heldout` on the CLI stands for the held-out addresses. */
export const HELD_OUT_ALIAS = 'heldout';

function isHeldOutSotuIndex(index: number): boolean {
  return index % 10 === 9;
}

/** Ids of the held-out State of the Union addresses, in year order (from the catalog, builtinTexts). */
export function heldOutTextIds(catalog: readonly BuiltinText[]): string[] {
  return catalog
    .filter((t) => t.corpus === 'sotu')
    .filter((_, i) => isHeldOutSotuIndex(i))
    .map((t) => t.id);
}

/** Whether a Moby-Dick part id (mobyDickParts: 'moby-dick-chapter-130', 'moby-dick-epilogue') is held out. */
export function isHeldOutMobyDickPart(id: string): boolean {
  if (id === 'moby-dick-epilogue') return true;
  const chapter = /^moby-dick-chapter-(\d+)$/.exec(id);
  return chapter !== null && Number(chapter[1]) >= FIRST_HELD_OUT_CHAPTER;
}

/** Whether a document id, of the catalog's addresses or of the novel's parts, is held out. */
export function isHeldOut(id: string, catalog: readonly BuiltinText[]): boolean {
  return id.startsWith('moby-dick-') ? isHeldOutMobyDickPart(id) : heldOutTextIds(catalog).includes(id);
}

export interface DocumentSplit {
  train: BuiltinText[];
  heldOut: BuiltinText[];
}

/**
 * The training and held-out documents: every address of the catalog, and the novel part by part
 * (`parts` from mobyDickParts; the catalog's whole-novel text is left out, its parts stand for it).
 * Order: addresses in year order, then the novel in reading order.
 */
export function splitDocuments(catalog: readonly BuiltinText[], parts: readonly BuiltinText[]): DocumentSplit {
  const heldOutSotu = new Set(heldOutTextIds(catalog));
  const split: DocumentSplit = { train: [], heldOut: [] };
  for (const text of catalog) {
    if (text.corpus === 'sotu') (heldOutSotu.has(text.id) ? split.heldOut : split.train).push(text);
  }
  for (const part of parts) (isHeldOutMobyDickPart(part.id) ? split.heldOut : split.train).push(part);
  return split;
}

/** `--text` ids with the alias 'heldout' expanded to the held-out addresses. */
export function expandTextIds(ids: readonly string[], catalog: readonly BuiltinText[]): string[] {
  return ids.flatMap((id) => (id === HELD_OUT_ALIAS ? heldOutTextIds(catalog) : [id]));
}

/**
 * Text id of the held-out addresses as one document, in year order (≈ 207K SmolLM2 tokens): the long
 * held-out text that contexts of 16K–32K need, since no single address is longer than ~18K tokens.
 */
export const HELD_OUT_DOCUMENT = 'sotu-heldout-all';

/** The held-out addresses joined by blank lines, as one text. */
export function heldOutDocument(catalog: readonly BuiltinText[]): BuiltinText {
  const ids = heldOutTextIds(catalog);
  const parts = ids.map((id) => catalog.find((t) => t.id === id)!);
  return {
    id: HELD_OUT_DOCUMENT,
    title: `The ${parts.length} held-out State of the Union addresses, ${parts[0]?.year}–${parts.at(-1)?.year}, as one text`,
    year: parts.at(-1)?.year ?? 0,
    corpus: 'sotu',
    load: async () => (await Promise.all(parts.map((t) => t.load()))).map((t) => t.trim()).join('\n\n'),
  };
}

/** A probe text by id: a catalog text, or the held-out document. */
export function findProbeText(catalog: readonly BuiltinText[], id: string): BuiltinText {
  return id === HELD_OUT_DOCUMENT ? heldOutDocument(catalog) : findText(catalog, id);
}
