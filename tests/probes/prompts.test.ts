// Retrieval prompts on the Llama 2 vocabulary (32,000-token SentencePiece, from ../shared): the passkey
// prompt's wording, key depth and token length, and the first-sentence prompt.
import { beforeAll, describe, expect, it } from 'vitest';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import {
  FIRST_SENTENCE_QUESTION,
  PASSKEY_FILLER,
  PASSKEY_QUESTION,
  PASSKEY_TASK,
  firstSentence,
  firstSentencePrompt,
  passkeyPrompt,
  passkeyText,
  quotedAnswer,
  recalledNumber,
} from '../../src/probes/prompts.ts';
import { LLAMA_SPM_VOCAB, requireTestFiles } from '../helpers/shared.ts';

const haveVocab = requireTestFiles('passkey prompt sizing', LLAMA_SPM_VOCAB);

describe('passkey text', () => {
  it('is the landmark-attention prompt, lines joined by newlines', () => {
    expect(passkeyText(12345, 2, 1)).toBe(
      [
        'There is an important info hidden inside a lot of irrelevant text. Find it and memorize them. I will quiz you about the important information there.',
        'The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.',
        'The pass key is 12345. Remember it. 12345 is the pass key.',
        'The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.',
        'What is the pass key? The pass key is',
      ].join('\n'),
    );
  });

  it('reads the first number of an answer', () => {
    expect(recalledNumber(' 48213. Remember it.')).toBe(48213);
    expect(recalledNumber(' the pass key')).toBeNull();
    expect(recalledNumber(' 4821 3')).toBe(4821);
  });
});

describe.skipIf(!haveVocab)('prompt sizing on the Llama 2 vocabulary', () => {
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    tokenizer = createTokenizer((await readGGUF(await fileSource(LLAMA_SPM_VOCAB))).metadata);
  });

  it('passkey prompts fill the target within one filler block, with the key at the depth', () => {
    const blockTokens = tokenizer.encode(PASSKEY_FILLER, { addBos: false }).length; // 25 on this vocabulary
    for (const target of [300, 1000, 4096]) {
      for (const depth of [0, 0.25, 0.5, 1]) {
        const p = passkeyPrompt(tokenizer, 31337, target, depth);
        expect(p.ids.length).toBeLessThanOrEqual(target);
        expect(p.ids.length).toBeGreaterThan(target - blockTokens - 2);
        expect(p.ids[0]).toBe(tokenizer.bos);
        const blocks = p.before + p.after;
        expect(Math.abs(p.before - depth * blocks)).toBeLessThanOrEqual(0.5); // within one filler block of the depth
        // the key line follows exactly `before` filler blocks
        const keyAt = p.text.indexOf('The pass key is 31337.');
        expect(p.text.slice(0, keyAt).split(PASSKEY_FILLER).length - 1).toBe(p.before);
        expect(p.text.startsWith(PASSKEY_TASK)).toBe(true);
        expect(p.text.endsWith(PASSKEY_QUESTION)).toBe(true);
        expect(tokenizer.decode(p.ids)).toContain('31337 is the pass key.');
      }
    }
    expect(() => passkeyPrompt(tokenizer, 31337, 40, 0.5)).toThrow(/at least \d+ tokens/);
    expect(() => passkeyPrompt(tokenizer, 31337, 1000, 1.5)).toThrow(/depth must be in \[0, 1\]/);
  });

  it('first-sentence prompts keep the document start and end with the question', () => {
    const doc =
      'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, I thought I would sail about a little. '.repeat(
        40,
      );
    const p = firstSentencePrompt(tokenizer, doc, 500);
    expect(p.answer).toBe('Call me Ishmael.');
    expect(p.ids.length).toBe(500);
    const question = tokenizer.encode(FIRST_SENTENCE_QUESTION, { addBos: false });
    expect(p.ids.slice(-question.length)).toEqual(question);
    expect(tokenizer.decode(p.ids).startsWith('Call me Ishmael. Some years ago')).toBe(true);
    expect(() => firstSentencePrompt(tokenizer, 'Too short. Really.', 500)).toThrow(/the document has \d+ tokens/);
  });
});

describe('first sentence and answers', () => {
  it('cuts at the first sentence end followed by space', () => {
    expect(firstSentence('  Mr. Smith went home. Then he slept.')).toBe('Mr. Smith went home.');
    expect(firstSentence('Mr. Speaker, Mr. Vice President, Members of the Congress: I come here. Next')).toBe(
      'Mr. Speaker, Mr. Vice President, Members of the Congress: I come here.',
    );
    expect(firstSentence('Harry S. Truman and the U.S. Army met. Then')).toBe('Harry S. Truman and the U.S. Army met.');
    expect(firstSentence('It cost $5. Then')).toBe('It cost $5.');
    expect(firstSentence('Fellow-Citizens: In meeting you again I feel much satisfaction. The abundant fruits')).toBe(
      'Fellow-Citizens: In meeting you again I feel much satisfaction.',
    );
    expect(firstSentence('"Stop!" she said. Then')).toBe('"Stop!"');
    expect(firstSentence('No end at all')).toBe('No end at all');
    expect(firstSentence('Line one\nstill one. Two.')).toBe('Line one still one.');
  });

  it('takes the answer up to the closing quote or line break', () => {
    expect(quotedAnswer('Call me Ishmael." And then')).toBe('Call me Ishmael.');
    expect(quotedAnswer('Call me Ishmael.\nQuestion')).toBe('Call me Ishmael.');
    expect(quotedAnswer(' open ended')).toBe('open ended');
  });
});
