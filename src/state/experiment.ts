// The experiment: everything a shared link or an embedding host must reproduce (series, view, axes,
// chosen pair, context lengths). It is plain JSON so it can travel through the URL and postMessage; the
// store adds only React keys (series ids) on top of it.
import type { RopeConfig } from '../rope/index.ts';

export const VIEW_IDS = ['spectrum', 'rotation', 'decay', 'base', 'granularity'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export const DECAY_METRICS = ['allOnesLogit', 'roformerBound', 'menB'] as const;
export type DecayMetric = (typeof DECAY_METRICS)[number];

export const AXIS_SCALES = ['log', 'linear'] as const;
export type AxisScale = (typeof AXIS_SCALES)[number];

/** Bumped whenever the serialised shape changes; older links are then refused with a notice. */
export const EXPERIMENT_VERSION = 1;

export interface SeriesState {
  name: string;
  /** `#rrggbb`; nothing else reaches a style attribute. */
  color: string;
  config: RopeConfig;
  /** The plain RoPE base and context the model was pretrained with, when not the series' own (an ABF or PI
   * series extends a model pretrained at base 10K, 4K); Liu et al.'s critical dimension is read from it. */
  pretrained?: PretrainedWith;
}

export interface PretrainedWith {
  base: number;
  context: number;
}

/** Inputs of Llama 2 Long's Appendix B comparison (ABF base change vs position interpolation). */
export interface GranularitySettings {
  origBase: number;
  abfBase: number;
  piFactor: number;
  baseContext: number;
  targetContext: number;
}

export interface ExperimentState {
  series: SeriesState[];
  view: ViewId;
  /** x axis of the distance views (decay, rotation heatmap). */
  xScale: AxisScale;
  decayMetric: DecayMetric;
  /** Largest distance Δ (tokens) of the distance views. */
  maxDistance: number;
  /** Context lengths marked on the charts, e.g. trained and target length. */
  contexts: number[];
  /** Series index shown by the rotation heatmap. */
  focus: number;
  /** Pair index shown on the unit circle. */
  pair: number;
  granularity: GranularitySettings;
}

/** Limits of a valid experiment; the URL codec and the editors enforce the same numbers. */
export const LIMITS = {
  maxSeries: 8,
  maxNameLength: 60,
  maxContexts: 6,
  minDistance: 64,
  maxDistance: 1 << 21,
  maxContext: 1 << 24,
} as const;

export const MAX_DISTANCE_CHOICES = [4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576] as const;
