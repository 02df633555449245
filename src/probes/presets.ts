// Preset experiments: a few probe requests run one after another as one experiment, under one name a
// link can carry (`?preset=rope-pi-abf&ctx=2048`). "RoPE vs PI vs ABF" is the lab's version of Llama 2
// Long's comparison (Xiong et al. 2023): the lab's stage-1 model (trained at 256 tokens, for reference)
// and its three continuations to 2,048 tokens — RoPE unchanged, position interpolation ×8, base 500,000 —
// each under its own RoPE, on held-out addresses none of them trained on: loss by position, attention
// over distance and passkey retrieval.
import type { RopeConfig } from '../rope/config.ts';
import { parseProbeRequest } from './request.ts';
import type { RopeVariant } from './provenance.ts';
import { EXTEND_CONTEXT, EXTEND_SMOLLM2, EXTEND_TITLE, extendSmolLM2Suite, SMOLLM2_135M } from './preset-extend.ts';
import type { PresetModel, ProbeSuite } from './suite.ts';

export type { PresetModel, ProbeSuite } from './suite.ts';

/**
 * Why the loaded model cannot run a preset written for `needed`, or null when it can: the shape and the
 * RoPE must be the preset's (the variants are absolute configurations, not changes to whatever is loaded).
 */
export function presetModelMismatch(
  needed: PresetModel,
  loaded: { name: string; layers: number; heads: number; kvHeads: number; trainedContext: number; rope: RopeConfig },
): string | null {
  const problems: string[] = [];
  if (loaded.layers !== needed.layers || loaded.heads !== needed.heads || loaded.kvHeads !== needed.kvHeads) {
    problems.push(
      `${loaded.layers} layers, ${loaded.heads} heads / ${loaded.kvHeads} KV heads (needs ${needed.layers}, ${needed.heads} / ${needed.kvHeads})`,
    );
  }
  if (loaded.rope.type !== needed.rope.type || loaded.rope.base !== needed.rope.base || loaded.rope.headDim !== needed.rope.headDim) {
    problems.push(
      `RoPE ${loaded.rope.type} base ${loaded.rope.base}, head dim ${loaded.rope.headDim} (needs base ${needed.rope.base}, head dim ${needed.rope.headDim})`,
    );
  }
  if (loaded.trainedContext !== needed.trainedContext)
    problems.push(`trained context ${loaded.trainedContext} (needs ${needed.trainedContext})`);
  return problems.length === 0
    ? null
    : `this experiment is written for ${needed.name}; the loaded model '${loaded.name}' has ${problems.join('; ')}`;
}

export const ROPE_PI_ABF = 'rope-pi-abf';
const ROPE_PI_ABF_TITLE = 'RoPE vs PI vs ABF';

/** The contexts the preset accepts: room for a passkey prompt at the low end; past 16K the KV cache gets large. */
export const PRESET_CONTEXT = { min: 256, max: 16384, default: 2048 } as const;
/** Shortest passkey prompt asked for: the bare prompt (task, key line, question) takes 60–170 tokens by vocabulary. */
const PASSKEY_MIN_LENGTH = 192;

/** The four models, stage 1 first as the reference every curve is read against. */
export const FAMILY_VARIANTS: RopeVariant[] = [
  { label: 'stage 1 (256)', rope: null, model: 'builtin:stage1' },
  { label: 'RoPE', rope: null, model: 'builtin:rope' },
  { label: 'PI ×8', rope: null, model: 'builtin:pi' },
  { label: 'ABF 500K', rope: null, model: 'builtin:abf' },
];

/** Loss is averaged over this many held-out addresses (the latest ones). */
const LOSS_TEXTS = 4;

/** Passkey prompt lengths: a quarter, half and all of the context, none shorter than the bare prompt may need. */
export function passkeyLengths(ctx: number): number[] {
  const lengths = [ctx / 4, ctx / 2, ctx].map(Math.floor).filter((l) => l >= PASSKEY_MIN_LENGTH);
  return [...new Set(lengths)];
}

/**
 * The "RoPE vs PI vs ABF" requests at `ctx` tokens; `heldOut` are held-out text ids in year order
 * (src/data/split.ts), the latest of which are read.
 */
export function ropePiAbfSuite(ctx: number, heldOut: readonly string[]): ProbeSuite {
  checkPresetContext(ctx);
  if (heldOut.length === 0) throw new RangeError('the preset needs at least one held-out text');
  const texts = heldOut.slice(-LOSS_TEXTS);
  const variants = FAMILY_VARIANTS;
  const asked: Array<[string, Record<string, unknown>]> = [
    ['loss-by-position', { texts, ctx, variants }],
    ['attention-distance', { text: texts.at(-1), ctx, variants }],
    ['passkey', { lengths: passkeyLengths(ctx), depths: [0, 0.5, 1], trials: 2, seed: 1, variants }],
  ];
  const requests = asked.map(([probe, options]) => {
    const parsed = parseProbeRequest(probe, options);
    if (!parsed.ok) throw new Error(`preset ${ROPE_PI_ABF}: ${parsed.error}`); // a bug in this file, not bad input
    return parsed.request;
  });
  return { preset: ROPE_PI_ABF, title: ROPE_PI_ABF_TITLE, ctx, requests };
}

export function checkPresetContext(ctx: number): void {
  if (!Number.isInteger(ctx) || ctx < PRESET_CONTEXT.min || ctx > PRESET_CONTEXT.max) {
    throw new RangeError(`the preset's context must be an integer from ${PRESET_CONTEXT.min} to ${PRESET_CONTEXT.max} tokens, got ${ctx}`);
  }
}

/** A preset experiment: its title, the contexts it accepts, and its requests at a context. */
export interface PresetDefinition {
  title: string;
  context: { min: number; max: number; default: number };
  /** `heldOut`: the held-out text ids in year order (src/data/split.ts). */
  suite(ctx: number, heldOut: readonly string[]): ProbeSuite;
  /** The model the preset runs on, when not the lab's own (the page then loads no default model for it). */
  model?: PresetModel;
}

export const PRESETS: Readonly<Record<string, PresetDefinition>> = {
  [ROPE_PI_ABF]: { title: ROPE_PI_ABF_TITLE, context: PRESET_CONTEXT, suite: ropePiAbfSuite },
  [EXTEND_SMOLLM2]: { title: EXTEND_TITLE, context: EXTEND_CONTEXT, suite: (ctx) => extendSmolLM2Suite(ctx), model: SMOLLM2_135M },
};

export const PRESET_TITLES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(PRESETS).map(([id, p]) => [id, p.title]));

/** The preset named `id` (own keys only: the id comes from URLs and messages), or null. */
export function findPreset(id: string): PresetDefinition | null {
  return Object.hasOwn(PRESETS, id) ? PRESETS[id] : null;
}
