// View 1: the frequency spectrum. Wavelength 2π/θ_i of every rotated pair on a log axis, against the
// context lengths: pairs below a line turn at least once within that context; pairs above never do.
import { line, scaleLinear, scaleLog } from 'd3';
import { useMemo, useRef, useState } from 'react';
import { wavelengths } from '../../rope/index.ts';
import { useLab } from '../LabStoreContext.tsx';
import { selectContexts, selectSeries } from '../../state/labStore.ts';
import { cachedTable } from '../analytics/cache.ts';
import { useMeasuredMemo } from '../analytics/useMeasuredMemo.ts';
import { BottomAxis, ChartSvg, LeftAxis, MarkerLine, plotBox } from '../charts/chartKit.tsx';
import { keyboardHover } from '../charts/keyboardHover.ts';
import { pointerX, Readout } from '../charts/Readout.tsx';
import { formatNumber, formatTokens, linearTicks, logTicks } from '../charts/ticks.ts';
import { useRegisterExporter } from '../export/ExportRegistry.tsx';
import type { ViewExporter } from '../export/viewExport.ts';
import { SpectrumTable } from './SpectrumTable.tsx';
import { ViewFrame } from './ViewFrame.tsx';

export function SpectrumView() {
  const series = useLab(selectSeries);
  const contexts = useLab(selectContexts);
  const svgRef = useRef<SVGSVGElement>(null);
  const [hoverPair, setHoverPair] = useState<number | null>(null);

  const curves = useMeasuredMemo(
    () =>
      series.map((s) => {
        const table = cachedTable(s.config);
        return { ...s, theta: Array.from(table.invFreq), wavelength: Array.from(wavelengths(table)) };
      }),
    [series],
  );

  const exporter = useMemo<ViewExporter>(
    () => ({
      view: 'spectrum',
      svg: () => svgRef.current,
      table: () => {
        const pairs = Math.max(...curves.map((c) => c.wavelength.length));
        return {
          columns: ['pair', ...curves.flatMap((c) => [`${c.name} wavelength (tokens)`, `${c.name} theta (rad/token)`])],
          rows: Array.from({ length: pairs }, (_, i) => [i, ...curves.flatMap((c) => [c.wavelength[i] ?? null, c.theta[i] ?? null])]),
        };
      },
      json: () => ({
        view: 'spectrum',
        contexts,
        series: curves.map((c) => ({ name: c.name, color: c.color, config: c.config, wavelength: c.wavelength, theta: c.theta })),
      }),
    }),
    [curves, contexts],
  );
  useRegisterExporter(exporter);

  const readoutRows =
    hoverPair === null
      ? []
      : curves
          .filter((c) => hoverPair < c.wavelength.length)
          .map((c) => ({
            key: c.id,
            color: c.color,
            name: c.name,
            value: `λ = ${formatNumber(c.wavelength[hoverPair])} tokens · θ = ${c.theta[hoverPair].toExponential(3)} rad/token`,
          }));

  return (
    <ViewFrame
      title="Frequency spectrum"
      readout={
        <Readout
          heading={hoverPair === null ? null : `pair i = ${hoverPair} (dims ${2 * hoverPair}, ${2 * hoverPair + 1})`}
          rows={readoutRows}
          hint="Hover the chart to read each series' wavelength and frequency at a pair."
        />
      }
      explanation={
        <p>
          Each rotated pair <i>i</i> of a head turns by θ<sub>i</sub> radians per token, so it repeats every 2π/θ<sub>i</sub> tokens (its
          wavelength). Pairs whose wavelength lies below a context line complete a full turn inside that context and were trained on every
          angle; pairs above it only ever saw part of the circle. Raising the base (ABF) lifts the slow end of the spectrum; position
          interpolation divides every frequency by its factor, shifting the whole curve up, including the fast pairs.
        </p>
      }
      footer={<SpectrumTable series={series} contexts={contexts} />}
      chart={(size) => {
        const box = plotBox(
          size.width,
          size.height,
          curves.map((c) => ({ key: c.id, name: c.name, color: c.color })),
        );
        const pairs = Math.max(...curves.map((c) => c.wavelength.length));
        const all = curves.flatMap((c) => c.wavelength).concat(contexts);
        const x = scaleLinear()
          .domain([0, pairs - 1])
          .range([0, box.innerWidth]);
        const y = scaleLog()
          .domain([Math.min(...all) * 0.8, Math.max(...all) * 1.25])
          .range([box.innerHeight, 0]);
        const path = line<number>()
          .x((_, i) => x(i))
          .y((v) => y(v));
        return (
          <ChartSvg box={box} title="Wavelength per pair" svgRef={svgRef}>
            <BottomAxis ticks={linearTicks(x, 8)} x={x} box={box} label="pair index i (dims 2i, 2i+1)" />
            <LeftAxis ticks={logTicks(y)} y={y} box={box} label="wavelength 2π/θᵢ (tokens)" />
            {contexts.map((c) => (
              <MarkerLine key={c} orientation="horizontal" at={y(c)} box={box} label={`context ${formatTokens(c)}`} />
            ))}
            {curves.map((c) => (
              <path key={c.id} className="series" data-series={c.name} stroke={c.color} d={path(c.wavelength) ?? ''} />
            ))}
            {hoverPair !== null && (
              <line className="crosshair" data-export="skip" x1={x(hoverPair)} x2={x(hoverPair)} y1={0} y2={box.innerHeight} />
            )}
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              onPointerMove={(e) => setHoverPair(Math.max(0, Math.min(pairs - 1, Math.round(x.invert(pointerX(e))))))}
              onPointerLeave={() => setHoverPair(null)}
              aria-label="Read the wavelengths at a pair (arrow keys)"
              {...keyboardHover(hoverPair, pairs, setHoverPair)}
            />
          </ChartSvg>
        );
      }}
    />
  );
}
