// "The loaded model" as analytics series: the RoPE a model file applies (its own θ, rope_freqs or LongRoPE
// factors, per-layer bases), one series per distinct RoPE its layers use, so every view plots it next to
// the presets. The result is ordinary series (a name and a RopeConfig), so the URL carries it like any other.
import type { LayerAttention } from '../engine/types.ts';
import { formatBase, validateRopeConfig, type RopeConfig } from '../rope/index.ts';
import { LIMITS } from './experiment.ts';

/** What the conversion reads: the engine's ModelInfo and the model description both have these fields. */
export interface LoadedModelRope {
  name: string;
  architecture: string;
  rope: RopeConfig;
  hasRopeFreqs: boolean;
  layerAttention: readonly LayerAttention[];
  localRope?: RopeConfig;
}

export interface LoadedModelSeries {
  name: string;
  config: RopeConfig;
}

export interface LoadedModelSeriesResult {
  series: LoadedModelSeries[];
  /** What the series do not show (NoPE layers), for a notice; null when nothing is left out. */
  note: string | null;
}

/**
 * One series per distinct RoPE among the model's layers ('global' and 'local' with their windows), in
 * order of first use; NoPE layers rotate nothing, so they are named in the series' names and the note.
 * Throws when a RoPE fails validation (the engine validated it at load, so that is a bug).
 */
export function loadedModelSeries(model: LoadedModelRope): LoadedModelSeriesResult {
  const layers = model.layerAttention.length;
  const groups = new Map<string, { attention: LayerAttention; count: number }>();
  let nope = 0;
  for (const attention of model.layerAttention) {
    if (attention.rope === 'none') {
      nope++;
      continue;
    }
    const key = `${attention.rope}:${attention.window}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { attention, count: 1 });
  }
  const perLayer = groups.size > 1;
  const nopeLabel = nope > 0 ? `${nope} of ${layers} layers NoPE` : '';
  const series = [...groups.values()].map(({ attention, count }) => {
    const config = attention.rope === 'local' ? model.localRope : model.rope;
    if (!config) throw new TypeError(`${model.name}: a local layer but no local RoPE`);
    const checked = validateRopeConfig(config);
    if (!checked.ok) throw new TypeError(`${model.name}: ${checked.error}`);
    const what = perLayer ? groupLabel(attention, checked.config, count, layers) : soleLabel(model, checked.config);
    return { name: seriesName(model.name, nopeLabel ? `${what}, ${nopeLabel}` : what), config: checked.config };
  });
  const note =
    nope === 0
      ? null
      : series.length === 0
        ? `${model.name} has no RoPE in any layer (NoPE): nothing to plot.`
        : `${model.name}: ${nopeLabel} (${nopeLayers(model.layerAttention)}) apply no RoPE and are not plotted.`;
  return { series, note };
}

/** "local layers (base 10K, window 512)", "global layers (base 1M)". */
function groupLabel(attention: LayerAttention, config: RopeConfig, count: number, layers: number): string {
  const parts = [`${count} of ${layers}`, `base ${formatBase(config.base)}`];
  if (attention.window > 0) parts.push(`window ${attention.window}`);
  return `${attention.rope} layers (${parts.join(', ')})`;
}

/** The model's one RoPE: what makes it more than its base. */
function soleLabel(model: LoadedModelRope, config: RopeConfig): string {
  if (model.hasRopeFreqs) return `rope_freqs, base ${formatBase(config.base)}`;
  if (config.type === 'longrope') return `LongRoPE, base ${formatBase(config.base)}`;
  return 'loaded model';
}

/** "<model> · <what>", the model's name shortened so the whole fits the series name limit. */
function seriesName(model: string, what: string): string {
  const tail = ` · ${what}`;
  const room = LIMITS.maxNameLength - tail.length;
  const head = model.length <= room ? model : `${model.slice(0, Math.max(0, room - 1))}…`;
  return `${head}${tail}`.slice(0, LIMITS.maxNameLength);
}

/** "layers 4, 8, 12" (1-based), shortened past six. */
function nopeLayers(attention: readonly LayerAttention[]): string {
  const numbers = attention.flatMap((a, l) => (a.rope === 'none' ? [l + 1] : []));
  const shown = numbers.slice(0, 6).join(', ');
  return `layer${numbers.length > 1 ? 's' : ''} ${shown}${numbers.length > 6 ? ', …' : ''}`;
}
