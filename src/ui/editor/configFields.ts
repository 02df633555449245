// Which RopeConfig fields the editor shows for each rope type, how they are labelled, and what a type
// switch fills in. Values are only proposed here; validateRopeConfig decides what is accepted.
import { rotatedDim, type RopeConfig, type RopeType } from '../../rope/index.ts';

export type NumberFieldKey =
  | 'headDim'
  | 'base'
  | 'partialRotaryFactor'
  | 'factor'
  | 'originalContext'
  | 'maxPositionEmbeddings'
  | 'seqLen'
  | 'betaFast'
  | 'betaSlow'
  | 'mscale'
  | 'mscaleAllDim'
  | 'attentionFactor'
  | 'lowFreqFactor'
  | 'highFreqFactor'
  | 'xposScaleBase';
export type ListFieldKey = 'shortFactor' | 'longFactor';
export type FieldKey = NumberFieldKey | ListFieldKey | 'truncate';

export interface FieldSpec {
  key: FieldKey;
  label: string;
  /** Shown as the input's title: what the field means and its default when left empty. */
  help: string;
  required?: boolean;
  integer?: boolean;
}

const F: Record<FieldKey, FieldSpec> = {
  headDim: { key: 'headDim', label: 'head dim d', help: 'Head dimension (even, 2..1024).', required: true, integer: true },
  base: { key: 'base', label: 'base b', help: 'RoPE base (rope_theta): θᵢ = b^(−2i/d).', required: true },
  partialRotaryFactor: { key: 'partialRotaryFactor', label: 'partial rotary', help: 'Fraction of the head that is rotated (default 1).' },
  factor: { key: 'factor', label: 'factor s', help: 'Scaling factor (context extension ratio).' },
  originalContext: {
    key: 'originalContext',
    label: 'original context',
    help: 'original_max_position_embeddings (trained length).',
    integer: true,
  },
  maxPositionEmbeddings: { key: 'maxPositionEmbeddings', label: 'max positions', help: 'max_position_embeddings.', integer: true },
  seqLen: { key: 'seqLen', label: 'sequence length', help: 'Current sequence length (dynamic NTK, longrope).', integer: true },
  betaFast: { key: 'betaFast', label: 'β fast', help: 'YaRN beta_fast (default 32).' },
  betaSlow: { key: 'betaSlow', label: 'β slow', help: 'YaRN beta_slow (default 1).' },
  mscale: { key: 'mscale', label: 'mscale', help: 'YaRN mscale (default 1).' },
  mscaleAllDim: { key: 'mscaleAllDim', label: 'mscale all dim', help: 'YaRN mscale_all_dim (default 0).' },
  attentionFactor: { key: 'attentionFactor', label: 'attention factor', help: 'Explicit attention_factor (overrides the mscale rule).' },
  lowFreqFactor: { key: 'lowFreqFactor', label: 'low freq factor', help: 'llama3 low_freq_factor (default 1).' },
  highFreqFactor: { key: 'highFreqFactor', label: 'high freq factor', help: 'llama3 high_freq_factor (default 4).' },
  xposScaleBase: { key: 'xposScaleBase', label: 'xPos scale base', help: 'xPos γ (default 512).' },
  shortFactor: {
    key: 'shortFactor',
    label: 'short factors',
    help: 'longrope: one factor per rotated pair, comma-separated.',
    required: true,
  },
  longFactor: { key: 'longFactor', label: 'long factors', help: 'longrope: one factor per rotated pair, comma-separated.', required: true },
  truncate: { key: 'truncate', label: 'truncate', help: 'YaRN: round the correction range to whole pairs (default true).' },
};

const req = (spec: FieldSpec): FieldSpec => ({ ...spec, required: true });

export const COMMON_FIELDS: FieldSpec[] = [F.headDim, F.base, F.partialRotaryFactor];

export const TYPE_FIELDS: Record<RopeType, FieldSpec[]> = {
  default: [],
  linear: [req(F.factor)],
  ntk: [req(F.factor)],
  dynamic: [req(F.factor), F.maxPositionEmbeddings, F.originalContext, F.seqLen],
  yarn: [
    F.factor,
    F.originalContext,
    F.maxPositionEmbeddings,
    F.betaFast,
    F.betaSlow,
    F.mscale,
    F.mscaleAllDim,
    F.attentionFactor,
    F.truncate,
  ],
  longrope: [F.originalContext, F.maxPositionEmbeddings, F.seqLen, F.attentionFactor, F.shortFactor, F.longFactor],
  llama3: [req(F.factor), req(F.originalContext), F.lowFreqFactor, F.highFreqFactor],
  xpos: [F.xposScaleBase],
};

export const TYPE_LABELS: Record<RopeType, string> = {
  default: 'default (plain RoPE)',
  linear: 'linear (PI)',
  dynamic: 'dynamic NTK',
  yarn: 'YaRN',
  longrope: 'LongRoPE',
  llama3: 'llama3',
  ntk: 'NTK-aware (static)',
  xpos: 'xPos',
};

/**
 * The config after switching to `type`: the common fields and every field the new type shows are kept;
 * the new type's required fields that are missing get the Llama 2 values (s = 8, trained 4096, llama3's
 * 8192, longrope factors of 1) so the switch yields a valid config the user can then edit.
 */
export function configForType(old: RopeConfig, type: RopeType): RopeConfig {
  const next: Record<string, unknown> = { type };
  for (const spec of [...COMMON_FIELDS, ...TYPE_FIELDS[type]]) {
    const value = old[spec.key as keyof RopeConfig];
    if (value !== undefined) next[spec.key] = value;
  }
  const config = next as unknown as RopeConfig;
  const needsFactor = TYPE_FIELDS[type].some((f) => f.key === 'factor');
  if (needsFactor && config.factor === undefined) config.factor = 8;
  if (type === 'llama3' && config.originalContext === undefined) config.originalContext = 8192;
  if (type === 'dynamic' && config.maxPositionEmbeddings === undefined && config.originalContext === undefined)
    config.maxPositionEmbeddings = 4096;
  if ((type === 'yarn' || type === 'longrope') && config.originalContext === undefined && config.maxPositionEmbeddings === undefined)
    config.originalContext = 4096;
  if (type === 'longrope') {
    const pairs = rotatedDim(config) / 2;
    if (config.shortFactor?.length !== pairs) config.shortFactor = new Array(pairs).fill(1);
    if (config.longFactor?.length !== pairs) config.longFactor = new Array(pairs).fill(1);
  }
  return config;
}

/** The config with one field set (undefined removes it). */
export function withField(config: RopeConfig, key: FieldKey, value: number | number[] | boolean | undefined): RopeConfig {
  const next: Record<string, unknown> = { ...config };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as unknown as RopeConfig;
}
