// One line chart for the probes' curves (loss over position, perplexity over context, ROUGE-L over
// length, attention mass over distance, the analytic decay): series of (x, y) points on a log or linear
// x axis. Points with a non-finite y (an empty bin) break the line instead of bending it to zero.
import { extent, line, scaleLinear, scaleLog } from 'd3';
import { useRef, useState } from 'react';
import { BottomAxis, ChartSvg, LeftAxis, legendLayout, MarkerLine, plotBox } from '../../charts/chartKit.tsx';
import { keyboardHover } from '../../charts/keyboardHover.ts';
import { pointerX, Readout } from '../../charts/Readout.tsx';
import { formatNumber, formatTokens, linearTicks, logTicks } from '../../charts/ticks.ts';
import { useElementSize } from '../../charts/useElementSize.ts';
import { nearestIndex } from '../../views/distanceGrid.ts';

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
  /** Total height; default grows with the width (a wide screen gets a taller chart). */
  height?: number;
}

export function ProbeLineChart({ title, series, xLabel, yLabel, xScale, xTicks, yDomain, markers = [], height }: ProbeLineChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(holder);
  const [hover, setHover] = useState<number | null>(null);
  const legend = series.map((s) => ({ key: s.name, name: s.name, color: s.color, dashed: s.dashed }));
  const plotHeight = height ?? Math.round(Math.min(520, Math.max(260, width * 0.42)));
  const w = Math.max(width, 240);
  // the legend rows come on top of the plot's height, so a long legend does not squash the plot
  const box = plotBox(w, plotHeight + legendLayout(legend, w).height, legend);
  const usable = ([x, y]: [number, number]) => Number.isFinite(y) && (xScale === 'linear' || x > 0);
  const finite = series.flatMap((s) => s.points).filter(usable);
  /** Every x some series has a value at, increasing: the positions the readout steps through. */
  const xs = [...new Set(finite.map((p) => p[0]))].sort((a, b) => a - b);
  // a marker stays on the plot even where no curve reaches it
  const [x0 = 1, x1 = 2] = extent([...finite.map((p) => p[0]), ...markers.map((m) => m.x)]);
  const [y0 = 0, y1 = 1] = yDomain ?? extent(finite, (p) => p[1]);
  const xDomain: [number, number] = x0 === x1 ? [x0, x0 * 2] : [x0, x1];
  const x = (xScale === 'log' ? scaleLog() : scaleLinear()).domain(xDomain).range([0, box.innerWidth]);
  const pad = y0 === y1 ? Math.abs(y0) * 0.1 || 1 : 0;
  const y = scaleLinear()
    .domain([y0 - pad, y1 + pad])
    .range([box.innerHeight, 0])
    .nice();
  const path = line<[number, number]>()
    .defined(([px, py]) => Number.isFinite(py) && (xScale === 'linear' || px > 0))
    .x(([px]) => x(px))
    .y(([, py]) => y(py));
  const hoverX = hover === null || hover >= xs.length ? null : xs[hover];
  /** Each series' point nearest the hovered x on screen (series may sit at different x, e.g. wavelengths). */
  const readoutRows =
    hoverX === null
      ? []
      : series.map((s) => {
          let best: [number, number] | null = null;
          for (const p of s.points)
            if (usable(p) && (best === null || Math.abs(x(p[0]) - x(hoverX)) < Math.abs(x(best[0]) - x(hoverX)))) best = p;
          const value =
            best === null ? '–' : best[0] === hoverX ? best[1].toPrecision(4) : `${best[1].toPrecision(4)} at ${formatNumber(best[0])}`;
          return { key: s.name, color: s.color, name: s.name, value };
        });
  const xName = xLabel.replace(/\s*\(.*\)$/, '');
  return (
    <div ref={holder} className="probe-chart">
      {width > 0 && (
        <ChartSvg box={box} title={title}>
          <BottomAxis
            ticks={
              xTicks ? xTicks.map((value) => ({ value, label: formatTokens(value) })) : xScale === 'log' ? logTicks(x) : linearTicks(x, 6)
            }
            x={x}
            box={box}
            label={xLabel}
          />
          <LeftAxis ticks={linearTicks(y, 6)} y={y} box={box} label={yLabel} />
          {markers.map((m) => (
            <MarkerLine key={m.label} orientation="vertical" at={x(m.x)} box={box} label={m.label} />
          ))}
          {series.map((s) => (
            <g key={s.name}>
              <path className="series" d={path(s.points) ?? ''} stroke={s.color} strokeDasharray={s.dashed ? '5 4' : undefined} />
              {s.points.length <= 24 &&
                s.points
                  .filter(([, py]) => Number.isFinite(py))
                  .map(([px, py]) => <circle key={px} cx={x(px)} cy={y(py)} r={2.6} fill={s.color} />)}
            </g>
          ))}
          {hoverX !== null && <line className="crosshair" data-export="skip" x1={x(hoverX)} x2={x(hoverX)} y1={0} y2={box.innerHeight} />}
          {xs.length > 0 && (
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              onPointerMove={(e) =>
                setHover(
                  nearestIndex(
                    xs.map((v) => x(v)),
                    pointerX(e),
                  ),
                )
              }
              onPointerLeave={() => setHover(null)}
              aria-label={`Read the curves at a ${xName} (arrow keys)`}
              {...keyboardHover(hover, xs.length, setHover)}
            />
          )}
        </ChartSvg>
      )}
      <div className="readout probe-readout" aria-live="polite">
        <Readout
          heading={hoverX === null ? null : `${xName} ${formatNumber(hoverX)}`}
          rows={readoutRows}
          hint="Hover the chart to read every series at one point."
        />
      </div>
    </div>
  );
}
