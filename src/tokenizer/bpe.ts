// Byte-level BPE as llama.cpp's llm_tokenizer_bpe_session does it: pre-tokenize, spell each word in
// GPT-2 byte characters, then repeatedly merge the adjacent pair with the lowest merge rank
// (leftmost first on ties). Words repeat a lot in real text, so each word's ids are cached.
import { toByteLevel } from './byte-level.ts';
import { Heap } from './heap.ts';
import { preTokenizer } from './pretokenize.ts';
import type { Vocabulary } from './vocab.ts';

interface Bigram {
  left: number;
  right: number;
  rank: number;
  size: number;
}

const lowerRankFirst = (a: Bigram, b: Bigram) => a.rank < b.rank || (a.rank === b.rank && a.left < b.left);

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

    const queue = new Heap<Bigram>(lowerRankFirst);
    const addBigram = (left: number, right: number) => {
      if (left === -1 || right === -1) return;
      const rank = mergeRanks.get(word.substr(start[left], len[left]) + ' ' + word.substr(start[right], len[right]));
      if (rank !== undefined) queue.push({ left, right, rank, size: len[left] + len[right] });
    };
    for (let i = 1; i < n; i++) addBigram(i - 1, i);

    for (let bigram = queue.pop(); bigram; bigram = queue.pop()) {
      const { left, right } = bigram;
      // A stale entry: one side was merged into something else since it was queued.
      if (len[left] === 0 || len[right] === 0 || len[left] + len[right] !== bigram.size) continue;
      len[left] += len[right];
      len[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      addBigram(prev[left], left);
      addBigram(left, next[left]);
    }

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
