// Fixtures for the tokenizer tests (paths into ../shared are in shared.ts): GGUF metadata, and metadata /
// tokenizer.json builders that turn one vocabulary into inputs for both our tokenizer and the
// independent Hugging Face-style one in @lenml/tokenizers.
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';

export async function readMetadata(path: string): Promise<Map<string, unknown>> {
  const source = await fileSource(path);
  try {
    return (await readGGUF(source)).metadata;
  } finally {
    await source.close?.();
  }
}

interface HfTokenizerJson {
  model: { vocab: Record<string, number>; merges: (string | [string, string])[] };
  added_tokens: { id: number; content: string; special: boolean }[];
}

/** Tokens by id, the added tokens laid over the model vocabulary. */
function hfTokens(json: HfTokenizerJson): string[] {
  const tokens: string[] = [];
  for (const [text, id] of Object.entries(json.model.vocab)) tokens[id] = text;
  for (const added of json.added_tokens) tokens[added.id] = added.content;
  return tokens;
}

/**
 * GGUF metadata for a Hugging Face byte-level BPE tokenizer.json, written the way llama.cpp's
 * convert_hf_to_gguf.py writes it: added special tokens become CONTROL, merges stay "a b" strings.
 */
export function byteLevelBpeMetadata(
  json: HfTokenizerJson,
  opts: { pre: string; bos: number; eos: number; chatTemplate?: string },
): Map<string, unknown> {
  const tokens = hfTokens(json);
  const types = tokens.map(() => 1);
  for (const added of json.added_tokens) types[added.id] = added.special ? 3 : 4;
  const merges = json.model.merges.map((m) => (typeof m === 'string' ? m : m.join(' ')));
  const metadata = new Map<string, unknown>([
    ['tokenizer.ggml.model', 'gpt2'],
    ['tokenizer.ggml.pre', opts.pre],
    ['tokenizer.ggml.tokens', tokens],
    ['tokenizer.ggml.token_type', types],
    ['tokenizer.ggml.merges', merges],
    ['tokenizer.ggml.bos_token_id', opts.bos],
    ['tokenizer.ggml.eos_token_id', opts.eos],
  ]);
  if (opts.chatTemplate) metadata.set('tokenizer.chat_template', opts.chatTemplate);
  return metadata;
}

/**
 * GGUF metadata for a Hugging Face SentencePiece-BPE tokenizer.json (byte fallback). The JSON has
 * merges, not SentencePiece scores; HF derived the merge order from the scores, so scoring each
 * token by minus the rank of the first merge that makes it restores the same priorities.
 */
export function sentencePieceMetadata(json: HfTokenizerJson): Map<string, unknown> {
  const tokens = hfTokens(json);
  const types: number[] = tokens.map((t) => (/^<0x[0-9A-F]{2}>$/.test(t) ? 6 : 1));
  for (const added of json.added_tokens) types[added.id] = added.content === '<unk>' ? 2 : 3;
  const mergeRank = new Map<string, number>();
  json.model.merges.forEach((m, rank) => {
    const merged = typeof m === 'string' ? m.replace(' ', '') : m.join('');
    if (!mergeRank.has(merged)) mergeRank.set(merged, rank);
  });
  return new Map<string, unknown>([
    ['tokenizer.ggml.model', 'llama'],
    ['tokenizer.ggml.tokens', tokens],
    ['tokenizer.ggml.scores', tokens.map((t) => -(mergeRank.get(t) ?? 0))],
    ['tokenizer.ggml.token_type', types],
    ['tokenizer.ggml.bos_token_id', 1],
    ['tokenizer.ggml.eos_token_id', 2],
    ['tokenizer.ggml.unknown_token_id', 0],
  ]);
}

/** A varied text corpus: TinyStories paragraphs plus hand-picked hard cases. */
export function diverseCorpus(storiesText: string): string[] {
  const paragraphs = storiesText
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .slice(0, 150);
  return [
    ...paragraphs,
    'Hello world',
    ' Hello world',
    'Hello  world',
    '   leading spaces',
    'trailing spaces   ',
    '\ttab\tseparated\t',
    'line one\nline two\r\nline three\r\n\r\nend',
    'a\n\n\nb',
    ' \n \n ',
    '\r\n',
    '12345678',
    '3.14159 and 2,718 and 1e-10',
    'Call 555-0199 or +1 (800) 123-4567',
    '0123456789012',
    "don't won't I'm you're they've we'll he'd IT'S I'M",
    "'s 'S 'tis rock'n'roll",
    "O'Neil's dog's bone",
    'Ünïcödé façade naïve café — “quotes” ‘single’ … ½ ¾ ©®™',
    'Здравствуй, мир! Привет',
    'Γειά σου Κόσμε',
    '你好，世界！我想在apple工作1314151天～',
    'こんにちは世界、カタカナ',
    '안녕하세요 세계',
    'مرحبا بالعالم',
    'שלום עולם',
    'नमस्ते दुनिया',
    'ภาษาไทย',
    'Cửa Việt',
    'Führer',
    'İstanbul ıi',
    '🦙 llama.cpp 🚀🚀 😶‍🌫️ 👨‍👩‍👧‍👦 🇩🇪 ✅ ❤️',
    '🦙🦙🦙',
    'e\u0301 combining accent',
    'zero\u200bwidth',
    'function add(a, b) {\n    return a + b;\n}\n',
    'for (let i = 0; i < n; i++) { x[i] *= 2; }',
    'def f(x):\n\tif x > 0:\n\t\treturn x ** 2\n',
    '<div class="a">&amp; &lt;tag&gt;</div>',
    '{"key": [1, 2, 3], "nested": {"k": null}}',
    'SELECT * FROM users WHERE id = 42;',
    'https://example.com/path?query=1&b=2#frag',
    'user@example.com',
    '!!!!!!',
    '??? ... ,,, ;;; ---',
    '$$$ %%% ^^^ &&& *** ((( ))) [[[ ]]]',
    '=== !== <= >= => ->',
    '    ',
    '\n',
    'a',
    'ALLCAPS lowercase MiXeDcAsE camelCase snake_case kebab-case',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'The year 2024 had 366 days; 1000000 people.',
    'x'.repeat(300),
  ];
}

/**
 * A Hugging Face tokenizer.json for a GGUF SentencePiece vocabulary, built the way transformers'
 * SentencePieceExtractor converts a .model file: every split of a piece into two pieces becomes a
 * merge, merges ordered by the merged piece's score (highest first). Loaded into @lenml/tokenizers
 * it is an independent implementation (HF BPE with byte fallback) of the same tokenization.
 */
export function hfJsonFromSentencePiece(metadata: Map<string, unknown>): { tokenizerJSON: unknown; tokenizerConfig: unknown } {
  const tokens = metadata.get('tokenizer.ggml.tokens') as string[];
  const scores = metadata.get('tokenizer.ggml.scores') as number[];
  const types = metadata.get('tokenizer.ggml.token_type') as number[];
  const vocab: Record<string, number> = {};
  tokens.forEach((t, id) => (vocab[t] = id));
  const merges: { pair: string; score: number }[] = [];
  tokens.forEach((piece, id) => {
    if (types[id] !== 1) return;
    const chars = Array.from(piece);
    const local: { pair: string; score: number; l: number; r: number }[] = [];
    for (let i = 1; i < chars.length; i++) {
      const left = chars.slice(0, i).join('');
      const right = chars.slice(i).join('');
      if (left in vocab && right in vocab) local.push({ pair: `${left} ${right}`, score: scores[id], l: vocab[left], r: vocab[right] });
    }
    local.sort((a, b) => a.l - b.l || a.r - b.r);
    merges.push(...local);
  });
  merges.sort((a, b) => b.score - a.score); // stable, like Python's sorted
  const special = (id: number) => ({
    id,
    content: tokens[id],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tokenizerJSON = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [0, 1, 2].map(special),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges: merges.map((m) => m.pair),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'LlamaTokenizer',
    legacy: true,
    add_bos_token: false,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    clean_up_tokenization_spaces: false,
  };
  return { tokenizerJSON, tokenizerConfig };
}

// Pieces random strings are made of: scripts, digits, punctuation, whitespace runs, contractions,
// combining marks, emoji with joiners and modifiers, control characters, astral code points.
const FUZZ_PIECES = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789',
  ...' \n\r\t\'".,!?-_()[]{}<>/\\@#$%^&*+=~`|;:',
  ' ',
  '  ',
  '\n\n',
  '\r\n',
  "'s",
  "'LL",
  "'Re",
  'é',
  'ß',
  'ñ',
  'Ж',
  'ж',
  'ω',
  '中',
  '文',
  'の',
  '한',
  'ا',
  'ह',
  '्',
  '\u0301',
  '😀',
  '🦙',
  '👍🏽',
  '\u200d',
  '\u00a0',
  '\u3000',
  '\u2028',
  '½',
  '²',
  '٣',
  'Ⅻ',
  '€',
  '™',
  '\u0000',
  '\u001f',
  '\u{20000}',
  '▁',
];

/** Deterministic random strings (a fixed-seed LCG), so a failure reproduces. */
export function fuzzStrings(count: number, seed = 12345, extraPieces: string[] = []): string[] {
  const pieces = [...FUZZ_PIECES, ...extraPieces];
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, () => {
    let s = '';
    for (let k = 1 + Math.floor(next() * 25); k > 0; k--) s += pieces[Math.floor(next() * pieces.length)];
    return s;
  });
}
