// Data preparation for the lab's own small Llama models (training/train.py reads what this writes):
//   npx tsx training/prepare.ts --out training/work/data [--vocab 4096] [--max-docs N]
// 1. the built-in corpora (State of the Union addresses, Moby-Dick part by part), split by whole
//    documents into train and held-out (src/data/split.ts);
// 2. a BPE vocabulary trained on the training split only (tokenizer/train-bpe.ts) → tokenizer.gguf;
// 3. every document tokenized by the LAB's tokenizer read back from that file, so the ids the model
//    trains on are exactly the ids the lab feeds it later → train.bin, heldout.bin: little-endian
//    uint16 ids, each document opening with BOS;
// 4. data.json: the document list per split (id, title, tokens, offset), totals and sha256 per file.
// Deterministic: the same corpora and options give the same bytes (data.json's `seconds` aside).
// --max-docs keeps the first N documents of each split (quick runs, the determinism test).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, intOption, parseOptions } from '../src/cli/args.ts';
import { splitDocuments } from '../src/data/split.ts';
import type { BuiltinText } from '../src/data/texts.ts';
import { nodeBuiltinTexts, nodeMobyDickParts } from '../src/data/texts-node.ts';
import { readGGUF } from '../src/gguf/reader.ts';
import { bytesSource } from '../src/gguf/source.ts';
import { createTokenizer, type Tokenizer } from '../src/tokenizer/tokenizer.ts';
import { BOS_ID, trainBpe } from './tokenizer/train-bpe.ts';
import { vocabularyGGUF } from './tokenizer/vocab-gguf.ts';

interface Document {
  id: string;
  title: string;
  text: string;
}

interface SplitSummary {
  file: string;
  tokens: number;
  chars: number;
  documents: Array<{ id: string; title: string; tokens: number; offset: number }>;
}

async function main(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { out: { type: 'string' }, vocab: { type: 'string' }, 'max-docs': { type: 'string' } });
  if (!values.out) throw new CliError('missing required option --out (the data directory to write)');
  const vocabSize = intOption('vocab', values.vocab, 4096);
  if (vocabSize > 65536) throw new CliError(`--vocab must be at most 65536 (ids are stored as uint16), got ${vocabSize}`);
  const maxDocs = values['max-docs'] === undefined ? Infinity : intOption('max-docs', values['max-docs']);
  const started = performance.now();

  const split = splitDocuments(nodeBuiltinTexts(), nodeMobyDickParts());
  const train = await loadAll(split.train.slice(0, maxDocs));
  const heldOut = await loadAll(split.heldOut.slice(0, maxDocs));

  const trained = trainBpe(
    train.map((d) => d.text),
    { vocabSize },
  );
  const gguf = vocabularyGGUF(trained, `rope-lab sotu+moby-dick bpe ${trained.tokens.length}`);
  // Tokenize with the lab's reading of the file just written, not with the trainer's own bookkeeping.
  const tokenizer = createTokenizer((await readGGUF(bytesSource(gguf, 'tokenizer.gguf'))).metadata);

  mkdirSync(values.out, { recursive: true });
  const sha256: Record<string, string> = {};
  const write = (file: string, bytes: Uint8Array) => {
    writeFileSync(join(values.out!, file), bytes);
    sha256[file] = createHash('sha256').update(bytes).digest('hex');
  };
  write('tokenizer.gguf', gguf);
  const trainSummary = tokenizeSplit(train, tokenizer, 'train.bin', write);
  const heldOutSummary = tokenizeSplit(heldOut, tokenizer, 'heldout.bin', write);

  const totalTokens = trainSummary.tokens + heldOutSummary.tokens;
  const summary = {
    vocabSize: trained.tokens.length,
    alphabetSize: trained.alphabetSize,
    merges: trained.merges.length,
    bos: BOS_ID,
    dtype: 'uint16le',
    splits: { train: trainSummary, heldout: heldOutSummary },
    totalTokens,
    charsPerToken: (trainSummary.chars + heldOutSummary.chars) / totalTokens,
    sha256,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(join(values.out, 'data.json'), JSON.stringify(summary, null, 2) + '\n');
  const longHeldOut = heldOutSummary.documents.filter((d) => d.tokens >= 8192).length;
  process.stdout.write(
    `wrote ${values.out}: vocab ${summary.vocabSize} (alphabet ${summary.alphabetSize}), ` +
      `train ${trainSummary.tokens} tokens / ${trainSummary.documents.length} docs, ` +
      `held-out ${heldOutSummary.tokens} tokens / ${heldOutSummary.documents.length} docs (${longHeldOut} of ≥ 8192 tokens), ` +
      `${summary.charsPerToken.toFixed(3)} chars/token, ${summary.seconds.toFixed(1)} s\n`,
  );
}

async function loadAll(texts: BuiltinText[]): Promise<Document[]> {
  return Promise.all(texts.map(async (t) => ({ id: t.id, title: t.title, text: (await t.load()).trim() })));
}

function tokenizeSplit(
  docs: Document[],
  tokenizer: Tokenizer,
  file: string,
  write: (file: string, bytes: Uint8Array) => void,
): SplitSummary {
  const encoded = docs.map((d) => tokenizer.encode(d.text, { addBos: true }));
  const total = encoded.reduce((n, ids) => n + ids.length, 0);
  const bytes = new Uint8Array(2 * total);
  const view = new DataView(bytes.buffer);
  const documents: SplitSummary['documents'] = [];
  let offset = 0;
  encoded.forEach((ids, i) => {
    if (ids[0] !== BOS_ID) throw new Error(`${docs[i].id}: tokenized without BOS`);
    documents.push({ id: docs[i].id, title: docs[i].title, tokens: ids.length, offset });
    for (const id of ids) {
      view.setUint16(2 * offset, id, true);
      offset++;
    }
  });
  write(file, bytes);
  return { file, tokens: total, chars: docs.reduce((n, d) => n + d.text.length, 0), documents };
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`prepare: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
});
