// The two tokenization algorithms on hand-made vocabularies whose answers are worked out by hand,
// each chosen so that a plausible wrong algorithm (greedy longest match, rightmost-first ties,
// merging across words, treating user text as control tokens) gives a different answer.
import { describe, expect, it } from 'vitest';
import { createTokenizer, TokenType } from '../../src/tokenizer/index.ts';

const BYTE_TOKENS = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);

/** A SentencePiece metadata map: control <unk>/<s>/</s>, all 256 byte tokens, then `pieces` (text → score). */
function spmVocab(pieces: [string, number][], extra: [string, TokenType][] = []) {
  const tokens = ['<unk>', '<s>', '</s>', ...BYTE_TOKENS, ...pieces.map(([t]) => t), ...extra.map(([t]) => t)];
  const types = [2, 3, 3, ...BYTE_TOKENS.map(() => 6), ...pieces.map(() => 1), ...extra.map(([, t]) => t)];
  const scores = [0, 0, 0, ...BYTE_TOKENS.map(() => 0), ...pieces.map(([, s]) => s), ...extra.map(() => 0)];
  const tokenizer = createTokenizer(
    new Map<string, unknown>([
      ['tokenizer.ggml.model', 'llama'],
      ['tokenizer.ggml.tokens', tokens],
      ['tokenizer.ggml.scores', scores],
      ['tokenizer.ggml.token_type', types],
    ]),
  );
  const id = (text: string) => tokens.indexOf(text);
  return { tokenizer, id, ids: (...texts: string[]) => texts.map(id) };
}

describe('SentencePiece (llama) merging', () => {
  it('merges the highest-scoring pair first, not the longest match', () => {
    const { tokenizer, ids } = spmVocab([
      ['▁', -5],
      ['a', -5],
      ['b', -5],
      ['c', -5],
      ['▁a', -3],
      ['ab', -1],
      ['bc', -0.1],
      ['▁ab', -0.5],
    ]);
    // "▁abc": bc (-0.1) beats ab (-1); then ▁a (-3). Greedy longest match would give ▁ab + c.
    expect(tokenizer.encode('abc', { addBos: false })).toEqual(ids('▁a', 'bc'));
  });

  it('breaks score ties toward the leftmost pair', () => {
    const { tokenizer, ids } = spmVocab([
      ['▁', -1],
      ['a', -1],
      ['aa', -1],
    ]);
    expect(tokenizer.encode('aaa', { addBos: false })).toEqual(ids('▁', 'aa', 'a'));
  });

  it('falls back to byte tokens for characters the vocabulary lacks', () => {
    const { tokenizer, ids } = spmVocab([
      ['▁', -1],
      ['a', -1],
    ]);
    expect(tokenizer.encode('aé', { addBos: false })).toEqual(ids('▁', 'a', '<0xC3>', '<0xA9>'));
    expect(tokenizer.decode(tokenizer.encode('aé'))).toBe('aé');
  });

  it('adds the space prefix at the start and after special tokens only', () => {
    const { tokenizer, ids, id } = spmVocab([
      ['▁', -1],
      ['x', -1],
      ['y', -1],
      ['▁x', -0.5],
      ['▁y', -0.5],
    ]);
    expect(tokenizer.encode('x y', { addBos: false })).toEqual(ids('▁x', '▁y'));
    expect(tokenizer.encode('x</s>y', { addBos: false, parseSpecial: true })).toEqual(ids('▁x', '</s>', '▁y'));
    expect(tokenizer.encode('', { addBos: false })).toEqual([]);
    expect(tokenizer.encode('')).toEqual([id('<s>')]);
  });

  it('splits user-defined tokens always, control tokens only with parseSpecial', () => {
    const { tokenizer, ids, id } = spmVocab(
      [
        ['▁', -1],
        ['x', -1],
        ['y', -1],
        ['▁x', -0.5],
        ['▁y', -0.5],
        ['<', -1],
        ['s', -1],
        ['>', -1],
      ],
      [['<|sep|>', TokenType.UserDefined]],
    );
    expect(tokenizer.encode('x<|sep|>y<s>', { addBos: false })).toEqual(ids('▁x', '<|sep|>', '▁y', '<', 's', '>'));
    expect(tokenizer.encode('x<|sep|>y<s>', { addBos: false, parseSpecial: true })).toEqual(ids('▁x', '<|sep|>', '▁y', '<s>'));
    // BOS is never doubled when the text already starts with one.
    expect(tokenizer.encode('<s>x', { parseSpecial: true })).toEqual([id('<s>'), id('▁x')]);
  });

  it('round-trips text with leading spaces and special tokens', () => {
    const { tokenizer } = spmVocab([
      ['▁', -1],
      ['x', -1],
      ['▁x', -0.5],
    ]);
    for (const text of [' x', '  x x ', 'x</s> x', '</s>x', '\nx']) {
      const ids = tokenizer.encode(text, { parseSpecial: true, addBos: false });
      expect(tokenizer.decode(ids, { special: true })).toBe(text);
    }
    // With BOS and special tokens hidden, the text still comes back without the added space.
    expect(tokenizer.decode(tokenizer.encode(' x'))).toBe(' x');
  });
});

/** A byte-level BPE metadata map; `pieces` are byte-level spellings (Ġ = space). */
function bpeVocab(pieces: string[], merges: string[], pre: string) {
  const tokens = [...pieces, '<|bos|>'];
  const tokenizer = createTokenizer(
    new Map<string, unknown>([
      ['tokenizer.ggml.model', 'gpt2'],
      ['tokenizer.ggml.pre', pre],
      ['tokenizer.ggml.tokens', tokens],
      ['tokenizer.ggml.token_type', tokens.map((t) => (t === '<|bos|>' ? 3 : 1))],
      ['tokenizer.ggml.merges', merges],
      ['tokenizer.ggml.bos_token_id', tokens.length - 1],
    ]),
  );
  return { tokenizer, ids: (...texts: string[]) => texts.map((t) => tokens.indexOf(t)) };
}

describe('byte-level BPE (gpt2) merging', () => {
  const pieces = ['a', 'b', 'c', 'Ġ', 'ab', 'bc', 'Ġa', 'Ġab', 'Ġabc'];
  const merges = ['b c', 'a b', 'Ġ a', 'Ġa b'];

  it('merges by rank within a pre-token word', () => {
    const { tokenizer, ids } = bpeVocab(pieces, merges, 'gpt-2');
    // "Ġabc": b c (rank 0) first, then Ġ a (rank 2); "Ġa bc" is no merge. 'Ġabc' is a token but no merge makes it.
    expect(tokenizer.encode(' abc')).toEqual(ids('Ġa', 'bc'));
    expect(tokenizer.addsBos).toBe(false);
  });

  it('takes a whole word that is a token directly with the Llama 3 pre-tokenizer (ignore_merges)', () => {
    const { tokenizer, ids } = bpeVocab(pieces, merges, 'llama-bpe');
    expect(tokenizer.encode(' abc', { addBos: false })).toEqual(ids('Ġabc'));
    expect(tokenizer.encode(' abc')[0]).toBe(pieces.length); // llama-bpe adds BOS
  });

  it('never merges across pre-token boundaries', () => {
    // Without pre-tokenization "aĠb" would merge to aĠ + b; the regex cuts it into "a" and "Ġb" first.
    const { tokenizer, ids } = bpeVocab(['a', 'b', 'Ġ', 'aĠ'], ['a Ġ'], 'gpt-2');
    expect(tokenizer.encode('a b')).toEqual(ids('a', 'Ġ', 'b'));
    expect(tokenizer.decode(tokenizer.encode('a b'))).toBe('a b');
  });
});
