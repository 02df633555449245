// Tick values and labels from d3 scales. Log axes get one labelled tick per decade (d3's 1..9 ticks
// would crowd a 5-decade axis); numbers use SI suffixes (32.77K, 1M), as the paper's axes do.
import { format } from 'd3';

export interface Tick {
  value: number;
  label: string;
}

interface TickableScale {
  ticks(count?: number): number[];
  domain(): number[];
}

const si = format('.4~s');
const plain = format('~g');

/** 0.001 → "0.001", 32768 → "32.77K", 1e6 → "1M": short, and "500K" as papers write it. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 ? si(value).replace('k', 'K').replace('G', 'B') : plain(Number(value.toPrecision(4)));
}

/** Token counts the way papers write them: 4096 → "4K", 32768 → "32K", 1048576 → "1M"; others as formatNumber. */
export function formatTokens(value: number): string {
  if (value >= 1 << 20 && value % (1 << 20) === 0) return `${value / (1 << 20)}M`;
  if (value >= 1024 && value % 1024 === 0) return `${value / 1024}K`;
  return formatNumber(value);
}

export function linearTicks(scale: TickableScale, count: number): Tick[] {
  return scale.ticks(count).map((value) => ({ value, label: formatNumber(value) }));
}

export function logTicks(scale: TickableScale, maxTicks = 8): Tick[] {
  const [a, b] = scale.domain();
  const lo = Math.ceil(Math.log10(Math.min(a, b)) - 1e-9);
  const hi = Math.floor(Math.log10(Math.max(a, b)) + 1e-9);
  const step = Math.max(1, Math.ceil((hi - lo + 1) / maxTicks));
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e += step) ticks.push({ value: 10 ** e, label: formatNumber(10 ** e) });
  return ticks;
}
