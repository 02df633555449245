// A probe run as plain, JSON-safe data — what the embed protocol's {type: 'rope-lab:run', probe, options}
// carries, what a shared URL restores and what IndexedDB keeps beside a result — with strict validation
// of untrusted input (every problem named by its path, first one only) and one dispatcher to the runners.
// Texts are referred to by id: a built-in text id, or 'user' for the visitor's own text.
import { isBuiltinRef } from '../models/builtin.ts';
import type { RopeConfig } from '../rope/config.ts';
import { validateRopeConfig } from '../rope/validate.ts';
import { checkPlainData, quote, showKey, type DataBudget } from '../untrusted/plainData.ts';
import { runAttentionProbe, type AttentionProbeResult } from './attention-probe.ts';
import { runLossByPosition, runPerplexity, type LossByPositionResult, type PerplexityResult } from './loss-probe.ts';
import type { ProbeKind, ProbeText, RopeVariant } from './provenance.ts';
import { runFirstSentence, runPasskey, type FirstSentenceResult, type PasskeyResult } from './retrieval-probe.ts';
import type { ProbeContext } from './run-context.ts';

/** Variants one request compares: the charts' palette (Tableau 10) tells ten apart, as many as extend-smollm2 has. */
export const MAX_VARIANTS = 10;

export const PROBE_KINDS: readonly ProbeKind[] = ['loss-by-position', 'perplexity', 'attention-distance', 'passkey', 'first-sentence'];

interface Common {
  variants: RopeVariant[];
}

export type ProbeRequest =
  | (Common & { probe: 'loss-by-position'; texts: string[]; ctx: number; binsPerOctave?: number })
  | (Common & {
      probe: 'perplexity';
      text: string;
      method: 'chunked' | 'sliding';
      contexts: number[];
      stride?: number;
      maxWindows?: number;
    })
  | (Common & { probe: 'attention-distance'; text: string; ctx: number; queryBinEdges?: number[]; mapOf?: { layer: number; head: number } })
  | (Common & { probe: 'passkey'; lengths: number[]; depths: number[]; trials: number; seed: number; maxTokens?: number })
  | (Common & { probe: 'first-sentence'; texts: string[]; lengths: number[]; trials: number; seed: number; extraTokens?: number });

export type ProbeResult = LossByPositionResult | PerplexityResult | AttentionProbeResult | PasskeyResult | FirstSentenceResult;

type Field = (v: unknown, path: string) => void;

class RequestError extends Error {}
const fail = (path: string, what: string): never => {
  throw new RequestError(`${path} ${what}`);
};

const nonNegativeInt: Field = (v, p) => {
  if (!(Number.isInteger(v) && (v as number) >= 0)) fail(p, `must be an integer ≥ 0, got ${quote(v)}`);
};
const positiveInt: Field = (v, p) => {
  if (!(Number.isInteger(v) && (v as number) >= 1)) fail(p, `must be a positive integer, got ${quote(v)}`);
};
const contextLength: Field = (v, p) => {
  if (!(Number.isInteger(v) && (v as number) >= 2)) fail(p, `must be an integer ≥ 2, got ${quote(v)}`);
};
const int32: Field = (v, p) => {
  if (!(Number.isInteger(v) && Math.abs(v as number) < 2 ** 31)) fail(p, `must be a 32-bit integer, got ${quote(v)}`);
};
const fraction: Field = (v, p) => {
  if (!(typeof v === 'number' && v >= 0 && v <= 1)) fail(p, `must be a number in [0, 1], got ${quote(v)}`);
};
const textId: Field = (v, p) => {
  if (!(typeof v === 'string' && /^[a-z0-9-]{1,80}$/.test(v)))
    fail(p, `must be a text id (lowercase letters, digits, '-'), got ${quote(v)}`);
};
const oneOf =
  (values: readonly string[]): Field =>
  (v, p) => {
    if (!values.includes(v as string)) fail(p, `must be one of ${values.join(', ')}, got ${quote(v)}`);
  };
const list =
  (item: Field, max = 64): Field =>
  (v, p) => {
    if (!Array.isArray(v) || v.length === 0 || v.length > max) fail(p, `must be a list of 1 to ${max} items`);
    (v as unknown[]).forEach((x, i) => item(x, `${p}[${i}]`));
  };
const head: Field = (v, p) => {
  if (typeof v !== 'object' || v === null) fail(p, 'must be {layer, head}');
  checkKeys(v as Record<string, unknown>, p, { layer: nonNegativeInt, head: nonNegativeInt }, ['layer', 'head']);
};
const variant: Field = (v, p) => {
  if (typeof v !== 'object' || v === null) fail(p, 'must be {label, rope, model?}');
  const { label, rope, model } = v as { label?: unknown; rope?: unknown; model?: unknown };
  if (typeof label !== 'string' || label.length === 0 || label.length > 80) fail(`${p}.label`, 'must be a string of 1 to 80 characters');
  if (rope !== null) {
    const checked = validateRopeConfig(rope);
    if (!checked.ok) fail(`${p}.rope`, checked.error);
  }
  if (model !== undefined && !isBuiltinRef(model))
    fail(`${p}.model`, `must be a built-in model reference (builtin:<name>), got ${quote(model)}`);
  for (const key of Object.keys(v as object))
    if (!['label', 'rope', 'model'].includes(key)) fail(`${p}.${showKey(key)}`, 'is not a variant field');
};

/**
 * What one request's options may hold, walked before any field is read: 10 variants with LongRoPE factor
 * lists and 4,096 bin edges stay under 20,000 values; 1,000 text ids under 100,000 characters.
 */
export const REQUEST_BUDGET: DataBudget = { maxNodes: 50_000, maxDepth: 6, maxArray: 4096, maxChars: 200_000 };

const SCHEMAS: Record<ProbeKind, { fields: Record<string, Field>; required: string[] }> = {
  'loss-by-position': { fields: { texts: list(textId), ctx: contextLength, binsPerOctave: positiveInt }, required: ['texts', 'ctx'] },
  perplexity: {
    fields: {
      text: textId,
      method: oneOf(['chunked', 'sliding']),
      contexts: list(contextLength),
      stride: positiveInt,
      maxWindows: positiveInt,
    },
    required: ['text', 'method', 'contexts'],
  },
  'attention-distance': {
    fields: { text: textId, ctx: contextLength, queryBinEdges: list(nonNegativeInt, 4096), mapOf: head },
    required: ['text', 'ctx'],
  },
  passkey: {
    fields: { lengths: list(positiveInt), depths: list(fraction), trials: positiveInt, seed: int32, maxTokens: positiveInt },
    required: ['lengths', 'depths', 'trials', 'seed'],
  },
  'first-sentence': {
    fields: { texts: list(textId, 1000), lengths: list(positiveInt), trials: positiveInt, seed: int32, extraTokens: positiveInt },
    required: ['texts', 'lengths', 'trials', 'seed'],
  },
};

/** Own keys only: the options' keys are untrusted, and `fields` inherits 'hasOwnProperty', '__proto__', … */
function checkKeys(obj: Record<string, unknown>, path: string, fields: Record<string, Field>, required: string[]): void {
  for (const key of required) if (!Object.hasOwn(obj, key) || obj[key] === undefined) fail(`${path}.${key}`, 'is required');
  for (const [key, value] of Object.entries(obj)) {
    if (!Object.hasOwn(fields, key)) fail(`${path}.${showKey(key)}`, 'is not an option of this probe');
    if (value !== undefined) fields[key](value, `${path}.${key}`);
  }
}

/**
 * A ProbeRequest from untrusted data ({probe, options} as the embed protocol sends it, or as a URL
 * decodes), or the first problem, naming its path ("options.depths[2] must be a number in [0, 1]").
 */
export function parseProbeRequest(probe: unknown, options: unknown): { ok: true; request: ProbeRequest } | { ok: false; error: string } {
  try {
    oneOf(PROBE_KINDS)(probe, 'probe');
    if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('options', 'must be an object');
    const shape = checkPlainData(options, 'options', REQUEST_BUDGET);
    if (shape) throw new RequestError(shape);
    const schema = SCHEMAS[probe as ProbeKind];
    const { variants, ...rest } = options as Record<string, unknown>;
    list(variant, MAX_VARIANTS)(variants ?? [{ label: 'own', rope: null }], 'options.variants');
    checkKeys(rest, 'options', schema.fields, schema.required);
    const request = { probe, ...rest, variants: (variants as RopeVariant[] | undefined) ?? [{ label: 'own', rope: null }] } as ProbeRequest;
    return { ok: true, request: normaliseRopes(request) };
  } catch (err) {
    if (err instanceof RequestError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Replaces each variant's rope by its validated form (defaults filled as validateRopeConfig returns it). */
function normaliseRopes(request: ProbeRequest): ProbeRequest {
  const variants = request.variants.map((v) => ({
    label: v.label,
    rope: v.rope === null ? null : (validateRopeConfig(v.rope) as { config: RopeConfig }).config,
    ...(v.model === undefined ? {} : { model: v.model }),
  }));
  return { ...request, variants };
}

/** Runs a request; `loadText` turns a text id (built-in, or 'user') into its text. */
export async function runProbeRequest(
  ctx: ProbeContext,
  request: ProbeRequest,
  loadText: (id: string) => Promise<string>,
): Promise<ProbeResult> {
  const text = async (id: string): Promise<ProbeText> => ({ id, text: await loadText(id) });
  const { variants } = request;
  switch (request.probe) {
    case 'loss-by-position':
      return runLossByPosition(ctx, {
        texts: await Promise.all(request.texts.map(text)),
        ctx: request.ctx,
        binsPerOctave: request.binsPerOctave,
        variants,
      });
    case 'perplexity':
      return runPerplexity(ctx, {
        text: await text(request.text),
        method: request.method,
        contexts: request.contexts,
        stride: request.stride,
        maxWindows: request.maxWindows,
        variants,
      });
    case 'attention-distance':
      return runAttentionProbe(ctx, {
        text: await text(request.text),
        ctx: request.ctx,
        queryBinEdges: request.queryBinEdges,
        mapOf: request.mapOf,
        variants,
      });
    case 'passkey':
      return runPasskey(ctx, {
        lengths: request.lengths,
        depths: request.depths,
        trials: request.trials,
        seed: request.seed,
        maxTokens: request.maxTokens,
        variants,
      });
    case 'first-sentence':
      return runFirstSentence(ctx, {
        texts: await Promise.all(request.texts.map(text)),
        lengths: request.lengths,
        trials: request.trials,
        seed: request.seed,
        extraTokens: request.extraTokens,
        variants,
      });
  }
}

/** Positions the KV cache must hold for a request (the generation probes add their answers). */
export function contextNeeded(request: ProbeRequest): number {
  switch (request.probe) {
    case 'loss-by-position':
    case 'attention-distance':
      return request.ctx;
    case 'perplexity':
      return Math.max(...request.contexts);
    case 'passkey':
      return Math.max(...request.lengths) + (request.maxTokens ?? 8);
    case 'first-sentence':
      return Math.max(...request.lengths) + 256; // the answer (one first sentence) and slack, as `lab probe` allows
  }
}
