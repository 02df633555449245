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
  .zero-line { stroke: #9aa5b1; stroke-width: 1; }
  .legend-text { font-size: 11.5px; }
  .crosshair { stroke: #1f2933; stroke-width: 1; stroke-opacity: 0.5; }
`;

export interface PlotBox {
  width: number;
  height: number;
  innerWidth: number;
  innerHeight: number;
}

export function plotBox(width: number, height: number): PlotBox {
  return {
    width,
    height,
    innerWidth: Math.max(10, width - MARGIN.left - MARGIN.right),
    innerHeight: Math.max(10, height - MARGIN.top - MARGIN.bottom),
  };
}

export function ChartSvg(props: {
  box: PlotBox;
  title: string;
  svgRef?: Ref<SVGSVGElement>;
  children: ReactNode;
}) {
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
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>{children}</g>
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
      <text
        className="axis-label"
        transform={`translate(${-MARGIN.left + 14},${box.innerHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
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

/** Legend in the top-right corner of the plot (inside the SVG, so exports keep it). */
export function Legend(props: { items: LegendItem[]; box: PlotBox; align?: 'left' | 'right'; valign?: 'top' | 'bottom' }) {
  const { items, box, align = 'right', valign = 'top' } = props;
  const rowHeight = 17;
  const width = Math.min(260, Math.max(...items.map((i) => i.name.length * 6.6 + 34), 80));
  const height = items.length * rowHeight + 8;
  const x = align === 'right' ? box.innerWidth - width - 6 : 6;
  const y = valign === 'top' ? 6 : box.innerHeight - height - 6;
  return (
    <g className="legend" transform={`translate(${x},${y})`}>
      <rect width={width} height={height} fill="#ffffff" fillOpacity={0.88} stroke="#cbd2d9" rx={4} />
      {items.map((item, i) => (
        <g key={item.key} transform={`translate(8,${i * rowHeight + 13})`}>
          {item.marker === 'dot' ? (
            <circle cx={9} r={5} fill={item.color} />
          ) : (
            <line x1={0} x2={18} stroke={item.color} strokeWidth={2.5} strokeDasharray={item.dashed ? '4 3' : undefined} />
          )}
          <text className="legend-text" x={24} dy="0.32em">
            {item.name}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Dashed reference line (a context length) across the plot, labelled at its end. */
export function MarkerLine(props: { orientation: 'horizontal' | 'vertical'; at: number; box: PlotBox; label: string }) {
  const { orientation, at, box, label } = props;
  if (!Number.isFinite(at)) return null;
  return orientation === 'horizontal' ? (
    <g className="marker">
      <line className="marker-line" x1={0} x2={box.innerWidth} y1={at} y2={at} />
      <text className="marker-label" x={4} y={at - 4}>
        {label}
      </text>
    </g>
  ) : (
    <g className="marker">
      <line className="marker-line" x1={at} x2={at} y1={0} y2={box.innerHeight} />
      <text className="marker-label" x={at + 4} y={12}>
        {label}
      </text>
    </g>
  );
}
