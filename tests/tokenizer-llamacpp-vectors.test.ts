// llama.cpp's own tokenizer test vectors (tests/test-tokenizer-0 in llama.cpp) for the Llama 2
// SentencePiece vocabulary: every input must give exactly the ids llama.cpp recorded (no BOS).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTokenizer } from '../src/tokenizer/index.ts';
import { LLAMA_SPM_VOCAB, missing, readMetadata } from './tokenizer-helpers.ts';

const absent = missing(LLAMA_SPM_VOCAB, LLAMA_SPM_VOCAB + '.inp', LLAMA_SPM_VOCAB + '.out');

/** Inputs and expected ids, parsed as llama.cpp's test-tokenizer-0 parses them. */
function loadVectors(): { input: string; expected: number[] }[] {
  const inputs = readFileSync(LLAMA_SPM_VOCAB + '.inp', 'utf8').split('\n__ggml_vocab_test__\n');
  inputs.pop(); // the file ends with a separator
  const outputs = readFileSync(LLAMA_SPM_VOCAB + '.out', 'utf8').split('\n');
  return inputs.map((input, i) => ({
    input,
    expected: outputs[i].trim() === '' ? [] : outputs[i].trim().split(/\s+/).map(Number),
  }));
}

describe.skipIf(absent)(`llama.cpp test vectors, Llama SPM vocabulary ${absent || ''}`, () => {
  it('matches every vector exactly', async () => {
    const tokenizer = createTokenizer(await readMetadata(LLAMA_SPM_VOCAB));
    const vectors = loadVectors();
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    const failures = vectors
      .map(({ input, expected }) => ({ input, expected, actual: tokenizer.encode(input, { addBos: false }) }))
      .filter(({ expected, actual }) => JSON.stringify(expected) !== JSON.stringify(actual));
    expect(failures).toEqual([]);
  });
});
