// The experiment a fresh page opens with: the paper's comparison (Llama 2's base 10K, the ABF base
// 500K of Llama 2 Long, and position interpolation ×8), marked at the trained 4K and the target 32K.
import { ROPE_PRESETS, type RopeConfig } from '../rope/index.ts';
import type { ExperimentState, SeriesState } from './experiment.ts';

/** Tableau 10, minus grey: distinct on white and for common colour-vision deficiencies. */
export const SERIES_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'] as const;

export function presetById(id: string) {
  const preset = ROPE_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`unknown RoPE preset '${id}'`);
  return preset;
}

/** A fresh copy (configs are shared by reference in the store, so presets must never be aliased). */
export function copyConfig(config: RopeConfig): RopeConfig {
  return structuredClone(config);
}

/** The first palette colour no series uses yet (cycling when all are taken). */
export function nextColor(series: readonly SeriesState[]): string {
  const used = new Set(series.map((s) => s.color));
  return SERIES_PALETTE.find((c) => !used.has(c)) ?? SERIES_PALETTE[series.length % SERIES_PALETTE.length];
}

export function seriesFromPreset(id: string, color: string): SeriesState {
  const preset = presetById(id);
  const series: SeriesState = { name: preset.label, color, config: copyConfig(preset.config) };
  return preset.pretrained ? { ...series, pretrained: { ...preset.pretrained } } : series;
}

export function defaultExperiment(): ExperimentState {
  return {
    series: [
      seriesFromPreset('llama2', SERIES_PALETTE[0]),
      seriesFromPreset('llama2-long-abf', SERIES_PALETTE[1]),
      seriesFromPreset('pi-x8', SERIES_PALETTE[2]),
    ],
    view: 'spectrum',
    xScale: 'log',
    decayMetric: 'allOnesLogit',
    maxDistance: 131072,
    contexts: [4096, 32768],
    focus: 0,
    pair: 16,
    granularity: { origBase: 10_000, abfBase: 500_000, piFactor: 8, baseContext: 4096, targetContext: 32768 },
  };
}
