// The SmolLM2-vs-llama.cpp cases shared by the CI tests and the long GPU test: the held-out text and
// the perplexity on both sides by the same formula over the same chunks; the greedy prompts and the rule
// for where Q4_1 runs may part.
import { expect } from 'vitest';
import { nodeBuiltinTexts } from '../../src/data/texts-node.ts';
import { perplexityChunks } from '../../src/engine/perplexity.ts';
import { logProb, ReferenceModel, type ReferenceOptions, type ReferenceWeights } from '../../src/engine/reference.ts';
import type { RopeConfig } from '../../src/rope/config.ts';
import { computeRope } from '../../src/rope/frequencies.ts';
import { validateRopeConfig } from '../../src/rope/validate.ts';
import type { Tokenizer } from '../../src/tokenizer/index.ts';
import {
  createLlamaContext,
  greedyLikeLlamaCpp,
  llamaTokenize,
  loadLlamaModel,
  perplexityLikeLlamaCpp,
  tokenizeForPerplexity,
  type GreedyStep,
  type LlamaConfigName,
  type LlamaCppPerplexity,
  type LlamaRopeOverride,
} from './llamacpp-live.ts';

/** A held-out address (src/data/split.ts): 5,336 SmolLM2 tokens, two chunks of 2,048. */
export const HELD_OUT_TEXT = 'sotu-1819-james-monroe';

export async function heldOutText(): Promise<string> {
  const text = nodeBuiltinTexts().find((t) => t.id === HELD_OUT_TEXT);
  if (!text) throw new Error(`no built-in text ${HELD_OUT_TEXT}`);
  return text.load();
}

export interface LlamaRun {
  /** llama.cpp's own tokenization of the text (add_special, as llama-perplexity). */
  tokens: number[];
  bos: number | null;
  result: LlamaCppPerplexity;
}

/** llama-perplexity's figure over the first `chunks` chunks of n_ctx `nCtx`, with a RoPE override if given. */
export async function llamaPerplexity(
  path: string,
  text: string,
  nCtx: number,
  chunks: number,
  config: LlamaConfigName,
  rope: LlamaRopeOverride = {},
): Promise<LlamaRun> {
  const model = await loadLlamaModel(path, rope);
  try {
    const context = await createLlamaContext(model, nCtx, config);
    try {
      const tokens = tokenizeForPerplexity(model, text);
      const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
      const result = await perplexityLikeLlamaCpp(context.getSequence(), tokens, nCtx, bos, bos !== null, { maxChunks: chunks });
      return { tokens, bos, result };
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

/** The lab's perplexity over the same chunks: `score` gives a chunk's −Σ log p over positions ≥ first. */
export async function labPerplexity(
  tokens: number[],
  bos: number | null,
  nCtx: number,
  chunks: number,
  score: (chunk: number[], first: number) => Promise<{ nll: number; scored: number }>,
): Promise<{ perplexity: number; chunkNll: number[] }> {
  const chunkNll: number[] = [];
  let scored = 0;
  for (const chunk of perplexityChunks(tokens, nCtx, bos).slice(0, chunks)) {
    const r = await score(chunk, nCtx / 2);
    chunkNll.push(r.nll);
    scored += r.scored;
  }
  return { perplexity: Math.exp(chunkNll.reduce((a, b) => a + b, 0) / scored), chunkNll };
}

/** ours / theirs − 1. */
export const relativeGap = (ours: number, theirs: number) => ours / theirs - 1;

// ------------------------------------------------------------------------------------------- greedy

export const GREEDY_TOKENS = 64;

/** Plain text, code, and a chat turn (control tokens in the prompt). */
export const PROMPTS: { name: string; text: (t: Tokenizer) => string; parseSpecial: boolean }[] = [
  { name: 'prose', text: () => 'The capital of France is', parseSpecial: false },
  { name: 'code', text: () => 'def fibonacci(n):\n', parseSpecial: false },
  {
    name: 'chat',
    text: (t) => t.applyChatTemplate([{ role: 'user', content: 'Write a haiku about the sea.' }], { addGenerationPrompt: true }),
    parseSpecial: true,
  },
];

/** llama.cpp's greedy steps for each prompt (F32 KV cache, no flash attention). */
export async function llamaGreedyRuns(path: string, tokenizer: Tokenizer): Promise<GreedyStep[][]> {
  const model = await loadLlamaModel(path);
  try {
    const context = await createLlamaContext(model, 256, 'f32');
    try {
      const sequence = context.getSequence();
      const runs: GreedyStep[][] = [];
      for (const prompt of PROMPTS)
        runs.push(await greedyLikeLlamaCpp(sequence, llamaTokenize(model, prompt.text(tokenizer), prompt.parseSpecial), GREEDY_TOKENS));
      return runs;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}

/**
 * Where Q4_1 runs may part. llama.cpp rounds each matmul's input to 8 bits per 32 values (Q8_1 for Q4_1
 * weights, Q8_0 for the Q8_0 output matrix; see tests/helpers/llamacpp-arithmetic.ts); the lab does not. That
 * moves the margin between llama.cpp's two best tokens (top logit − runner-up) by up to 0.48 over the
 * CPU reference's runs (0.48, 0.41, 0.32 per prompt, measured when this was written), so a step whose
 * margin is below NEAR_TIE, about twice that, may go either way; a clearer step must not.
 */
export const NEAR_TIE = 1;

export interface GreedyComparison {
  /** First token where the ids differ, or −1. */
  parted: number;
  /** Largest |our margin − llama.cpp's| between llama.cpp's two best tokens, up to and including `parted` (null without our logits). */
  shift: number | null;
  summary: string;
}

/** ours: the lab's ids, and the logits each was chosen from where the lab returns them. */
export function compareGreedy(ours: { ids: number[]; logits?: ArrayLike<number>[] }, theirs: GreedyStep[]): GreedyComparison {
  const parted = ours.ids.findIndex((id, i) => id !== theirs[i].id);
  const upTo = parted < 0 ? theirs.length : parted + 1;
  const logits = ours.logits;
  const shift = logits
    ? Math.max(...theirs.slice(0, upTo).map((s, i) => Math.abs(logits[i][s.id] - logits[i][s.second] - s.margin)))
    : null;
  const shiftText = shift === null ? '' : `; largest margin shift ${shift.toExponential(2)}`;
  const summary =
    parted < 0
      ? `all ${theirs.length} ids identical${shiftText}`
      : `parted at token ${parted}: llama.cpp ${theirs[parted].id} (margin ${theirs[parted].margin.toFixed(4)}, runner-up ${theirs[parted].second}), ours ${ours.ids[parted]}${shiftText}`;
  return { parted, shift, summary };
}

/** The Q4_1 rule: a parting only at a near tie, onto llama.cpp's runner-up; margins moved less than NEAR_TIE. */
export function expectPartingOnlyAtNearTie(name: string, c: GreedyComparison, ours: number[], theirs: GreedyStep[]): void {
  if (c.parted >= 0) {
    expect(theirs[c.parted].margin, `${name}: parted at token ${c.parted}, not a near tie`).toBeLessThan(NEAR_TIE);
    expect(ours[c.parted], `${name}: our choice at token ${c.parted} is llama.cpp's runner-up`).toBe(theirs[c.parted].second);
  }
  if (c.shift !== null) expect(c.shift, `${name}: margin shift`).toBeLessThan(NEAR_TIE);
}

// ------------------------------------------------------------------------------------ RoPE overrides

/** The two overrides the issue names, as llama.cpp's flags and as the lab's RopeConfig, from the model's own RoPE. */
export const ROPE_OVERRIDES: { name: string; of: (model: RopeConfig) => { llama: LlamaRopeOverride; lab: RopeConfig } }[] = [
  {
    name: 'base ×10',
    of: (m) => ({ llama: { freqBase: m.base * 10 }, lab: checkedRope({ headDim: m.headDim, base: m.base * 10, type: 'default' }) }),
  },
  {
    name: 'linear ×2',
    of: (m) => ({ llama: { linearFactor: 2 }, lab: checkedRope({ headDim: m.headDim, base: m.base, type: 'linear', factor: 2 }) }),
  },
];

function checkedRope(config: object): RopeConfig {
  const checked = validateRopeConfig(config);
  if (!checked.ok) throw new Error(checked.error);
  return checked.config;
}

/** A perplexity chunk scored by the CPU reference (fresh cache per chunk), under `rope` when given. */
export function referenceScorer(weights: ReferenceWeights, nCtx: number, options: ReferenceOptions & { rope?: RopeConfig } = {}) {
  const table = options.rope ? computeRope(options.rope) : null;
  return async (chunk: number[], first: number) => {
    const model = new ReferenceModel(weights, nCtx, options);
    if (table) model.setRope(table);
    let nll = 0;
    for (let pos = 0; pos < chunk.length - 1; pos++) {
      const logits = model.forward(chunk[pos], pos);
      if (pos >= first) nll -= logProb(logits, chunk[pos + 1]);
    }
    return { nll, scored: chunk.length - 1 - first };
  };
}
