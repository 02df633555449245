// Text for sizes, dates, load stages and RoPE settings, shared by the model panel's components.
import { formatBase, ROPE_TYPE_NAMES, type RopeConfig } from '../../rope/index.ts';
import type { ModelInfo } from '../../state/modelStore.ts';
import type { LoadingState } from '../../state/modelSlice.ts';

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const STAGE_LABELS: Record<LoadingState['stage'], string> = {
  check: 'Checking WebGPU',
  download: 'Downloading into the cache',
  fetch: 'Fetching the built-in model',
  cache: 'Copying into the cache',
  header: 'Reading the header',
  weights: 'Uploading weights to the GPU',
  pipelines: 'Compiling GPU kernels',
  ready: 'Ready',
};

export function stageLabel(stage: LoadingState['stage']): string {
  return STAGE_LABELS[stage];
}

/** "base 10K, no scaling", "base 10K, PI ×8 from 4,096", … (names as src/rope/names.ts gives them) */
export function describeRope(rope: RopeConfig): string {
  const parts = [`base ${formatBase(rope.base)}`];
  if (rope.type === 'default') parts.push('no scaling');
  else {
    const factor = rope.factor !== undefined ? ` ×${rope.factor}` : '';
    const from = rope.originalContext !== undefined ? ` from ${rope.originalContext.toLocaleString('en-US')}` : '';
    parts.push(`${ROPE_TYPE_NAMES[rope.type]}${factor}${from}`);
  }
  if (rope.partialRotaryFactor !== undefined && rope.partialRotaryFactor !== 1) parts.push(`rotary fraction ${rope.partialRotaryFactor}`);
  return parts.join(', ');
}

/** "5 local (base 10K, window 512), 1 global", "3 RoPE, 1 NoPE (layer 4)"; null when every layer applies the one RoPE. */
export function describeLayerRope(info: Pick<ModelInfo, 'layerAttention' | 'localRope'>): string | null {
  const count = (kind: 'global' | 'local' | 'none') => info.layerAttention.filter((a) => a.rope === kind).length;
  const [global, local, none] = [count('global'), count('local'), count('none')];
  if (local === 0 && none === 0) return null;
  const parts: string[] = [];
  if (local > 0) {
    const window = info.layerAttention.find((a) => a.rope === 'local')?.window ?? 0;
    const base = info.localRope ? `base ${formatBase(info.localRope.base)}` : 'own base';
    parts.push(`${local} local (${base}${window > 0 ? `, window ${window}` : ''})`);
  }
  if (global > 0) parts.push(`${global} ${local > 0 ? 'global' : 'RoPE'}`);
  if (none > 0) {
    const layers = info.layerAttention.flatMap((a, l) => (a.rope === 'none' ? [l + 1] : []));
    parts.push(`${none} NoPE (layer${none > 1 ? 's' : ''} ${layers.slice(0, 6).join(', ')}${none > 6 ? ', …' : ''})`);
  }
  return parts.join(', ');
}
