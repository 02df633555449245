// Byte-level BPE as llama.cpp's llm_tokenizer_bpe_session does it: pre-tokenize, spell each word in
// GPT-2 byte characters, then repeatedly merge the adjacent pair with the lowest merge rank
// (leftmost first on ties). Words repeat a lot in real text, so each word's ids are cached.
import { toByteLevel } from './byte-level.ts';
import { mergeSymbols } from './merge.ts';
import { preTokenizer } from './pretokenize.ts';
import type { Vocabulary } from './vocab.ts';

const MAX_CACHED_WORD = 256;

export class BpeEncoder {
  private readonly split: (text: string) => string[];
  private readonly cache = new Map<string, number[]>();

  constructor(private readonly vocab: Vocabulary) {
    this.split = preTokenizer(vocab.pre);
  }

  /** Appends the ids of `text` (no special tokens in it) to `out`. */
  encode(text: string, out: number[]): void {
    for (const word of this.split(text)) {
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.encodeWord(toByteLevel(word));
        // Long words are rarely repeated; keeping them would only grow the cache.
        if (word.length <= MAX_CACHED_WORD) this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  private encodeWord(word: string): number[] {
    const { tokenToId, mergeRanks, ignoreMerges } = this.vocab;
    if (ignoreMerges) {
      const whole = tokenToId.get(word);
      if (whole !== undefined) return [whole];
    }

    // Byte-level characters are all in the BMP, so each UTF-16 unit is one starting symbol.
    const n = word.length;
    const start = new Int32Array(n);
    const len = new Int32Array(n).fill(1);
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      start[i] = i;
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }

    // Lower rank merges first: priority is minus the rank.
    mergeSymbols({ start, len, prev, next }, n, (left, right) => {
      const rank = mergeRanks.get(word.substr(start[left], len[left]) + ' ' + word.substr(start[right], len[right]));
      return rank === undefined ? undefined : -rank;
    });

    const ids: number[] = [];
    for (let i = 0; i !== -1; i = next[i]) {
      const piece = word.substr(start[i], len[i]);
      const id = tokenToId.get(piece);
      if (id !== undefined) {
        ids.push(id);
        continue;
      }
      // A merge produced text that is no token (a broken vocabulary): fall back to single bytes,
      // skipping any the vocabulary lacks, as llama.cpp does.
      for (const ch of piece) {
        const byteId = tokenToId.get(ch);
        if (byteId !== undefined) ids.push(byteId);
      }
    }
    return ids;
  }
}
