// One name per RoPE, used by every legend, table, series and probe label: "base 500K", "PI ×8", "YaRN ×4,
// base 20K". Bases are written as papers write them (10K, 500K, 1M), never "500000" in one place and
// "500k" in another.
import type { RopeConfig, RopeType } from './config.ts';

export const ROPE_TYPE_NAMES: Record<RopeType, string> = {
  default: 'RoPE',
  linear: 'PI',
  ntk: 'NTK',
  dynamic: 'dynamic NTK',
  yarn: 'YaRN',
  longrope: 'LongRoPE',
  llama3: 'llama3',
  xpos: 'xPos',
};

/** 10000 → "10K", 500000 → "500K", 1e6 → "1M", 12500 → "12.5K", 500 → "500". */
export function formatBase(base: number): string {
  const short = (v: number) => String(Number(v.toPrecision(4)));
  if (base >= 1e9) return `${short(base / 1e9)}B`;
  if (base >= 1e6) return `${short(base / 1e6)}M`;
  if (base >= 1e3) return `${short(base / 1e3)}K`;
  return short(base);
}

/** The scaling part of a name: "PI ×8", "YaRN ×4", "LongRoPE"; '' for plain RoPE. */
function scalingName(cfg: RopeConfig): string {
  if (cfg.type === 'default') return '';
  if (cfg.type === 'xpos' || cfg.type === 'longrope') return ROPE_TYPE_NAMES[cfg.type];
  return `${ROPE_TYPE_NAMES[cfg.type]} ×${cfg.factor ?? '?'}`;
}

/** A configuration's own name: "base 500K", "PI ×8, base 10K", "xPos, base 10K". */
export function ropeName(cfg: RopeConfig): string {
  const scaling = scalingName(cfg);
  return scaling ? `${scaling}, base ${formatBase(cfg.base)}` : `base ${formatBase(cfg.base)}`;
}

/** A configuration named against the model's own: 'own', 'base 500K', 'YaRN ×4', 'PI ×4, base 20K'. */
export function variantName(own: RopeConfig, rope: RopeConfig | null): string {
  if (rope === null) return 'own';
  const scaling = scalingName(rope);
  if (!scaling) return `base ${formatBase(rope.base)}`;
  return rope.base !== own.base ? `${scaling}, base ${formatBase(rope.base)}` : scaling;
}
