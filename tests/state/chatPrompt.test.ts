// The chat prompt with SmolLM2-135M-Instruct's own template, read from the real GGUF (ChatML with a
// default system prompt), and the ids the engine makes of it.
import { describe, expect, it } from 'vitest';
import { requireTestFiles, SMOLLM2_Q4_1 } from '../helpers/shared.ts';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { createTokenizer } from '../../src/tokenizer/index.ts';
import { chatPrompt } from '../../src/state/chatPrompt.ts';

const turns = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'Paris.' },
  { role: 'user', content: 'And of Italy?' },
];

describe.skipIf(!requireTestFiles('chat prompt', SMOLLM2_Q4_1))('chat prompt with SmolLM2’s template', async () => {
  const file = await readGGUF(await fileSource(SMOLLM2_Q4_1));
  const tokenizer = createTokenizer(file.metadata);
  const format = tokenizer.chatFormat!;

  it('renders a system prompt and two turns as ChatML, ending with the assistant’s header', () => {
    expect(chatPrompt(format, 'You answer in one word.', turns)).toBe(
      '<|im_start|>system\nYou answer in one word.<|im_end|>\n' +
        '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n' +
        '<|im_start|>assistant\nParis.<|im_end|>\n' +
        '<|im_start|>user\nAnd of Italy?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('an empty system prompt leaves the template’s default', () => {
    expect(chatPrompt(format, '  ', turns.slice(0, 1))).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
        '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('encodes the markers as the control tokens generation stops at', () => {
    const ids = tokenizer.encode(chatPrompt(format, '', turns.slice(0, 1)), { parseSpecial: true });
    const imStart = ids[0];
    expect(tokenizer.tokenText(imStart)).toBe('<|im_start|>');
    expect(ids.filter((id) => id === imStart)).toHaveLength(3);
    const imEnd = ids.find((id) => tokenizer.tokenText(id) === '<|im_end|>')!;
    expect(tokenizer.isEndOfGeneration(imEnd)).toBe(true);
    // without parseSpecial the same text is spelled out in ordinary tokens
    expect(tokenizer.encode(chatPrompt(format, '', turns.slice(0, 1))).length).toBeGreaterThan(ids.length);
  });
});
