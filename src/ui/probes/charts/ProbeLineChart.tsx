// One line chart for the probes' curves (loss over position, perplexity over context, ROUGE-L over
// length, attention mass over distance, the analytic decay): series of (x, y) points on a log or linear
// x axis. Points with a non-finite y (an empty bin) break the line instead of bending it to zero.
import { extent, line, scaleLinear, scaleLog } from 'd3';
import { useRef } from 'react';
import { BottomAxis, ChartSvg, LeftAxis, Legend, MarkerLine, plotBox } from '../../charts/chartKit.tsx';
import { formatTokens, linearTicks, logTicks } from '../../charts/ticks.ts';
import { useElementSize } from '../../charts/useElementSize.ts';

export interface CurveSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ProbeLineChartProps {
  title: string;
  series: CurveSeries[];
  xLabel: string;
  yLabel: string;
  xScale: 'log' | 'linear';
  /** x values to label (the lengths a retrieval probe ran at); default ticks of the scale. A log axis
   * spanning less than a decade would otherwise have no labelled tick at all. */
  xTicks?: number[];
  /** Fixed y domain (e.g. [0, 1] for a fraction); default the data's extent. */
  yDomain?: [number, number];
  /** Vertical reference lines at these x values (a trained context), labelled. */
  markers?: Array<{ x: number; label: string }>;
  /** Legend corner (default top right). */
  legendAlign?: 'left' | 'right';
  height?: number;
}

export function ProbeLineChart({ title, series, xLabel, yLabel, xScale, xTicks, yDomain, markers = [], legendAlign, height = 300 }: ProbeLineChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(holder);
  const box = plotBox(Math.max(width, 240), height);
  const finite = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(y) && (xScale === 'linear' || x > 0));
  // a marker stays on the plot even where no curve reaches it
  const [x0 = 1, x1 = 2] = extent([...finite.map((p) => p[0]), ...markers.map((m) => m.x)]);
  const [y0 = 0, y1 = 1] = yDomain ?? extent(finite, (p) => p[1]);
  const xDomain: [number, number] = x0 === x1 ? [x0, x0 * 2] : [x0, x1];
  const x = (xScale === 'log' ? scaleLog() : scaleLinear()).domain(xDomain).range([0, box.innerWidth]);
  const pad = y0 === y1 ? Math.abs(y0) * 0.1 || 1 : 0;
  const y = scaleLinear().domain([y0 - pad, y1 + pad]).range([box.innerHeight, 0]).nice();
  const path = line<[number, number]>()
    .defined(([px, py]) => Number.isFinite(py) && (xScale === 'linear' || px > 0))
    .x(([px]) => x(px))
    .y(([, py]) => y(py));
  return (
    <div ref={holder} className="probe-chart">
      {width > 0 && (
        <ChartSvg box={box} title={title}>
          <BottomAxis ticks={xTicks ? xTicks.map((value) => ({ value, label: formatTokens(value) })) : xScale === 'log' ? logTicks(x) : linearTicks(x, 6)} x={x} box={box} label={xLabel} />
          <LeftAxis ticks={linearTicks(y, 6)} y={y} box={box} label={yLabel} />
          {markers.map((m) => <MarkerLine key={m.label} orientation="vertical" at={x(m.x)} box={box} label={m.label} />)}
          {series.map((s) => (
            <g key={s.name}>
              <path className="series" d={path(s.points) ?? ''} stroke={s.color} strokeDasharray={s.dashed ? '5 4' : undefined} />
              {s.points.length <= 24 && s.points.filter(([, py]) => Number.isFinite(py)).map(([px, py]) => (
                <circle key={px} cx={x(px)} cy={y(py)} r={2.6} fill={s.color} />
              ))}
            </g>
          ))}
          <Legend items={series.map((s) => ({ key: s.name, name: s.name, color: s.color, dashed: s.dashed }))} box={box} align={legendAlign} />
        </ChartSvg>
      )}
    </div>
  );
}
