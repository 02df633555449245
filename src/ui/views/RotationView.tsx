// View 2: cos(Δθᵢ) over distance × pair for one series (the heat map), and the unit circle of one pair:
// where each series' rotation has taken that pair after Δ tokens. Click a row to choose the pair.
import { scaleLinear, scaleLog } from 'd3';
import { useMemo, useRef, useState } from 'react';
import { linearDistances, logSpacedDistances, type RopeConfig } from '../../rope/index.ts';
import type { AxisScale } from '../../state/experiment.ts';
import { useLab } from '../LabStoreContext.tsx';
import {
  selectActions,
  selectContexts,
  selectFocus,
  selectMaxDistance,
  selectPair,
  selectSeries,
  selectXScale,
} from '../../state/labStore.ts';
import { cachedRotation, cachedTable } from '../analytics/cache.ts';
import { useMeasuredMemo } from '../analytics/useMeasuredMemo.ts';
import { BottomAxis, ChartSvg, LeftAxis, MARGIN, MarkerLine, plotBox } from '../charts/chartKit.tsx';
import { rotationColumnMeans } from '../charts/envelope.ts';
import { pointerX, pointerY, Readout } from '../charts/Readout.tsx';
import { formatNumber, formatTokens, linearTicks, logTicks } from '../charts/ticks.ts';
import { useRegisterExporter } from '../export/ExportRegistry.tsx';
import type { ViewExporter } from '../export/viewExport.ts';
import { DistanceControls } from './DistanceControls.tsx';
import { distanceGrid, nearestIndex } from './distanceGrid.ts';
import { heatColor, heatmapDataUrl } from './heatmapImage.ts';
import { LEGEND_ROW, UnitCircle, type CircleHand } from './UnitCircle.tsx';
import { ViewFrame } from './ViewFrame.tsx';

const COLUMNS = 480;
const CIRCLE_PANEL = 230;
/** Below this width the unit circle and the colour key go under the heat map instead of beside it. */
const STACK_BELOW = 560;
const STACKED_CIRCLE = 110;

export function RotationView() {
  const series = useLab(selectSeries);
  const focus = useLab(selectFocus);
  const pair = useLab(selectPair);
  const contexts = useLab(selectContexts);
  const xScale = useLab(selectXScale);
  const maxDistance = useLab(selectMaxDistance);
  const { setFocus, setPair } = useLab(selectActions);
  const svgRef = useRef<SVGSVGElement>(null);
  const [hover, setHover] = useState<{ index: number; pair: number } | null>(null);
  const [circleDistance, setCircleDistance] = useState<number>(contexts[0] ?? 4096);
  const focused = series[focus];

  const grid = useMemo(() => distanceGrid(xScale, maxDistance, COLUMNS), [xScale, maxDistance]);
  const heat = useMeasuredMemo(() => cachedRotation(focused.config, grid.key, grid.distances), [focused.config, grid]);

  const shownDistance = hover ? grid.distances[hover.index] : circleDistance;
  const shownPair = hover ? hover.pair : pair;
  const hands: CircleHand[] = series
    .map((s) => ({ s, theta: cachedTable(s.config).invFreq }))
    .filter(({ theta }) => shownPair < theta.length)
    .map(({ s, theta }) => ({ key: s.id, name: s.name, color: s.color, angle: shownDistance * theta[shownPair] }));

  const exporter = useMemo<ViewExporter>(
    () => ({
      view: 'rotation',
      svg: () => svgRef.current,
      table: () => ({
        columns: ['distance', ...Array.from({ length: heat.pairs }, (_, i) => `cos pair ${i}`)],
        rows: heat.distances.map((d, n) => [d, ...Array.from(heat.cos.subarray(n * heat.pairs, (n + 1) * heat.pairs))]),
      }),
      json: () => ({
        view: 'rotation',
        series: { name: focused.name, color: focused.color, config: focused.config },
        pair,
        distances: heat.distances,
        cos: heat.distances.map((_, n) => Array.from(heat.cos.subarray(n * heat.pairs, (n + 1) * heat.pairs))),
      }),
    }),
    [heat, focused, pair],
  );
  useRegisterExporter(exporter);

  const hoverCos = hover ? heat.cos[hover.index * heat.pairs + hover.pair] : null;
  return (
    <ViewFrame
      title="Rotation over distance"
      controls={
        <>
          <label className="inline-field">
            heat map of
            <select value={focus} onChange={(e) => setFocus(Number(e.target.value))}>
              {series.map((s, i) => (
                <option key={s.id} value={i}>
                  {s.name || `series ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            pair i
            <input
              type="number"
              className="narrow"
              min={0}
              max={heat.pairs - 1}
              step={1}
              value={pair}
              onChange={(e) => {
                const value = Number(e.target.value);
                if (Number.isInteger(value) && value >= 0 && value < heat.pairs) setPair(value, true);
              }}
            />
          </label>
          <DistanceControls />
        </>
      }
      readout={
        <Readout
          heading={
            hover === null
              ? null
              : `Δ = ${formatNumber(Math.round(shownDistance * 100) / 100)} tokens, pair ${hover.pair}: cos(Δθ) = ${hoverCos!.toFixed(3)}`
          }
          rows={hands.map((h) => ({
            key: h.key,
            color: h.color,
            name: h.name,
            value: `angle ${(((h.angle % (2 * Math.PI)) * 180) / Math.PI).toFixed(1)}° · ${formatNumber(h.angle / (2 * Math.PI))} turns`,
          }))}
          hint="Hover the heat map to read cos(Δθᵢ); click a row to pin its pair on the unit circle."
        />
      }
      explanation={
        <p>
          RoPE rotates pair <i>i</i> of a query and a key by their positions; their product depends only on the distance Δ, through cos(Δθ
          <sub>i</sub>) (red: aligned, blue: opposed). Fast pairs (top) wrap around within a few tokens; slow pairs (bottom) barely turn
          even at long distances, and only those carry coarse position information. Each pixel column shows cos averaged over the distances
          it spans (computed exactly), so a pair that turns many times within one column fades to white instead of drawing bands of
          whichever phase a sample hit; the readout gives cos at the hovered Δ. The circle shows pair {shownPair} of every series after Δ ={' '}
          {formatNumber(Math.round(shownDistance))} tokens.
        </p>
      }
      chart={(size) => {
        const stacked = size.width < STACK_BELOW;
        const below = STACKED_CIRCLE + 56;
        const box = stacked
          ? { ...plotBox(size.width, size.height - below), height: size.height }
          : { ...plotBox(Math.max(200, size.width - CIRCLE_PANEL), size.height), width: size.width };
        const x =
          xScale === 'log'
            ? scaleLog().domain([1, maxDistance]).range([0, box.innerWidth])
            : scaleLinear().domain([0, maxDistance]).range([0, box.innerWidth]);
        const y = scaleLinear().domain([0, heat.pairs]).range([0, box.innerHeight]);
        const pairTicks = linearTicks(y, 8)
          .filter((t) => t.value < heat.pairs)
          .map((t) => ({ value: t.value + 0.5, label: t.label }));
        const locate = (e: React.MouseEvent<SVGElement>) => ({
          index: nearestIndex(grid.distances, x.invert(pointerX(e))),
          pair: Math.max(0, Math.min(heat.pairs - 1, Math.floor(y.invert(pointerY(e))))),
        });
        return (
          <ChartSvg box={box} title={`cos(Δθᵢ) of ${focused.name}`} svgRef={svgRef}>
            <HeatImage
              config={focused.config}
              pairs={heat.pairs}
              xScale={xScale}
              maxDistance={maxDistance}
              width={box.innerWidth}
              height={box.innerHeight}
            />
            <BottomAxis
              ticks={xScale === 'log' ? logTicks(x) : linearTicks(x, 6)}
              x={x}
              box={box}
              label="distance Δ (tokens)"
              grid={false}
            />
            <LeftAxis ticks={pairTicks} y={y} box={box} label="pair index i (fast → slow)" grid={false} />
            {contexts
              .filter((c) => c <= maxDistance)
              .map((c, k) => (
                <MarkerLine key={c} orientation="vertical" at={x(c)} box={box} label={formatTokens(c)} labelRow={k % 2} halo />
              ))}
            <rect
              className="pair-highlight"
              x={0}
              y={y(pair)}
              width={box.innerWidth}
              height={Math.max(1, y(pair + 1) - y(pair))}
              fill="none"
              stroke="#1f2933"
              strokeWidth={1.5}
            />
            <rect
              width={box.innerWidth}
              height={box.innerHeight}
              fill="transparent"
              data-export="skip"
              style={{ cursor: 'pointer' }}
              onPointerMove={(e) => setHover(locate(e))}
              onPointerLeave={() => {
                if (hover) setCircleDistance(grid.distances[hover.index]);
                setHover(null);
              }}
              onClick={(e) => setPair(locate(e).pair)}
            />
            {stacked ? (
              <g transform={`translate(0,${box.innerHeight + 52})`}>
                <UnitCircle
                  size={STACKED_CIRCLE}
                  hands={hands}
                  legendBeside
                  caption={`pair ${shownPair}, Δ = ${formatNumber(Math.round(shownDistance))}`}
                />
                <ColorKey x={10 - MARGIN.left} height={STACKED_CIRCLE} />
              </g>
            ) : (
              <>
                <ColorKey x={box.innerWidth + 24} height={box.innerHeight} />
                <g transform={`translate(${box.innerWidth + 70},0)`}>
                  <UnitCircle
                    size={Math.max(40, Math.min(CIRCLE_PANEL - 80, box.innerHeight - 40 - hands.length * LEGEND_ROW))}
                    hands={hands}
                    caption={`pair ${shownPair}, Δ = ${formatNumber(Math.round(shownDistance))}`}
                  />
                </g>
              </>
            )}
          </ChartSvg>
        );
      }}
    />
  );
}

/**
 * The heat map as an image with one column per pixel of the plot, each column the exact mean of
 * cos(Δθᵢ) over the distances it spans (a box filter): no column is a point sample, and the image is
 * never scaled down (which would drop columns and alias again).
 */
function HeatImage(props: { config: RopeConfig; pairs: number; xScale: AxisScale; maxDistance: number; width: number; height: number }) {
  const { config, pairs, xScale, maxDistance, width, height } = props;
  const columns = Math.max(16, Math.round(width));
  const image = useMemo(() => {
    const edges = xScale === 'log' ? logSpacedDistances(maxDistance, columns + 1) : linearDistances(maxDistance, columns + 1);
    return heatmapDataUrl(rotationColumnMeans(cachedTable(config).invFreq, pairs, edges), columns, pairs);
  }, [config, pairs, xScale, maxDistance, columns]);
  return <image href={image} width={width} height={height} preserveAspectRatio="none" style={{ imageRendering: 'pixelated' }} />;
}

/** Vertical colour key for cos ∈ [−1, 1]. */
function ColorKey({ x, height }: { x: number; height: number }) {
  const steps = 24;
  const h = Math.min(160, height);
  return (
    <g transform={`translate(${x},0)`}>
      {Array.from({ length: steps }, (_, k) => (
        <rect key={k} y={(k * h) / steps} width={12} height={h / steps + 0.5} fill={heatColor(1 - (2 * k) / (steps - 1))} />
      ))}
      <text className="tick-label" x={16} y={8}>
        +1
      </text>
      <text className="tick-label" x={16} y={h / 2 + 4}>
        0
      </text>
      <text className="tick-label" x={16} y={h}>
        −1
      </text>
    </g>
  );
}
