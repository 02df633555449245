// Chat templates rendered from GGUF metadata (Llama 2's template, which adds its own BOS per turn),
// and the BOS rule when a rendered chat is encoded.
import { describe, expect, it } from 'vitest';
import { createTokenizer, TokenizerError } from '../../src/tokenizer/index.ts';
import { readMetadata } from '../helpers/tokenizer-helpers.ts';
import { LLAMA_SPM_VOCAB, requireTestFiles } from '../helpers/shared.ts';

// meta-llama/Llama-2-7b-chat-hf tokenizer_config.json chat_template.
const LLAMA2_TEMPLATE =
  "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

const conversation = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello.' },
  { role: 'user', content: ' What is RoPE? ' },
];

const absent = !requireTestFiles('Llama 2 chat template', LLAMA_SPM_VOCAB);

describe.skipIf(absent)('Llama 2 chat template', () => {
  const load = async () => {
    const metadata = await readMetadata(LLAMA_SPM_VOCAB);
    metadata.set('tokenizer.chat_template', LLAMA2_TEMPLATE);
    return createTokenizer(metadata);
  };

  it("renders the documented [INST] / <<SYS>> format with the vocabulary's BOS and EOS", async () => {
    const tokenizer = await load();
    expect(tokenizer.applyChatTemplate(conversation)).toBe(
      '<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] What is RoPE? [/INST]',
    );
  });

  it("encodes the rendered chat with the template's BOS only, and special tokens as tokens", async () => {
    const tokenizer = await load();
    const ids = tokenizer.encode(tokenizer.applyChatTemplate(conversation), { parseSpecial: true });
    expect(ids.slice(0, 2)).not.toEqual([1, 1]);
    expect(ids.filter((id) => id === 1)).toHaveLength(2); // one per user turn
    expect(ids.filter((id) => id === 2)).toHaveLength(1);
    expect(tokenizer.decode(ids, { special: true })).toBe(tokenizer.applyChatTemplate(conversation));
  });

  it("reports the template's own errors as TokenizerErrors", async () => {
    const tokenizer = await load();
    const call = () =>
      tokenizer.applyChatTemplate([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]);
    expect(call).toThrow(TokenizerError);
    expect(call).toThrow(/roles must alternate/);
  });
});
