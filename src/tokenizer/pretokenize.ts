// Pre-tokenization for byte-level BPE: the text is cut into "words" by a regex before merging, so
// merges never cross word boundaries. Patterns are llama.cpp's (llm_tokenizer_bpe) for the
// pre-tokenizer names we support. `\s` is spelled \p{White_Space}: llama.cpp's whitespace table was
// generated from Python's `regex` \s, which is exactly that property (JS's own `\s` adds U+FEFF and
// misses U+0085, so transformers.js splits differently around those two characters).
import { isGpt2Pre, isLlama3Pre } from './vocab.ts';

const WS = '\\p{White_Space}';
const NOT_WS = '\\P{White_Space}';

// Llama 3's "(?i:'s|'t|...)" expanded by hand, as llama.cpp does: JS has no inline flag groups in
// older engines, and a whole-regex `i` flag would also fold letters such as 'ſ' into 's'.
const LLAMA3 =
  `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}` +
  `| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|${WS}*[\\r\\n]+|${WS}+(?!${NOT_WS})|${WS}+`;

// GPT-2's pattern; llama.cpp's hand-written scanner for it also takes a lone run of whitespace (`\s+`).
const GPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${WS}+(?!${NOT_WS})|${WS}+`;

// llama.cpp's fallback for an unnamed pre-tokenizer: four patterns applied one after another, each
// splitting the pieces the previous one produced.
const DEFAULT = ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'];

/** Returns a function that cuts text into pre-tokens for the named pre-tokenizer. */
export function preTokenizer(pre: string): (text: string) => string[] {
  const patterns = isLlama3Pre(pre) ? [LLAMA3] : isGpt2Pre(pre) ? [GPT2] : DEFAULT;
  const regexes = patterns.map((p) => new RegExp(p, 'gu'));
  return (text) => regexes.reduce<string[]>((pieces, re) => pieces.flatMap((piece) => splitKeepingGaps(piece, re)), [text]);
}

/** The regex's matches in `text`, with any unmatched stretches between them kept as pieces too. */
function splitKeepingGaps(text: string, re: RegExp): string[] {
  const pieces: string[] = [];
  let end = 0;
  for (const match of text.matchAll(re)) {
    if (match.index > end) pieces.push(text.slice(end, match.index));
    pieces.push(match[0]);
    end = match.index + match[0].length;
  }
  if (end < text.length) pieces.push(text.slice(end));
  return pieces;
}
