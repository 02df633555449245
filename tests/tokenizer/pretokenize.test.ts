// Pre-tokenizer regexes on hand-split examples (llama.cpp's splits, worked out from its scanner).
import { describe, expect, it } from 'vitest';
import { preTokenizer } from '../../src/tokenizer/pretokenize.ts';

describe('Llama 3 pre-tokenizer (llama-bpe)', () => {
  const split = preTokenizer('llama-bpe');

  it('splits words, contractions, 3-digit number groups, punctuation and newlines', () => {
    expect(split("Hello world's 12345678 don'T!!\n\n  x")).toEqual([
      'Hello',
      ' world',
      "'s",
      ' ',
      '123',
      '456',
      '78',
      ' don',
      "'T",
      '!!\n\n',
      ' ',
      ' x',
    ]);
    expect(split('a\r\n\r\n b')).toEqual(['a', '\r\n\r\n', ' b']);
    expect(split('x   ')).toEqual(['x', '   ']);
    expect(split('(a)')).toEqual(['(a', ')']);
  });

  it('matches contractions case-insensitively but only for ASCII letters', () => {
    expect(split("'LL'Ve")).toEqual(["'LL", "'Ve"]);
    expect(split("'ſ")).toEqual(["'ſ"]); // ſ would fold to s under a regex-wide i flag
  });

  it('treats U+0085 as whitespace and U+FEFF as not, like llama.cpp (unlike JS \\s)', () => {
    expect(split('x \u0085y')).toEqual(['x', ' ', '\u0085y']);
    expect(split('x \uFEFFy')).toEqual(['x', ' \uFEFF', 'y']); // U+FEFF is a format char: "punctuation" here
  });
});

describe('GPT-2 and default pre-tokenizers', () => {
  it('GPT-2: optional leading space, whole digit runs, trailing whitespace kept apart', () => {
    expect(preTokenizer('gpt-2')("I'm 12345 ok!?  \n")).toEqual(['I', "'m", ' 12345', ' ok', '!?', '  \n']);
  });

  it('SmolLM / StarCoder: every digit alone, then GPT-2 on the rest', () => {
    expect(preTokenizer('smollm')('abc 123x')).toEqual(['abc', ' ', '1', '2', '3', 'x']);
  });

  it('default: punctuation first, then GPT-2, then digits in threes', () => {
    expect(preTokenizer('default')('Hi, 1234567!')).toEqual(['Hi', ',', ' ', '123', '456', '7', '!']);
  });
});
