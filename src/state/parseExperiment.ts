// Strict validation of an experiment from an untrusted source (URL, postMessage). Nothing is clamped or
// repaired: the first problem is reported in one line naming the field, and the caller keeps its state.
import { rotatedDim, validateRopeConfig } from '../rope/index.ts';
import { checkPlainData, quote, showKey, type DataBudget } from '../untrusted/plainData.ts';
import {
  AXIS_SCALES,
  DECAY_METRICS,
  EXPERIMENT_VERSION,
  LIMITS,
  VIEW_IDS,
  type ExperimentState,
  type GranularitySettings,
  type PretrainedWith,
  type SeriesState,
} from './experiment.ts';

export type ParseResult = { ok: true; experiment: ExperimentState } | { ok: false; error: string };

class InvalidExperiment extends Error {}

/** Keys that could reach a prototype if some later code merged objects naively; refused everywhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What one experiment may hold, walked before any field is read: 8 series with LongRoPE factor lists of
 * 512 entries are under 9,000 values, and a link's JSON is under 25,000 characters (a message may quote
 * a longer bad value; its error says so).
 */
export const EXPERIMENT_BUDGET: DataBudget = {
  maxNodes: 20_000,
  maxDepth: 6,
  maxArray: 1024,
  maxChars: 200_000,
  forbiddenKeys: FORBIDDEN_KEYS,
};

function fail(message: string): never {
  throw new InvalidExperiment(message);
}

function record(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${path} must be an object`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(`${path} has an unknown field '${showKey(key)}'`);
  return value as Record<string, unknown>;
}

function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !options.includes(value as T)) fail(`${path} must be one of ${options.join(', ')}, got ${quote(value)}`);
  return value as T;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(`${path} must be an integer in ${min}..${max}, got ${quote(value)}`);
  return value;
}

function number(value: unknown, path: string, minExclusive: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= minExclusive)
    fail(`${path} must be a finite number > ${minExclusive}, got ${quote(value)}`);
  return value;
}

function parseSeries(value: unknown, path: string): SeriesState {
  const raw = record(value, path, ['name', 'color', 'config', 'pretrained']);
  if (typeof raw.name !== 'string' || raw.name.length > LIMITS.maxNameLength)
    fail(`${path}.name must be a string of at most ${LIMITS.maxNameLength} characters`);
  if (typeof raw.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(raw.color))
    fail(`${path}.color must be a #rrggbb colour, got ${quote(raw.color)}`);
  const config = validateRopeConfig(raw.config);
  if (!config.ok) fail(`${path}.config: ${config.error}`);
  const series: SeriesState = { name: raw.name, color: raw.color.toLowerCase(), config: config.config };
  return raw.pretrained === undefined ? series : { ...series, pretrained: parsePretrained(raw.pretrained, `${path}.pretrained`) };
}

function parsePretrained(value: unknown, path: string): PretrainedWith {
  const raw = record(value, path, ['base', 'context']);
  return { base: number(raw.base, `${path}.base`, 1), context: integer(raw.context, `${path}.context`, 1, LIMITS.maxContext) };
}

function parseGranularity(value: unknown): GranularitySettings {
  const raw = record(value, 'granularity', ['origBase', 'abfBase', 'piFactor', 'baseContext', 'targetContext']);
  const settings: GranularitySettings = {
    origBase: number(raw.origBase, 'granularity.origBase', 1),
    abfBase: number(raw.abfBase, 'granularity.abfBase', 1),
    piFactor: number(raw.piFactor, 'granularity.piFactor', 0),
    baseContext: integer(raw.baseContext, 'granularity.baseContext', 1, LIMITS.maxContext),
    targetContext: integer(raw.targetContext, 'granularity.targetContext', 1, LIMITS.maxContext),
  };
  if (settings.targetContext <= settings.baseContext) fail('granularity.targetContext must exceed granularity.baseContext');
  return settings;
}

const EXPERIMENT_KEYS = [
  'v',
  'series',
  'view',
  'xScale',
  'decayMetric',
  'maxDistance',
  'contexts',
  'focus',
  'pair',
  'granularity',
] as const;

/** Validates `input` (already JSON-decoded) as a complete experiment of the current version. */
export function parseExperiment(input: unknown): ParseResult {
  try {
    const shape = checkPlainData(input, 'state', EXPERIMENT_BUDGET);
    if (shape) fail(shape);
    const raw = record(input, 'state', EXPERIMENT_KEYS);
    if (raw.v !== EXPERIMENT_VERSION) fail(`state version must be ${EXPERIMENT_VERSION}, got ${quote(raw.v)}`);
    if (!Array.isArray(raw.series) || raw.series.length < 1 || raw.series.length > LIMITS.maxSeries)
      fail(`series must be a list of 1..${LIMITS.maxSeries} entries`);
    const series = raw.series.map((s, i) => parseSeries(s, `series[${i}]`));
    if (!Array.isArray(raw.contexts) || raw.contexts.length > LIMITS.maxContexts)
      fail(`contexts must be a list of at most ${LIMITS.maxContexts} lengths`);
    const contexts = raw.contexts.map((c, i) => integer(c, `contexts[${i}]`, 1, LIMITS.maxContext));
    const focus = integer(raw.focus, 'focus', 0, series.length - 1);
    const pairs = rotatedDim(series[focus].config) / 2;
    const experiment: ExperimentState = {
      series,
      view: oneOf(raw.view, 'view', VIEW_IDS),
      xScale: oneOf(raw.xScale, 'xScale', AXIS_SCALES),
      decayMetric: oneOf(raw.decayMetric, 'decayMetric', DECAY_METRICS),
      maxDistance: integer(raw.maxDistance, 'maxDistance', LIMITS.minDistance, LIMITS.maxDistance),
      contexts,
      focus,
      pair: integer(raw.pair, `pair (series ${focus} has ${pairs} pairs)`, 0, pairs - 1),
      granularity: parseGranularity(raw.granularity),
    };
    return { ok: true, experiment };
  } catch (err) {
    if (err instanceof InvalidExperiment) return { ok: false, error: shorten(err.message) };
    throw err;
  }
}

/** Messages quote the offending value; a hostile value could be megabytes long. */
const MAX_ERROR_LENGTH = 300;
function shorten(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

/** The JSON form of an experiment (with its version), as the URL and the embed protocol carry it. */
export function serialiseExperiment(experiment: ExperimentState): Record<string, unknown> {
  return {
    v: EXPERIMENT_VERSION,
    series: experiment.series.map(({ name, color, config, pretrained }) =>
      pretrained ? { name, color, config, pretrained: { ...pretrained } } : { name, color, config },
    ),
    view: experiment.view,
    xScale: experiment.xScale,
    decayMetric: experiment.decayMetric,
    maxDistance: experiment.maxDistance,
    contexts: [...experiment.contexts],
    focus: experiment.focus,
    pair: experiment.pair,
    granularity: { ...experiment.granularity },
  };
}
