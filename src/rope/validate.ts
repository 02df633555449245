// Strict validation of a RopeConfig from an untrusted source (URL, embed, CLI, JSON): every field is
// checked for type and range, unknown keys are rejected, and each rope type's required fields must be
// present. The first problem found is reported in one line naming the field.
import { quote, showKey } from '../untrusted/plainData.ts';
import { ROPE_TYPES, type RopeConfig, type RopeType } from './config.ts';

type Check = (value: unknown) => string | null;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const positive: Check = (v) => (isNumber(v) && v > 0 ? null : 'must be a finite number > 0');
const nonNegative: Check = (v) => (isNumber(v) && v >= 0 ? null : 'must be a finite number ≥ 0');
const positiveInt: Check = (v) => (isNumber(v) && Number.isInteger(v) && v >= 1 ? null : 'must be a positive integer');
/** One factor per rotated pair: headDim ≤ 1024 has at most 512 (checked before the entries are read). */
const MAX_FACTORS = 512;
const positiveList: Check = (v) =>
  Array.isArray(v) && v.length > 0 && v.length <= MAX_FACTORS && v.every((x) => isNumber(x) && x > 0)
    ? null
    : `must be a non-empty list of at most ${MAX_FACTORS} finite numbers > 0`;

const FIELD_CHECKS: Record<Exclude<keyof RopeConfig, 'type'>, Check> = {
  headDim: (v) => (isNumber(v) && Number.isInteger(v) && v >= 2 && v <= 1024 && v % 2 === 0 ? null : 'must be an even integer in 2..1024'),
  base: (v) => (isNumber(v) && v > 1 ? null : 'must be a finite number > 1'),
  factor: positive,
  originalContext: positiveInt,
  maxPositionEmbeddings: positiveInt,
  seqLen: positiveInt,
  betaFast: positive,
  betaSlow: positive,
  truncate: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  mscale: nonNegative,
  mscaleAllDim: nonNegative,
  attentionFactor: positive,
  lowFreqFactor: positive,
  highFreqFactor: positive,
  shortFactor: positiveList,
  longFactor: positiveList,
  partialRotaryFactor: (v) => (isNumber(v) && v > 0 && v <= 1 ? null : 'must be a number in (0, 1]'),
  xposScaleBase: positive,
};
/** Looked up by untrusted keys: a Map has no inherited entries ('hasOwnProperty', '__proto__', …). */
const CHECKS_BY_KEY: ReadonlyMap<string, Check> = new Map(Object.entries(FIELD_CHECKS));

/** Fields a rope type cannot do without (yarn/longrope/dynamic accept either context field). */
function missingForType(type: RopeType, c: RopeConfig): string | null {
  const needFactor = type === 'linear' || type === 'ntk' || type === 'dynamic' || type === 'llama3';
  if (needFactor && c.factor === undefined) return `type '${type}' needs factor`;
  if (type === 'llama3' && c.originalContext === undefined) return `type 'llama3' needs originalContext`;
  if (type === 'dynamic' && c.maxPositionEmbeddings === undefined && c.originalContext === undefined)
    return `type 'dynamic' needs maxPositionEmbeddings (the trained length)`;
  if (type === 'yarn') {
    if (c.originalContext === undefined && c.maxPositionEmbeddings === undefined) return `type 'yarn' needs originalContext`;
    if (c.factor === undefined && (c.originalContext === undefined || c.maxPositionEmbeddings === undefined))
      return `type 'yarn' needs factor (or both maxPositionEmbeddings and originalContext)`;
  }
  if (type === 'longrope') {
    if (c.shortFactor === undefined || c.longFactor === undefined) return `type 'longrope' needs shortFactor and longFactor`;
    if (c.originalContext === undefined && c.maxPositionEmbeddings === undefined) return `type 'longrope' needs originalContext`;
  }
  return null;
}

/** Checks `input` field by field; on success returns a clean copy holding only known fields. */
export function validateRopeConfig(input: unknown): { ok: true; config: RopeConfig } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('rope config must be an object');
  const raw = input as Record<string, unknown>;
  if (!ROPE_TYPES.includes(raw.type as RopeType)) return fail(`type must be one of ${ROPE_TYPES.join(', ')}, got ${quote(raw.type)}`);
  if (raw.headDim === undefined) return fail('headDim is required');
  if (raw.base === undefined) return fail('base is required');
  const config: Record<string, unknown> = { type: raw.type };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type' || value === undefined) continue;
    const check = CHECKS_BY_KEY.get(key);
    if (!check) return fail(`unknown rope config field '${showKey(key)}'`);
    const problem = check(value);
    if (problem) return fail(`${key} ${problem}, got ${quote(value)}`);
    config[key] = Array.isArray(value) ? [...value] : value;
  }
  const c = config as unknown as RopeConfig;
  const missing = missingForType(c.type, c);
  if (missing) return fail(missing);

  const rotated = Math.floor(c.headDim * (c.partialRotaryFactor ?? 1));
  if (rotated < 4) return fail(`partialRotaryFactor leaves ${rotated} rotated dims; need at least 4`);
  const pairs = (rotated - (rotated % 2)) / 2;
  for (const key of ['shortFactor', 'longFactor'] as const) {
    const list = c[key];
    if (list && list.length !== pairs) return fail(`${key} must have ${pairs} entries (one per rotated pair), got ${list.length}`);
  }
  if ((c.lowFreqFactor ?? 1) >= (c.highFreqFactor ?? 4))
    return fail(`highFreqFactor (${c.highFreqFactor ?? 4}) must exceed lowFreqFactor (${c.lowFreqFactor ?? 1})`);
  if ((c.betaSlow ?? 1) > (c.betaFast ?? 32)) return fail(`betaFast (${c.betaFast ?? 32}) must be ≥ betaSlow (${c.betaSlow ?? 1})`);
  return { ok: true, config: c };
}
