// "Extending SmolLM2 past 8K": Llama 2 Long's question (Xiong et al. 2023) asked of a real pretrained
// model, zero-shot. SmolLM2-135M-Instruct was trained at 8,192 tokens with RoPE base 100,000; it is
// scored at 1/8, 1/4, 1/2 and all of the experiment's context (4K, 8K, 16K and 32K by default) under its
// own RoPE and under each extension a researcher would try without retraining: a raised base (ABF-style,
// ×5, ×10, ×50), position interpolation (×2, ×4), static and dynamic NTK-aware scaling (×4), YaRN (×4) and
// Llama 3.1's per-band scaling (×4), the last four set for an original context of 8,192. The probes:
// perplexity (llama.cpp's chunks and a sliding window), loss by position, passkey retrieval (lengths ×
// depths), attention mass by distance with the first token's share (the attention sink), and q/k norms
// per rotary pair. Texts: the held-out State of the Union addresses as one document (≈ 207K tokens),
// and Moby-Dick for a second long document in loss by position.
import { HELD_OUT_DOCUMENT } from '../data/split.ts';
import type { RopeConfig } from '../rope/config.ts';
import type { RopeVariant } from './provenance.ts';
import { parseProbeRequest } from './request.ts';
import type { PresetModel, ProbeSuite } from './suite.ts';

export const EXTEND_SMOLLM2 = 'extend-smollm2';
export const EXTEND_TITLE = 'Extending SmolLM2 past 8K';

/** What the preset runs on: the RoPE the variants are written against, checked against the loaded model. */
export const SMOLLM2_135M: PresetModel = {
  name: 'SmolLM2-135M-Instruct',
  catalogueId: 'smollm2-135m-instruct',
  rope: { headDim: 64, base: 100_000, type: 'default' },
  trainedContext: 8192,
  layers: 30,
  heads: 9,
  kvHeads: 3,
};

/** From 1K (contexts 128…1K, for a quick look) to 32K, where f16 K/V take 754 MB. */
export const EXTEND_CONTEXT = { min: 1024, max: 32768, default: 32768 } as const;

// Sized so that all ten variants run in about ten minutes on an H100: per variant and method the
// perplexity windows read 2·(4K + 8K + 16K + 32K) = 120K tokens, and the passkey prompts 300K.
/** Windows per context in the perplexity probes. */
const PERPLEXITY_WINDOWS = 2;
const PASSKEY_DEPTHS = [0, 0.25, 0.5, 0.75, 1];
const PASSKEY_TRIALS = 1;

/** The contexts the experiment scores at: an eighth, a quarter, half and all of `ctx`. */
export function extendContexts(ctx: number): number[] {
  return [ctx / 8, ctx / 4, ctx / 2, ctx].map(Math.floor);
}

/** The extensions, each a complete RopeConfig written against SmolLM2's own (`rope: null` is the own RoPE). */
export function extendVariants(own: RopeConfig = SMOLLM2_135M.rope, trained = SMOLLM2_135M.trainedContext): RopeVariant[] {
  const base = (times: number, label: string): RopeVariant => ({ label, rope: { ...own, base: own.base * times } });
  const scaled = (type: RopeConfig['type'], factor: number, label: string, extra: Partial<RopeConfig> = {}): RopeVariant => ({
    label,
    rope: { ...own, type, factor, ...extra },
  });
  return [
    { label: 'own (base 100K)', rope: null },
    base(5, 'base ×5 (500K)'),
    base(10, 'base ×10 (1M)'),
    base(50, 'base ×50 (5M)'),
    scaled('linear', 2, 'PI ×2'),
    scaled('linear', 4, 'PI ×4'),
    scaled('ntk', 4, 'NTK ×4'),
    // no seqLen: the engines stretch the base for the length of each window, as transformers does per call
    scaled('dynamic', 4, 'dynamic NTK ×4', { maxPositionEmbeddings: trained }),
    scaled('yarn', 4, 'YaRN ×4', { originalContext: trained }),
    scaled('llama3', 4, 'llama3 ×4', { originalContext: trained, lowFreqFactor: 1, highFreqFactor: 4 }),
  ];
}

export function checkExtendContext(ctx: number): void {
  if (!Number.isInteger(ctx) || ctx < EXTEND_CONTEXT.min || ctx > EXTEND_CONTEXT.max || ctx % 8 !== 0) {
    throw new RangeError(
      `the preset's context must be a multiple of 8 from ${EXTEND_CONTEXT.min} to ${EXTEND_CONTEXT.max} tokens, got ${ctx}`,
    );
  }
}

/** The experiment's requests at `ctx` tokens. */
export function extendSmolLM2Suite(ctx: number): ProbeSuite {
  checkExtendContext(ctx);
  const contexts = extendContexts(ctx);
  const variants = extendVariants();
  const asked: Array<[string, Record<string, unknown>]> = [
    ['perplexity', { text: HELD_OUT_DOCUMENT, method: 'chunked', contexts, maxWindows: PERPLEXITY_WINDOWS, variants }],
    ['perplexity', { text: HELD_OUT_DOCUMENT, method: 'sliding', contexts, maxWindows: PERPLEXITY_WINDOWS, variants }],
    ['loss-by-position', { texts: [HELD_OUT_DOCUMENT, 'moby-dick'], ctx, variants }],
    ['passkey', { lengths: contexts, depths: PASSKEY_DEPTHS, trials: PASSKEY_TRIALS, seed: 1, variants }],
    ['attention-distance', { text: HELD_OUT_DOCUMENT, ctx, variants }],
  ];
  const requests = asked.map(([probe, options]) => {
    const parsed = parseProbeRequest(probe, options);
    if (!parsed.ok) throw new Error(`preset ${EXTEND_SMOLLM2}: ${parsed.error}`); // a bug in this file, not bad input
    return parsed.request;
  });
  return { preset: EXTEND_SMOLLM2, title: EXTEND_TITLE, ctx, requests, model: SMOLLM2_135M };
}
