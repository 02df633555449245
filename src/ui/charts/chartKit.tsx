// The building blocks every chart shares. d3 computes scales, ticks and path strings; React owns the
// SVG. Styling lives in a <style> inside each <svg>, so an exported SVG/PNG looks like the screen.
import type { ReactNode, Ref } from 'react';
import type { Tick } from './ticks.ts';

export const MARGIN = { top: 16, right: 20, bottom: 46, left: 68 } as const;

const CHART_CSS = `
  text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; fill: #1f2933; }
  .tick-label { font-size: 11px; fill: #3e4c59; }
  .axis-label { font-size: 12px; font-weight: 600; }
  .axis-line { stroke: #52606d; stroke-width: 1; }
  .grid { stroke: #e4e7eb; stroke-width: 1; }
  .series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
  .marker-line { stroke: #52606d; stroke-width: 1; stroke-dasharray: 5 4; }
  .marker-label { font-size: 11px; fill: #3e4c59; }
  .marker-halo { stroke: #ffffff; stroke-width: 4; stroke-opacity: 0.9; }
  .halo .marker-line { stroke: #1f2933; stroke-width: 1.5; }
  .halo .marker-label { fill: #1f2933; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
  .series.band { stroke-width: 1; }
  .zero-line { stroke: #9aa5b1; stroke-width: 1; }
  .legend-text { font-size: 11.5px; }
  .crosshair { stroke: #1f2933; stroke-width: 1; stroke-opacity: 0.5; }
`;

export interface PlotBox {
  width: number;
  height: number;
  innerWidth: number;
  innerHeight: number;
  /** Where the plot area starts: below the legend rows, when the chart has a legend. */
  top: number;
  legend?: LegendLayout;
}

/**
 * The chart's layout. A legend (if given) takes rows above the plot area, wrapping to the width, so it
 * never covers a curve or a marker label; the plot gets the height that is left.
 */
export function plotBox(width: number, height: number, legendItems?: LegendItem[]): PlotBox {
  const legend = legendItems && legendItems.length > 0 ? legendLayout(legendItems, width) : undefined;
  const top = MARGIN.top + (legend?.height ?? 0);
  return {
    width,
    height,
    innerWidth: Math.max(10, width - MARGIN.left - MARGIN.right),
    innerHeight: Math.max(10, height - top - MARGIN.bottom),
    top,
    legend,
  };
}

export function ChartSvg(props: { box: PlotBox; title: string; svgRef?: Ref<SVGSVGElement>; children: ReactNode }) {
  const { box, title, svgRef, children } = props;
  return (
    <svg
      ref={svgRef}
      className="chart-svg"
      width={box.width}
      height={box.height}
      viewBox={`0 0 ${box.width} ${box.height}`}
      role="img"
      aria-label={title}
    >
      <title>{title}</title>
      <style>{CHART_CSS}</style>
      <rect width={box.width} height={box.height} fill="#ffffff" />
      {box.legend && <Legend layout={box.legend} />}
      <g transform={`translate(${MARGIN.left},${box.top})`}>{children}</g>
    </svg>
  );
}

export function BottomAxis(props: { ticks: Tick[]; x: (v: number) => number; box: PlotBox; label: string; grid?: boolean }) {
  const { ticks, x, box, label, grid = true } = props;
  return (
    <g className="axis axis-x">
      {ticks.map((t) => (
        <g key={t.value} transform={`translate(${x(t.value)},0)`}>
          {grid && <line className="grid" y1={0} y2={box.innerHeight} />}
          <line className="axis-line" y1={box.innerHeight} y2={box.innerHeight + 5} />
          <text className="tick-label" y={box.innerHeight + 17} textAnchor="middle">
            {t.label}
          </text>
        </g>
      ))}
      <line className="axis-line" x1={0} x2={box.innerWidth} y1={box.innerHeight} y2={box.innerHeight} />
      <text className="axis-label" x={box.innerWidth / 2} y={box.innerHeight + 38} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

export function LeftAxis(props: { ticks: Tick[]; y: (v: number) => number; box: PlotBox; label: string; grid?: boolean }) {
  const { ticks, y, box, label, grid = true } = props;
  return (
    <g className="axis axis-y">
      {ticks.map((t) => (
        <g key={t.value} transform={`translate(0,${y(t.value)})`}>
          {grid && <line className="grid" x1={0} x2={box.innerWidth} />}
          <line className="axis-line" x1={-5} x2={0} />
          <text className="tick-label" x={-8} dy="0.32em" textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      <line className="axis-line" x1={0} x2={0} y1={0} y2={box.innerHeight} />
      <text className="axis-label" transform={`translate(${-MARGIN.left + 14},${box.innerHeight / 2}) rotate(-90)`} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

export interface LegendItem {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** How the series is drawn: a line (default) or dots. */
  marker?: 'line' | 'dot';
}

const LEGEND_ROW = 18;
const LEGEND_GAP = 18;
const SWATCH = 24;
/** Average advance of the legend font (11.5px system-ui), generous so that items do not collide. */
const CHAR_WIDTH = 6.6;

export interface LegendLayout {
  items: Array<LegendItem & { x: number; y: number; shown: string }>;
  height: number;
}

/** Legend items placed left to right in rows across `width`, wrapping before an item that would not fit. */
export function legendLayout(items: LegendItem[], width: number): LegendLayout {
  const left = 8;
  const room = Math.max(60, width - 2 * left);
  const maxChars = Math.max(4, Math.floor((room - SWATCH) / CHAR_WIDTH));
  const placed: LegendLayout['items'] = [];
  let x = left;
  let row = 0;
  for (const item of items) {
    const shown = item.name.length > maxChars ? `${item.name.slice(0, maxChars - 1)}…` : item.name;
    const w = SWATCH + shown.length * CHAR_WIDTH;
    if (x > left && x + w > left + room) {
      row += 1;
      x = left;
    }
    placed.push({ ...item, shown, x, y: 6 + row * LEGEND_ROW + LEGEND_ROW / 2 });
    x += w + LEGEND_GAP;
  }
  return { items: placed, height: (row + 1) * LEGEND_ROW + 6 };
}

/** The legend rows above the plot (inside the SVG, so exports keep it). */
function Legend({ layout }: { layout: LegendLayout }) {
  return (
    <g className="legend">
      {layout.items.map((item) => (
        <g key={item.key} transform={`translate(${item.x},${item.y})`}>
          {item.marker === 'dot' ? (
            <circle cx={9} r={5} fill={item.color} />
          ) : (
            <line x1={0} x2={18} stroke={item.color} strokeWidth={2.5} strokeDasharray={item.dashed ? '4 3' : undefined} />
          )}
          <text className="legend-text" x={SWATCH} dy="0.32em">
            {item.shown}
            {item.shown !== item.name && <title>{item.name}</title>}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * Dashed reference line (a context length) across the plot, labelled at its end. `halo` puts a white
 * line under the dash and around the label, so both show on any background (the rotation heat map).
 */
export function MarkerLine(props: {
  orientation: 'horizontal' | 'vertical';
  at: number;
  box: PlotBox;
  label: string;
  halo?: boolean;
  labelRow?: number;
}) {
  // labelRow: vertical lines close together (4K and 32K on a 1M axis) alternate rows so labels do not overlap
  const { orientation, at, box, label, halo = false, labelRow = 0 } = props;
  if (!Number.isFinite(at)) return null;
  const className = halo ? 'marker halo' : 'marker';
  return orientation === 'horizontal' ? (
    <g className={className}>
      {halo && <line className="marker-halo" x1={0} x2={box.innerWidth} y1={at} y2={at} />}
      <line className="marker-line" x1={0} x2={box.innerWidth} y1={at} y2={at} />
      <text className="marker-label" x={4} y={at - 4}>
        {label}
      </text>
    </g>
  ) : (
    <g className={className}>
      {halo && <line className="marker-halo" x1={at} x2={at} y1={0} y2={box.innerHeight} />}
      <line className="marker-line" x1={at} x2={at} y1={0} y2={box.innerHeight} />
      <text className="marker-label" x={at + 4} y={12 + 13 * labelRow}>
        {label}
      </text>
    </g>
  );
}
