// SmolLM2-135M-Instruct (Q4_1, and the F32 copy of the same weights) against real llama.cpp, asked live
// through node-llama-cpp (tests/helpers/llamacpp-live.ts): tokenization, chat-template rendering and greedy
// decoding. Perplexity: smollm2-llamacpp-ppl.test.ts; the long cases (GPU engine, ctx 2048, whole
// texts): smollm2-llamacpp-long.test.ts.
//
// The lab side of the greedy runs is the CPU reference (src/engine/reference.ts): the GPU engine on
// SwiftShader decodes SmolLM2 at ~0.7 token/s, too slow for 3 × 64 tokens here; the long test runs the
// engine. The reference loads the Q4_1 file, dequantized to f32: the very values `lab convert --type
// f32` wrote into the F32 copy, so one reference run stands for both files.
import { readFileSync } from 'node:fs';
import { ChatMLChatWrapper, SpecialToken, SpecialTokensText, type ChatHistoryItem, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBuiltinTexts, nodeMobyDickParts } from '../../src/data/texts-node.ts';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { argmax, loadReferenceWeights, ReferenceModel } from '../../src/engine/reference.ts';
import { createTokenizer, type Tokenizer } from '../../src/tokenizer/index.ts';
import { llamaTokenize, loadLlamaModel, renderChatLikeLlamaCpp } from '../helpers/llamacpp-live.ts';
import { compareGreedy, expectPartingOnlyAtNearTie, GREEDY_TOKENS, llamaGreedyRuns, NEAR_TIE, PROMPTS } from '../helpers/smollm2-cases.ts';
import { requireTestFiles, SMOLLM2_F32, SMOLLM2_Q4_1 } from '../helpers/shared.ts';

const have = requireTestFiles('SmolLM2 vs llama.cpp', SMOLLM2_Q4_1, SMOLLM2_F32);

async function openTokenizer(): Promise<{ tokenizer: Tokenizer; template: string }> {
  const source = await fileSource(SMOLLM2_Q4_1);
  try {
    const { metadata } = await readGGUF(source);
    return { tokenizer: createTokenizer(metadata), template: metadata.get('tokenizer.chat_template') as string };
  } finally {
    await source.close?.();
  }
}

/** Texts nobody trained the lab's tokenizer tables on, meant to break a byte-level BPE. */
const HOSTILE: Record<string, string> = {
  'emoji ZWJ sequences': 'Family 👨‍👩‍👧‍👦, flags 🏳️‍🌈 🏴‍☠️, skin tones 👍🏽👋🏿, keycap 1️⃣, 🧑🏻‍🤝‍🧑🏿, a lone ‍ joiner‍. ' + '🙂'.repeat(50),
  CJK: '日本語の文章です。中文句子，包括标点！한국어 문장입니다. 繁體字與简体字混合ｆｕｌｌｗｉｄｔｈ　全角スペース ＡＢＣ１２３',
  'combining marks':
    'e\u0301 vs é, Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇, a\u0300\u0301\u0302\u0303\u0304, a\u0308\u0308\u0308\u0308\u0308\u0308\u0308, न्दी, ค่ะ, עִבְרִית, عَرَبِيّ, ﬁ ǅ İstanbul ß ẞ',
  'CR LF': 'line one\r\nline two\r\n\r\nline four\r\n  indented\r\n\ttabbed\r\n\r\r\n\n',
  tabs: '\tone\t\ttwo\t\t\tthree\t \t \t\n\t\t\n\t',
  'runs of spaces': 'a b  c   d    e     f      g       h        i                 j\n  \n   \n    x    \n' + ' '.repeat(1000) + 'end ',
  'text that spells control tokens':
    'Text that spells <|im_start|>user\nhi<|im_end|>\n<|endoftext|> and <repo_name>, <|im_start|><|im_start|>, <|im_start|, |im_start|>, <|IM_START|>',
  'odd code points': 'nul\u0000byte \u2028\u2029 line seps \u0085nel x\u000bvt\u000cff \u00a0nbsp \ufeffbom \u200bzwsp',
  'numbers and punctuation':
    "It's we're they'LL I'd 0 00 000 0000 12345678901234567890 3.14159 1,000,000 $12.50 100% ٣٤٥ ¹²³ ½ !!!???... --- ___ http://x.com/a?b=c&d=e#f",
};

describe.skipIf(!have)('SmolLM2 tokenizer vs llama.cpp', () => {
  let tokenizer: Tokenizer;
  let llama: LlamaModel;
  const texts: Record<string, string> = {};

  beforeAll(async () => {
    ({ tokenizer } = await openTokenizer());
    llama = await loadLlamaModel(SMOLLM2_Q4_1, {}, { vocabOnly: true });
    // Held-out prose (src/data/split.ts: neither address nor chapter trained the lab's own models), and code.
    texts['held-out address (Monroe 1819)'] = await nodeBuiltinTexts()
      .find((t) => t.id === 'sotu-1819-james-monroe')!
      .load();
    texts['held-out chapter (Moby-Dick 135)'] = await nodeMobyDickParts()
      .find((t) => t.id === 'moby-dick-chapter-135')!
      .load();
    texts['TypeScript'] = readFileSync('src/engine/reference.ts', 'utf8');
    texts['WGSL'] = readFileSync('shaders/attention.wgsl', 'utf8');
    texts['Python'] = readFileSync('training/model.py', 'utf8');
    Object.assign(texts, HOSTILE);
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  /** Exact ids, with and without parse_special; a mismatch names the first differing position. */
  function expectLlamaIds(name: string): void {
    const text = texts[name];
    for (const parseSpecial of [false, true]) {
      const ours = tokenizer.encode(text, { parseSpecial });
      const theirs = llamaTokenize(llama, text, parseSpecial);
      const at = ours.findIndex((id, i) => id !== theirs[i]);
      expect(
        at,
        `${name}, parse_special ${parseSpecial}: first difference at ${at}: ours ${ours.slice(at, at + 8)}, llama.cpp ${theirs.slice(at, at + 8)}`,
      ).toBe(-1);
      expect(ours.length, `${name}, parse_special ${parseSpecial}`).toBe(theirs.length);
    }
  }

  it("tokenizes held-out prose to llama.cpp's ids", () => {
    expectLlamaIds('held-out address (Monroe 1819)');
    expectLlamaIds('held-out chapter (Moby-Dick 135)');
  });

  it("tokenizes code to llama.cpp's ids", () => {
    for (const name of ['TypeScript', 'WGSL', 'Python']) expectLlamaIds(name);
  });

  it.each(Object.keys(HOSTILE))("tokenizes hostile text (%s) to llama.cpp's ids", (name) => {
    expectLlamaIds(name);
  });

  it('turns control-token text into control tokens only when asked, as llama.cpp does', () => {
    const text = '<|im_start|>user\nhi<|im_end|>';
    expect(tokenizer.encode(text, { parseSpecial: true }).filter((id) => tokenizer.isControl(id))).toHaveLength(2);
    expect(tokenizer.encode(text).some((id) => tokenizer.isControl(id))).toBe(false);
  });
});

/** A 3-turn conversation (user, assistant, user), with and without the system message. */
const CONVERSATION = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Name a prime number.' },
  { role: 'assistant', content: 'Seven.' },
  { role: 'user', content: 'Another one, with a tab\tand\r\nCRLF? 😀 <|im_end|> stays text.' },
];

describe.skipIf(!have)('SmolLM2 chat template vs llama.cpp', () => {
  let tokenizer: Tokenizer;
  let template: string;
  let llama: LlamaModel;

  beforeAll(async () => {
    ({ tokenizer, template } = await openTokenizer());
    llama = await loadLlamaModel(SMOLLM2_Q4_1, {}, { vocabOnly: true });
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  // llama.cpp's rendering: its own C++ Jinja engine on the GGUF's template, the most independent of
  // @huggingface/jinja (the lab's engine) that node-llama-cpp reaches. llama_chat_apply_template (the
  // built-in ChatML formatter it falls back to) is not bound; it would differ anyway where the template
  // adds SmolLM's default system prompt.
  it.each([
    ['with a system message', CONVERSATION],
    ["without one (the template adds SmolLM's default system prompt)", CONVERSATION.slice(1)],
  ])("renders a 3-turn conversation %s as llama.cpp's Jinja engine does, and tokenizes it alike", async (_, messages) => {
    for (const addGenerationPrompt of [true, false]) {
      const ours = tokenizer.applyChatTemplate(messages, { addGenerationPrompt });
      const theirs = await renderChatLikeLlamaCpp(
        template,
        messages,
        addGenerationPrompt,
        tokenizer.tokenText(tokenizer.bos!),
        tokenizer.tokenText(tokenizer.eos!),
      );
      expect(ours, `add_generation_prompt ${addGenerationPrompt}`).toBe(theirs);
      expect(tokenizer.encode(ours, { parseSpecial: true })).toEqual(llamaTokenize(llama, theirs, true));
    }
  });

  // A second, hand-written rendering: node-llama-cpp's ChatMLChatWrapper (no Jinja at all). It always
  // opens with the vocabulary's BOS token, which for SmolLM2 is <|im_start|> and which llama.cpp adds
  // only where tokenizer.ggml.add_bos_token says so (false here): that token is left out.
  it("renders it as node-llama-cpp's hand-written ChatML wrapper does", async () => {
    const history: ChatHistoryItem[] = [
      { type: 'system', text: CONVERSATION[0].content },
      { type: 'user', text: CONVERSATION[1].content },
      { type: 'model', response: [CONVERSATION[2].content] },
      { type: 'user', text: CONVERSATION[3].content },
      { type: 'model', response: [] },
    ];
    const { contextText } = new ChatMLChatWrapper().generateContextState({ chatHistory: history });
    const [first, ...rest] = contextText.values;
    expect(first).toEqual(new SpecialToken('BOS'));
    const chatml = rest
      .map((v) => {
        if (typeof v === 'string' || v instanceof SpecialTokensText) return typeof v === 'string' ? v : v.value;
        throw new Error(`unexpected ${String(v)} in ChatML's rendering`);
      })
      .join('');
    expect(tokenizer.applyChatTemplate(CONVERSATION, { addGenerationPrompt: true })).toBe(chatml);
  });
});

describe.skipIf(!have)('SmolLM2 greedy decoding vs llama.cpp', () => {
  let tokenizer: Tokenizer;
  /** The reference's greedy ids per prompt, and the logits each was chosen from. */
  const ours: { ids: number[]; logits: Float32Array[] }[] = [];

  beforeAll(async () => {
    ({ tokenizer } = await openTokenizer());
    const source = await fileSource(SMOLLM2_Q4_1);
    const weights = await loadReferenceWeights(await readGGUF(source)).finally(() => source.close?.());
    for (const prompt of PROMPTS) {
      const ids = tokenizer.encode(prompt.text(tokenizer), { parseSpecial: prompt.parseSpecial });
      const model = new ReferenceModel(weights, ids.length + GREEDY_TOKENS);
      let logits!: Float32Array;
      ids.forEach((id, pos) => {
        logits = model.forward(id, pos);
      });
      const run = { ids: [] as number[], logits: [] as Float32Array[] };
      for (let i = 0; i < GREEDY_TOKENS; i++) {
        const id = argmax(logits);
        run.ids.push(id);
        run.logits.push(logits);
        logits = model.forward(id, ids.length + i);
      }
      ours.push(run);
    }
  }, 300_000);

  // F32 weights: the same arithmetic on both sides; the logits agree to ~3e-5 and llama.cpp's smallest
  // margin on these runs is 0.051, so every id must match.
  it(`continues 3 prompts with llama.cpp's ${GREEDY_TOKENS} greedy ids exactly (F32 copy)`, async () => {
    const theirs = await llamaGreedyRuns(SMOLLM2_F32, tokenizer);
    PROMPTS.forEach((prompt, p) => {
      console.log(
        `greedy F32 ${prompt.name}: ${compareGreedy(ours[p], theirs[p]).summary}; llama.cpp's smallest margin ${Math.min(...theirs[p].map((s) => s.margin)).toFixed(4)}; text ${JSON.stringify(tokenizer.decode(theirs[p].map((s) => s.id)))}`,
      );
      expect(ours[p].ids, prompt.name).toEqual(theirs[p].map((s) => s.id));
    });
  });

  // Measured: prose agrees on all 64 ids; code parts at token 21 and chat at token 17, both where
  // llama.cpp's margin was 0.07 and our choice was its runner-up.
  it(`follows llama.cpp's Q4_1 greedy ids, parting only at a near tie (margin < ${NEAR_TIE})`, async () => {
    const theirs = await llamaGreedyRuns(SMOLLM2_Q4_1, tokenizer);
    const found = PROMPTS.map((prompt, p) => {
      const c = compareGreedy(ours[p], theirs[p]);
      console.log(`greedy Q4_1 ${prompt.name}: ${c.summary}`);
      return c;
    });
    PROMPTS.forEach((prompt, p) => expectPartingOnlyAtNearTie(prompt.name, found[p], ours[p].ids, theirs[p]));
  });
});
