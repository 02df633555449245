// Rope configuration options shared by the rope, decay and context-bound commands: one spelling of every
// RopeConfig field as a kebab-case flag, an optional --preset to start from, and validation through
// validateRopeConfig with its messages rewritten to name the flag. Each number also has a range here,
// wider than any published configuration, so an absurd value is refused in one line instead of
// producing Infinity or NaN.
import { ROPE_PRESETS, validateRopeConfig, type RopeConfig } from '../rope/index.ts';
import { CliError, MAX_TOKENS_OPTION, numberListOption, rangeOption, type Range } from './args.ts';

/** A RoPE base: > 1 (θ must decrease), at most 1e15. */
export const ROPE_BASE_RANGE: Range = { above: 1, max: 1e15 };
/** A scaling factor (linear, NTK, YaRN, Llama 3, LongRoPE entries). */
export const ROPE_FACTOR_RANGE: Range = { above: 0, max: 1e4 };
const TOKENS: Range = { min: 1, max: MAX_TOKENS_OPTION, integer: true };

const FLAG_RANGES: Record<keyof typeof NUMBER_FLAGS, Range> = {
  'head-dim': { min: 2, max: 1024, integer: true },
  base: ROPE_BASE_RANGE,
  factor: ROPE_FACTOR_RANGE,
  'original-context': TOKENS,
  'max-position-embeddings': TOKENS,
  'seq-len': TOKENS,
  'beta-fast': ROPE_FACTOR_RANGE,
  'beta-slow': ROPE_FACTOR_RANGE,
  mscale: { min: 0, max: 1e3 },
  'mscale-all-dim': { min: 0, max: 1e3 },
  'attention-factor': { above: 0, max: 1e3 },
  'low-freq-factor': ROPE_FACTOR_RANGE,
  'high-freq-factor': ROPE_FACTOR_RANGE,
  'partial-rotary-factor': { above: 0, max: 1 },
  'xpos-scale-base': { above: 0, max: 1e9 },
};

/** Cosine steps (distances × rotary pairs) a command may spend scanning B(Δ). */
export const MAX_SCAN_STEPS = 2 ** 35;

/** Refuses a scan of `steps` cosine steps beyond MAX_SCAN_STEPS, naming the options that set its size. */
export function checkScanWork(steps: number, options: string): void {
  if (steps > MAX_SCAN_STEPS) {
    throw new CliError(
      `${options} ask for ${formatNumber(steps)} cosine evaluations, more than the ${formatNumber(MAX_SCAN_STEPS)} allowed: lower them`,
    );
  }
}

const NUMBER_FLAGS = {
  'head-dim': 'headDim',
  base: 'base',
  factor: 'factor',
  'original-context': 'originalContext',
  'max-position-embeddings': 'maxPositionEmbeddings',
  'seq-len': 'seqLen',
  'beta-fast': 'betaFast',
  'beta-slow': 'betaSlow',
  mscale: 'mscale',
  'mscale-all-dim': 'mscaleAllDim',
  'attention-factor': 'attentionFactor',
  'low-freq-factor': 'lowFreqFactor',
  'high-freq-factor': 'highFreqFactor',
  'partial-rotary-factor': 'partialRotaryFactor',
  'xpos-scale-base': 'xposScaleBase',
} as const satisfies Record<string, keyof RopeConfig>;

const LIST_FLAGS = { 'short-factor': 'shortFactor', 'long-factor': 'longFactor' } as const satisfies Record<string, keyof RopeConfig>;

type StringOption = { type: 'string' };
type BooleanOption = { type: 'boolean' };

/** parseOptions spec for every rope flag. */
export const ROPE_OPTIONS = {
  ...(Object.fromEntries(
    [...Object.keys(NUMBER_FLAGS), ...Object.keys(LIST_FLAGS), 'type', 'preset'].map((f) => [f, { type: 'string' }]),
  ) as Record<keyof typeof NUMBER_FLAGS | keyof typeof LIST_FLAGS | 'type' | 'preset', StringOption>),
  'no-truncate': { type: 'boolean' } as BooleanOption,
};

const FIELD_TO_FLAG = new Map<string, string>(
  [...Object.entries(NUMBER_FLAGS), ...Object.entries(LIST_FLAGS), ['type', 'type']].map(([flag, field]) => [field, flag]),
);

/** Rewrites a validateRopeConfig message so each config field reads as the flag that sets it. */
function flagMessage(message: string): string {
  return message.replace(/\b[a-z][A-Za-z]*\b/g, (word) => (FIELD_TO_FLAG.has(word) ? `--${FIELD_TO_FLAG.get(word)}` : word));
}

type RopeValues = Partial<Record<keyof typeof ROPE_OPTIONS, string | boolean | undefined>>;

/** A validated RopeConfig from parsed flags (preset first, flags override); CliError naming the flag otherwise. */
export function ropeConfigFromOptions(values: RopeValues): RopeConfig {
  let raw: Record<string, unknown> = { type: 'default' };
  if (values.preset !== undefined) {
    const preset = ROPE_PRESETS.find((p) => p.id === values.preset);
    if (!preset) throw new CliError(`--preset must be one of ${ROPE_PRESETS.map((p) => p.id).join(', ')}, got '${values.preset}'`);
    raw = { ...preset.config };
  } else {
    if (values['head-dim'] === undefined) throw new CliError('missing required option --head-dim');
    if (values.base === undefined) throw new CliError('missing required option --base');
  }
  for (const [flag, field] of Object.entries(NUMBER_FLAGS)) {
    const value = values[flag as keyof RopeValues];
    if (typeof value === 'string') raw[field] = rangeOption(flag, value, FLAG_RANGES[flag as keyof typeof NUMBER_FLAGS]);
  }
  for (const [flag, field] of Object.entries(LIST_FLAGS)) {
    const value = values[flag as keyof RopeValues];
    if (typeof value === 'string') raw[field] = numberListOption(flag, value, ROPE_FACTOR_RANGE, 512); // one per rotated pair
  }
  if (typeof values.type === 'string') raw.type = values.type;
  if (values['no-truncate']) raw.truncate = false;
  const checked = validateRopeConfig(raw);
  if (!checked.ok) throw new CliError(flagMessage(checked.error));
  return checked.config;
}

/** Right-aligned plain-text table for the human-readable outputs. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = header.map((_, col) => Math.max(...cells.map((r) => r[col].length)));
  return cells.map((r) => r.map((c, col) => c.padStart(widths[col])).join('  ')).join('\n');
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const abs = Math.abs(x);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? x.toExponential(4) : x.toPrecision(6);
}
