// Pre-tokenization for byte-level BPE: the text is cut into "words" by regexes before merging, so
// merges never cross word boundaries. Names and patterns are llama.cpp's (llama_vocab::impl::load
// and llm_tokenizer_bpe) for the Llama-family pre-tokenizers we support.
//
// `\s` is spelled \p{White_Space}: llama.cpp's whitespace table was generated from Python's `regex`
// \s, which is exactly that property (JS's own `\s` adds U+FEFF and misses U+0085, so transformers.js
// splits differently around those two characters).

const WS = '\\p{White_Space}';
const NOT_WS = '\\P{White_Space}';

// Llama 3's "(?i:'s|'t|...)" expanded by hand, as llama.cpp does: JS has no inline flag groups in
// older engines, and a whole-regex `i` flag would also fold letters such as 'ſ' into 's'.
const LLAMA3 =
  `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}` +
  `| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*|${WS}*[\\r\\n]+|${WS}+(?!${NOT_WS})|${WS}+`;

// GPT-2's pattern; llama.cpp's hand-written scanner for it also takes a lone run of whitespace (`\s+`).
const GPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${WS}+(?!${NOT_WS})|${WS}+`;

export interface PreTokenizerKind {
  /** Applied one after another, each splitting the pieces the previous one produced. */
  patterns: string[];
  /** A pre-token that is itself a token skips the merges (HF "ignore_merges"). */
  ignoreMerges: boolean;
  /** llama.cpp's add_bos default for this kind, before tokenizer.ggml.add_bos_token overrides it. */
  addBos: boolean;
}

const KINDS: [names: string[], kind: PreTokenizerKind][] = [
  [['llama3', 'llama-v3', 'llama-bpe', 'falcon3', 'pixtral'], { patterns: [LLAMA3], ignoreMerges: true, addBos: true }],
  [['gpt-2', 'gpt2', 'phi-2', 'mpt', 'olmo'], { patterns: [GPT2], ignoreMerges: false, addBos: false }],
  // Single digits first, then GPT-2 (SmolLM, StarCoder and relatives).
  [['smollm', 'starcoder', 'refact', 'codeshell'], { patterns: ['\\p{N}', GPT2], ignoreMerges: false, addBos: false }],
  // llama.cpp's fallback for an unnamed or 'default' pre-tokenizer.
  [['default'], { patterns: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'], ignoreMerges: false, addBos: false }],
];

export const PRE_TOKENIZER_NAMES: readonly string[] = KINDS.flatMap(([names]) => names);

/** The pre-tokenizer llama.cpp uses for a `tokenizer.ggml.pre` name, or undefined if we lack it. */
export function preTokenizerKind(name: string): PreTokenizerKind | undefined {
  return KINDS.find(([names]) => names.includes(name))?.[1];
}

/** Returns a function that cuts text into pre-tokens for the named pre-tokenizer. */
export function preTokenizer(name: string): (text: string) => string[] {
  const kind = preTokenizerKind(name);
  if (!kind) throw new Error(`unsupported pre-tokenizer '${name}'`);
  const regexes = kind.patterns.map((p) => new RegExp(p, 'gu'));
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
