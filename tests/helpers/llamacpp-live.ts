// Real llama.cpp, asked live: node-llama-cpp's prebuilt CPU build of llama.cpp (the commit its
// llama/gitRelease.bundle holds, de3ff81 for 3.22.1), driven the way llama.cpp's own tools drive it.
// Nothing is built or downloaded (`build: 'never'`); the perplexity formula is shared with the fixture
// generator (scripts/llamacpp-reference/perplexity.mjs).
import {
  getLlama,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';

export { logitsVector, perplexityLikeLlamaCpp, rawLogits, type LlamaCppPerplexity } from '../../scripts/llamacpp-reference/perplexity.mjs';

/**
 * How llama.cpp keeps K/V and runs attention. 'f32' (F32 KV cache, no flash attention: the CPU flash
 * attention rounds K and V to f16 even from an F32 cache) is the like-for-like match for the lab's f32
 * arithmetic; 'defaults' is what llama-perplexity runs with (F16 cache, flash attention "auto", on for CPU).
 */
export const LLAMA_CONFIGS = {
  f32: { kvCacheType: 'F32', flashAttention: false },
  defaults: { kvCacheType: 'F16', flashAttention: 'auto' },
} as const;
export type LlamaConfigName = keyof typeof LLAMA_CONFIGS;

let shared: Promise<Llama> | null = null;

/**
 * The CPU backend, one thread unless ROPE_LAB_LLAMA_THREADS says more: CI machines are shared, and
 * ggml's thread pool spins badly when oversubscribed. ggml splits its matmuls by rows, so the thread
 * count changes speed, not the figures.
 */
export function llamaCpp(): Promise<Llama> {
  const maxThreads = Number(process.env.ROPE_LAB_LLAMA_THREADS ?? 1);
  shared ??= getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: LlamaLogLevel.error, maxThreads });
  return shared;
}

/** A RoPE override as llama.cpp's `--rope-freq-base` / `--rope-scale` (linear) give it. */
export interface LlamaRopeOverride {
  freqBase?: number;
  /** Linear scaling factor: llama.cpp's freq_scale is 1/factor. */
  linearFactor?: number;
}

/**
 * node-llama-cpp sends an integral number as an INT metadata override, which llama.cpp refuses for a
 * float key (it warns and keeps the file's value). A nudge far below float32's spacing makes it a FLOAT
 * override; llama.cpp stores it as float, which rounds the nudge away exactly.
 */
function asFloatOverride(value: number): number {
  if (!Number.isInteger(value)) return value;
  const nudged = value * (1 + 2 ** -40);
  if (Number.isInteger(nudged) || Math.fround(nudged) !== Math.fround(value)) throw new Error(`cannot pass ${value} as a float override`);
  return nudged;
}

/**
 * Loads a GGUF into llama.cpp. A RoPE override goes in as a metadata override of the keys llama.cpp
 * reads its training RoPE from (llama.rope.freq_base, llama.rope.scaling.factor): with no context
 * override, cparams take them as they are, which is what `--rope-freq-base B --rope-scale F` set.
 */
export async function loadLlamaModel(path: string, rope: LlamaRopeOverride = {}, { vocabOnly = false } = {}): Promise<LlamaModel> {
  const llama = await llamaCpp();
  const ropeKeys: Record<string, unknown> = {};
  if (rope.freqBase !== undefined) ropeKeys.freq_base = asFloatOverride(rope.freqBase);
  // The scaling type defaults to linear when the file names none (SmolLM2's does not).
  if (rope.linearFactor !== undefined) ropeKeys.scaling = { factor: asFloatOverride(rope.linearFactor) };
  const metadataOverrides = Object.keys(ropeKeys).length > 0 ? { llama: { rope: ropeKeys } } : undefined;
  return llama.loadModel({ modelPath: path, vocabOnly, ...(metadataOverrides ? { metadataOverrides: metadataOverrides as never } : {}) });
}

export function createLlamaContext(model: LlamaModel, nCtx: number, config: LlamaConfigName): Promise<LlamaContext> {
  const { kvCacheType, flashAttention } = LLAMA_CONFIGS[config];
  return model.createContext({
    contextSize: nCtx,
    batchSize: nCtx,
    sequences: 1,
    flashAttention,
    experimentalKvCacheKeyType: kvCacheType,
    experimentalKvCacheValueType: kvCacheType,
  });
}

/** common_tokenize(vocab, text, add_special = false, parse_special): the binding calls exactly this. */
export function llamaTokenize(model: LlamaModel, text: string, parseSpecial = false): number[] {
  return Array.from(model.tokenize(text, parseSpecial), Number);
}

/** common_tokenize(ctx, text, add_special = true), as llama-perplexity tokenizes: BOS first when the vocabulary asks for it. */
export function tokenizeForPerplexity(model: LlamaModel, text: string): number[] {
  const ids = llamaTokenize(model, text);
  return model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos, ...ids] : ids;
}

export interface GreedyStep {
  /** The chosen token: the largest logit (the first on ties, as llama.cpp's greedy sampler). */
  id: number;
  /** The runner-up. */
  second: number;
  /** logit[id] − logit[second]: how near a tie the choice was. */
  margin: number;
}

export function topTwo(logits: ArrayLike<number>): GreedyStep {
  let id = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[id]) id = i;
  let second = id === 0 ? 1 : 0;
  for (let i = 0; i < logits.length; i++) if (i !== id && logits[i] > logits[second]) second = i;
  return { id, second, margin: logits[id] - logits[second] };
}

/**
 * `count` greedy tokens after `promptIds`, one decode per token as llama-cli does, from an empty
 * cache. Each step checks that llama.cpp's greedy sampler chose the argmax of the logits it returned.
 */
export async function greedyLikeLlamaCpp(sequence: LlamaContextSequence, promptIds: number[], count: number): Promise<GreedyStep[]> {
  await sequence.clearHistory();
  const steps: GreedyStep[] = [];
  const choose = { generateNext: { token: true, logits: true, options: { temperature: 0 } } } as const;
  let input: (Token | [Token, typeof choose])[] = promptIds.map((id, i) =>
    i === promptIds.length - 1 ? [id as Token, choose] : (id as Token),
  );
  for (let i = 0; i < count; i++) {
    const outputs = await sequence.controlledEvaluate(input);
    const next = outputs[outputs.length - 1]?.next;
    if (!next?.logits || next.token == null) throw new Error(`llama.cpp returned no token at step ${i}`);
    const logits = new Float32Array(next.logits.size);
    for (const [token, value] of next.logits) logits[token] = value;
    const step = topTwo(logits);
    if (step.id !== next.token) throw new Error(`llama.cpp's greedy sampler chose ${next.token}, its logits' argmax is ${step.id}`);
    steps.push(step);
    input = [[next.token, choose]];
  }
  return steps;
}

export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * llama.cpp's own rendering of a Jinja chat template: its C++ Jinja engine (common/jinja, what
 * llama-cli/llama-server apply templates with), reached through node-llama-cpp's binding
 * AddonJinjaRenderer (internal API: node-llama-cpp's own JinjaTemplateChatWrapper renders with
 * @huggingface/jinja first, the lab's engine, and falls back to this one only on failure). The inputs
 * are the ones common_chat_template_direct_apply sets; it would strip a leading BOS text only for
 * vocabularies that add BOS.
 */
export async function renderChatLikeLlamaCpp(
  template: string,
  messages: ChatMessage[],
  addGenerationPrompt: boolean,
  bos: string,
  eos: string,
): Promise<string> {
  const bindings = (
    (await llamaCpp()) as unknown as { _bindings: { AddonJinjaRenderer?: new (source: string) => { render(vars: object): string } } }
  )._bindings;
  if (!bindings.AddonJinjaRenderer) throw new Error('this node-llama-cpp build has no AddonJinjaRenderer');
  const vars: Record<string, unknown> = { messages, bos_token: bos, eos_token: eos, enable_thinking: true };
  if (addGenerationPrompt) vars.add_generation_prompt = true;
  return new bindings.AddonJinjaRenderer(template).render(vars);
}
