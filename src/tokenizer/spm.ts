// SentencePiece-style tokenization as llama.cpp's llm_tokenizer_spm_session does it: start from
// single characters, repeatedly merge the adjacent pair whose concatenation is the vocabulary token
// with the highest score (leftmost first on ties), then emit each symbol as its token or, when the
// symbol is no token at all, as one <0xXX> byte token per UTF-8 byte ("byte fallback").
import { mergeSymbols } from './merge.ts';
import { TokenizerError, type Vocabulary } from './vocab.ts';

const utf8 = new TextEncoder();

/** Byte value → id of its byte token (<0xXX>, or the single ASCII character), -1 where the vocabulary has none. */
export function byteTokenTable(vocab: Vocabulary): Int32Array {
  const table = new Int32Array(256).fill(-1);
  for (let b = 0; b < 256; b++) {
    const hex = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    const id = vocab.tokenToId.get(hex) ?? (b < 0x80 ? vocab.tokenToId.get(String.fromCharCode(b)) : undefined);
    if (id !== undefined) table[b] = id;
  }
  return table;
}

/** Tokenizes `text` (spaces already replaced by '▁') and appends the ids to `out`. */
export function tokenizeSpm(text: string, vocab: Vocabulary, byteTokens: Int32Array, out: number[]): void {
  // Symbols are code points, held as a doubly linked list over offsets into `text`.
  const capacity = text.length;
  const start = new Int32Array(capacity);
  const len = new Int32Array(capacity);
  const prev = new Int32Array(capacity);
  const next = new Int32Array(capacity);
  let count = 0;
  for (let offset = 0; offset < text.length;) {
    const width = text.codePointAt(offset)! > 0xffff ? 2 : 1;
    start[count] = offset;
    len[count] = width;
    prev[count] = count - 1;
    offset += width;
    next[count] = offset === text.length ? -1 : count + 1;
    count++;
  }
  if (count === 0) return;

  mergeSymbols({ start, len, prev, next }, count, (left, right) => {
    const id = vocab.tokenToId.get(text.substr(start[left], len[left] + len[right]));
    return id === undefined ? undefined : vocab.scores[id];
  });

  for (let i = 0; i !== -1; i = next[i]) {
    const piece = text.substr(start[i], len[i]);
    const id = vocab.tokenToId.get(piece);
    if (id !== undefined) {
      out.push(id);
      continue;
    }
    // Merged symbols are always tokens, so only a single unknown character gets here.
    for (const byte of utf8.encode(piece)) {
      const byteId = byteTokens[byte];
      if (byteId < 0) {
        throw new TokenizerError(
          `cannot encode '${piece}': the vocabulary has no byte token <0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`,
        );
      }
      out.push(byteId);
    }
  }
}
