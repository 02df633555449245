// The stories260K model's own tokenizer (512 SentencePiece tokens with byte fallback), read from
// its GGUF: round trips on TinyStories text, byte fallback, BOS, streaming decode, speed.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import { readMetadata } from '../helpers/tokenizer-helpers.ts';
import { requireTestFiles, STORIES_GGUF, STORIES_GREEDY_REF, TINYSTORIES_TEXT } from '../helpers/shared.ts';

const absent = !requireTestFiles('stories260K tokenizer', STORIES_GGUF, TINYSTORIES_TEXT, STORIES_GREEDY_REF);

describe.skipIf(absent)('stories260K tokenizer', () => {
  let tokenizer: Tokenizer;
  let text: string;
  beforeAll(async () => {
    tokenizer = createTokenizer(await readMetadata(STORIES_GGUF));
    text = readFileSync(TINYSTORIES_TEXT, 'utf8');
  });

  it('has the vocabulary llama2.c trained: 512 tokens, BOS 1, EOS 2, byte tokens 3..258', () => {
    expect([tokenizer.vocabSize, tokenizer.bos, tokenizer.eos, tokenizer.addsBos]).toEqual([512, 1, 2, true]);
    expect(tokenizer.tokenText(3 + 0x0a)).toBe('<0x0A>');
    expect(tokenizer.tokenToPiece(3 + 0x41)).toBe('A');
  });

  it('round-trips 400 excerpts and the whole 60k sample', () => {
    const excerpts = Array.from({ length: 400 }, (_, i) => text.slice(i * 150, i * 150 + 40 + (i % 97)));
    for (const excerpt of [...excerpts, text]) expect(tokenizer.decode(tokenizer.encode(excerpt))).toBe(excerpt);
  });

  it('encodes unseen characters as their UTF-8 bytes', () => {
    const byteIds = (s: string) => Array.from(new TextEncoder().encode(s), (b) => 3 + b);
    // The vocabulary has '▁' (id 410) but neither character ('€' it does have, from mojibake in the data).
    const ids = tokenizer.encode('日🦙', { addBos: false });
    expect(ids).toEqual([410, ...byteIds('日🦙')]);
    expect(tokenizer.decode(ids)).toBe('日🦙');
  });

  it('adds BOS once, as the model asks', () => {
    const ids = tokenizer.encode('Once upon a time');
    expect(ids[0]).toBe(1);
    expect(ids.filter((id) => id === 1)).toHaveLength(1);
    expect(tokenizer.encode('<s>Once upon a time', { parseSpecial: true })).toEqual(ids);
    expect(tokenizer.encode('Once upon a time', { addBos: false })).toEqual(ids.slice(1));
  });

  it('streams text as whole characters even when a character spans several byte tokens', () => {
    const sample = 'Lily saw a 🦙 and said "¡Olé!" — café';
    const ids = tokenizer.encode(sample);
    const decoder = tokenizer.streamingDecoder();
    const chunks = ids.map((id) => decoder.push(id));
    expect(chunks.join('') + decoder.flush()).toBe(sample);
    expect(chunks.some((c) => c.includes('\uFFFD'))).toBe(false);
    // The llama's four byte tokens yield '', '', '' and then the whole emoji.
    const llama = chunks.findIndex((c) => c.includes('🦙'));
    expect(chunks.slice(llama - 3, llama)).toEqual(['', '', '']);
  });

  it("agrees with the llama2.c reference's decoding of 64 greedy tokens, and re-encodes them", () => {
    const ref = JSON.parse(readFileSync(STORIES_GREEDY_REF, 'utf8')) as { greedy_ids: number[]; greedy_text: string };
    // The reference generated after BOS and kept the first token's space: a continuation.
    expect(tokenizer.decode(ref.greedy_ids, { continuing: true })).toBe(ref.greedy_text);
    expect(tokenizer.decode([1, ...ref.greedy_ids])).toBe(ref.greedy_text.slice(1));
    expect(tokenizer.encode(ref.greedy_text.slice(1))).toEqual([1, ...ref.greedy_ids]);
  });

  it('encodes the 60k-character sample well under a second', () => {
    const start = performance.now();
    const ids = tokenizer.encode(text);
    const ms = performance.now() - start;
    expect(ids.length).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(1000);
  });
});
