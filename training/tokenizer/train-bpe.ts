// A SentencePiece-style BPE trainer with byte fallback, producing a Llama 2 shaped vocabulary that the
// lab's SPM tokenizer (src/tokenizer/spm.ts, llama.cpp's algorithm) reads unchanged:
//   ids 0 <unk>, 1 <s>, 2 </s>; 3–258 <0x00>…<0xFF>; then the alphabet; then the merged pieces.
// Text is normalised the way that tokenizer sees a document: spaces become '▁' and one '▁' is put in
// front (the dummy prefix). Words are '▁' plus the non-space characters after it (or a line's first
// characters, or a run of newlines); merges never cross a word boundary, so no piece holds '▁' except
// at its start. The alphabet is the commonest characters covering `characterCoverage` of the text
// (SentencePiece's character_coverage); rarer characters are spelled as UTF-8 byte tokens.
// Merging is greedy by pair frequency over distinct words weighted by their counts, with pair counts
// updated incrementally (only the words holding the merged pair are revisited) and a lazy max-heap;
// ties go to the pair of lower ids (older pieces), so training is deterministic.
// Scores: merged piece k scores −k, the alphabet scores below every merge. The SPM tokenizer merges the
// adjacent pair whose concatenation scores highest, which replays the merges in training order.
import { Heap } from '../../src/tokenizer/heap.ts';

export const SPACE = '\u2581';
/** llama.cpp's token types (tokenizer.ggml.token_type). */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
export const SPECIAL_TOKENS = ['<unk>', '<s>', '</s>'] as const;
export const BOS_ID = 1;
export const FIRST_ALPHABET_ID = SPECIAL_TOKENS.length + 256;
/** Pair keys pack two ids into one number, and the data files store ids as uint16. */
const MAX_VOCAB = 1 << 16;

export interface BpeTrainingOptions {
  /** Total tokens including specials and byte tokens; default 4096. */
  vocabSize?: number;
  /** Share of the training characters the alphabet must cover; default 0.9995. */
  characterCoverage?: number;
}

export interface TrainedVocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  alphabetSize: number;
  /** The merges in training order; the merged piece is left + right. */
  merges: Array<{ left: string; right: string }>;
}

/** A document as the SPM tokenizer sees it: dummy prefix, spaces as '▁'. */
export function normalizeDocument(text: string): string {
  return SPACE + text.replaceAll(' ', SPACE);
}

const WORD = /\n+|\u2581[^\u2581\n]*|[^\u2581\n]+/g;

/** The words (merge domains) of a normalised document. */
export function splitWords(normalized: string): string[] {
  return normalized.match(WORD) ?? [];
}

export function byteTokenText(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Trains on `documents` (raw text, one string per document). */
export function trainBpe(documents: Iterable<string>, options: BpeTrainingOptions = {}): TrainedVocabulary {
  const { vocabSize = 4096, characterCoverage = 0.9995 } = options;
  if (!Number.isInteger(vocabSize) || vocabSize <= FIRST_ALPHABET_ID || vocabSize > MAX_VOCAB) {
    throw new RangeError(`vocabSize must be an integer in ${FIRST_ALPHABET_ID + 1}..${MAX_VOCAB}, got ${vocabSize}`);
  }
  if (!(characterCoverage > 0 && characterCoverage <= 1))
    throw new RangeError(`characterCoverage must be in (0, 1], got ${characterCoverage}`);

  const wordCounts = new Map<string, number>();
  for (const doc of documents) {
    for (const word of splitWords(normalizeDocument(doc))) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }

  const tokens: string[] = [...SPECIAL_TOKENS];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(byteTokenText(b));
    types.push(TOKEN_TYPE.byte);
  }
  const alphabet = chooseAlphabet(wordCounts, characterCoverage);
  if (FIRST_ALPHABET_ID + alphabet.length > vocabSize) {
    throw new RangeError(
      `vocabSize ${vocabSize} leaves no room for merges: the alphabet alone needs ${FIRST_ALPHABET_ID + alphabet.length} tokens`,
    );
  }
  for (const char of alphabet) {
    tokens.push(char);
    types.push(TOKEN_TYPE.normal);
  }
  const tokenToId = new Map(tokens.map((t, id) => [t, id]));
  const reservedIds = FIRST_ALPHABET_ID;

  // Each distinct word as symbol ids; a character outside the alphabet is -1 and never merges.
  const words: Int32Array[] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Int32Array.from(Array.from(word, (ch) => tokenToId.get(ch) ?? -1)));
    counts.push(count);
  }

  const pairCounts = new Map<number, number>();
  const wordsWithPair = new Map<number, Set<number>>();
  const changed = new Set<number>();
  const banned = new Set<number>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const symbols = words[w];
    for (let i = 1; i < symbols.length; i++) {
      const left = symbols[i - 1];
      const right = symbols[i];
      if (left < 0 || right < 0) continue;
      const key = left * MAX_VOCAB + right;
      if (banned.has(key)) continue;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * counts[w]);
      changed.add(key);
      if (sign > 0) {
        let holders = wordsWithPair.get(key);
        if (!holders) wordsWithPair.set(key, (holders = new Set()));
        holders.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  interface Entry {
    key: number;
    count: number;
  }
  const queue = new Heap<Entry>((a, b) => a.count > b.count || (a.count === b.count && a.key < b.key));
  const requeueChanged = () => {
    for (const key of changed) {
      const count = pairCounts.get(key)!;
      if (count > 0) queue.push({ key, count });
      else {
        pairCounts.delete(key);
        wordsWithPair.delete(key);
      }
    }
    changed.clear();
  };
  requeueChanged();

  const merges: TrainedVocabulary['merges'] = [];
  while (tokens.length < vocabSize) {
    const best = queue.pop();
    if (!best) break; // every word is a single piece: the text is too small for this vocabulary
    if (pairCounts.get(best.key) !== best.count) continue; // stale entry
    const left = Math.floor(best.key / MAX_VOCAB);
    const right = best.key % MAX_VOCAB;
    const piece = tokens[left] + tokens[right];
    let merged = tokenToId.get(piece);
    // The same text reached by another split is the same piece, as in SentencePiece; a text equal to a
    // special or byte token's name ('<s>' spelled out) may not become a normal piece.
    if (merged !== undefined && merged < reservedIds) {
      banned.add(best.key);
      pairCounts.delete(best.key);
      continue;
    }
    if (merged === undefined) {
      merged = tokens.length;
      tokens.push(piece);
      types.push(TOKEN_TYPE.normal);
      tokenToId.set(piece, merged);
    }
    merges.push({ left: tokens[left], right: tokens[right] });
    for (const w of wordsWithPair.get(best.key) ?? []) {
      const replaced = mergePair(words[w], left, right, merged);
      if (replaced === words[w]) continue; // the word lost the pair to an earlier merge
      addPairs(w, -1);
      words[w] = replaced;
      addPairs(w, 1);
    }
    requeueChanged();
  }

  const mergedCount = tokens.length - FIRST_ALPHABET_ID - alphabet.length;
  const scores = tokens.map((_, id) => {
    if (id < FIRST_ALPHABET_ID) return 0;
    const alphabetIndex = id - FIRST_ALPHABET_ID;
    // Written as 0 − k so that the first merge scores +0, not −0.
    return alphabetIndex < alphabet.length ? 0 - (mergedCount + alphabetIndex) : 0 - (alphabetIndex - alphabet.length);
  });
  return { tokens, scores, types, alphabetSize: alphabet.length, merges };
}

/** Characters by descending frequency (code point on ties) until they cover `coverage` of all characters. */
function chooseAlphabet(wordCounts: Map<string, number>, coverage: number): string[] {
  const charCounts = new Map<string, number>();
  let total = 0;
  for (const [word, count] of wordCounts) {
    for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
    total += [...word].length * count;
  }
  const ranked = [...charCounts].sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!);
  const alphabet: string[] = [];
  let covered = 0;
  for (const [ch, count] of ranked) {
    if (covered >= coverage * total) break;
    alphabet.push(ch);
    covered += count;
  }
  return alphabet;
}

/** `symbols` with every non-overlapping (left, right), scanned left to right, replaced by `merged`; the same array when none. */
function mergePair(symbols: Int32Array, left: number, right: number, merged: number): Int32Array {
  let out: number[] | null = null;
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out ??= Array.from(symbols.subarray(0, i));
      out.push(merged);
      i++;
    } else if (out) out.push(symbols[i]);
  }
  return out ? Int32Array.from(out) : symbols;
}

/**
 * Reference segmentation: the pieces of `text` when the trained merges are applied in training order
 * within each word (what the trainer itself did to the training words). Characters outside the
 * alphabet come out as single-character pieces, for the caller to spell as bytes.
 */
export function applyMerges(text: string, vocab: TrainedVocabulary): string[] {
  const rank = new Map(vocab.merges.map((m, r) => [m.left + '\u0000' + m.right, r]));
  const pieces: string[] = [];
  for (const word of splitWords(normalizeDocument(text))) {
    let symbols = Array.from(word);
    for (;;) {
      let bestRank = Infinity;
      for (let i = 1; i < symbols.length; i++) bestRank = Math.min(bestRank, rank.get(symbols[i - 1] + '\u0000' + symbols[i]) ?? Infinity);
      if (bestRank === Infinity) break;
      const { left, right } = vocab.merges[bestRank];
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(left + right);
          i++;
        } else next.push(symbols[i]);
      }
      symbols = next;
    }
    pieces.push(...symbols);
  }
  return pieces;
}
