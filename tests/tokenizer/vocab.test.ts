// Reading tokenizer metadata: llama.cpp's defaults, and a clear error for every inconsistency.
import { describe, expect, it } from 'vitest';
import { createTokenizer, TokenizerError } from '../../src/tokenizer/index.ts';

const base = (): Map<string, unknown> =>
  new Map<string, unknown>([
    ['tokenizer.ggml.model', 'llama'],
    ['tokenizer.ggml.tokens', ['<unk>', '<s>', '</s>', '▁', 'a']],
    ['tokenizer.ggml.scores', [0, 0, 0, -1, -2]],
    ['tokenizer.ggml.token_type', [2, 3, 3, 1, 1]],
  ]);

const withKeys = (entries: [string, unknown][], remove: string[] = []) => {
  const m = base();
  for (const k of remove) m.delete(k);
  for (const [k, v] of entries) m.set(k, v);
  return m;
};

function errorOf(metadata: Map<string, unknown>): string {
  try {
    createTokenizer(metadata);
  } catch (err) {
    expect(err).toBeInstanceOf(TokenizerError);
    return (err as Error).message;
  }
  throw new Error('expected createTokenizer to throw');
}

describe('tokenizer metadata', () => {
  it("uses llama.cpp's SentencePiece defaults: BOS 1, EOS 2, add BOS, space prefix", () => {
    const t = createTokenizer(base());
    expect([t.vocabSize, t.bos, t.eos, t.addsBos, t.addsEos]).toEqual([5, 1, 2, true, false]);
    expect(t.encode('a')).toEqual([1, 3, 4]);
    expect(t.isControl(1)).toBe(true);
    expect(t.isEndOfGeneration(2)).toBe(true);
    expect(t.hasChatTemplate).toBe(false);
  });

  it('honours add_bos_token, add_eos_token and add_space_prefix', () => {
    const t = createTokenizer(
      withKeys([
        ['tokenizer.ggml.add_bos_token', false],
        ['tokenizer.ggml.add_eos_token', true],
        ['tokenizer.ggml.add_space_prefix', false],
      ]),
    );
    expect(t.encode('a')).toEqual([4, 2]);
    expect(t.encode('a', { addBos: true, addEos: false })).toEqual([1, 4]);
  });

  it('treats an id of -1 / 0xFFFFFFFF as "no such token"', () => {
    const t = createTokenizer(
      withKeys([
        ['tokenizer.ggml.padding_token_id', 0xffffffff],
        ['tokenizer.ggml.eos_token_id', -1],
      ]),
    );
    expect(t.eos).toBeNull();
  });

  it.each([
    ['no model', withKeys([], ['tokenizer.ggml.model']), /missing tokenizer\.ggml\.model/],
    ['an unknown model', withKeys([['tokenizer.ggml.model', 'bert']]), /unsupported tokenizer model 'bert'/],
    ['no tokens', withKeys([], ['tokenizer.ggml.tokens']), /missing tokenizer\.ggml\.tokens/],
    ['scores of another length', withKeys([['tokenizer.ggml.scores', [0, 0]]]), /scores has 2 entries but tokenizer\.ggml\.tokens has 5/],
    ['token types of another length', withKeys([['tokenizer.ggml.token_type', [1]]]), /token_type has 1 entries but .* has 5/],
    ['an invalid token type', withKeys([['tokenizer.ggml.token_type', [2, 3, 3, 1, 9]]]), /token_type\[4\] = 9/],
    ['a non-string token', withKeys([['tokenizer.ggml.tokens', ['<unk>', 5, '</s>', '▁', 'a']]]), /tokens\[1\] must be a string/],
    [
      'a duplicate token',
      withKeys([['tokenizer.ggml.tokens', ['<unk>', '<s>', '</s>', 'a', 'a']]]),
      /duplicate token in vocabulary: 'a' has ids 3 and 4/,
    ],
    [
      'a BOS id out of range',
      withKeys([['tokenizer.ggml.bos_token_id', 5]]),
      /bos_token_id = 5 is out of range \(vocabulary has 5 tokens\)/,
    ],
    ['a non-integer EOS id', withKeys([['tokenizer.ggml.eos_token_id', 'x']]), /eos_token_id must be an integer/],
    [
      'add_bos without a BOS',
      withKeys([
        ['tokenizer.ggml.tokens', ['<unk>']],
        ['tokenizer.ggml.scores', [0]],
        ['tokenizer.ggml.token_type', [2]],
      ]),
      /add_bos_token is true, but there is no BOS token/,
    ],
    ['a non-boolean flag', withKeys([['tokenizer.ggml.add_bos_token', 1]]), /add_bos_token must be a boolean/],
    ['gpt2 without merges', withKeys([['tokenizer.ggml.model', 'gpt2']]), /missing tokenizer\.ggml\.merges/],
    [
      'a malformed merge',
      withKeys([
        ['tokenizer.ggml.model', 'gpt2'],
        ['tokenizer.ggml.merges', ['ab']],
      ]),
      /merges\[0\] 'ab' is not two tokens/,
    ],
    [
      'an unknown pre-tokenizer',
      withKeys([
        ['tokenizer.ggml.model', 'gpt2'],
        ['tokenizer.ggml.merges', []],
        ['tokenizer.ggml.pre', 'qwen9'],
      ]),
      /unsupported pre-tokenizer 'qwen9'/,
    ],
    ['a bad chat template', withKeys([['tokenizer.chat_template', '{% for %}']]), /chat_template does not parse/],
  ])('rejects %s with a message naming it', (_, metadata, message) => {
    expect(errorOf(metadata)).toMatch(message);
  });

  it('rejects out-of-range ids in decode and friends', () => {
    const t = createTokenizer(base());
    expect(() => t.decode([7])).toThrow(/token id 7 is out of range/);
    expect(() => t.tokenToPiece(-1)).toThrow(/out of range/);
    expect(() => t.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(/no chat template/);
  });
});
