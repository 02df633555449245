// One head's full causal attention map (short inputs), one per RoPE variant: queries down, keys across,
// drawn on a canvas (a 2,048-token map is 4M cells, far too many for SVG elements). Colour is √weight,
// so the faint long-range weights stay visible beside the sink and the diagonal. Hovering a cell reads
// out the query token, the key token and the exact weight.
import { interpolateBlues } from 'd3';
import { useEffect, useRef, useState } from 'react';
import type { AttentionProbeResult } from '../../../probes/index.ts';
import { formatTokens } from '../../charts/ticks.ts';
import { mapTicks, shownToken } from './attentionMapAxes.ts';

/** Plot side in CSS pixels; margins hold the token labels. */
const SIDE = 320;
const MARGIN = { left: 64, top: 64, right: 8, bottom: 8 };

interface Hover {
  variant: string;
  query: number;
  key: number;
  weight: number;
}

export function AttentionMaps({ result }: { result: AttentionProbeResult }) {
  const [hover, setHover] = useState<Hover | null>(null);
  const mapOf = result.provenance.options.mapOf as { layer: number; head: number } | null;
  const maps = result.series.filter((s) => s.map);
  if (!mapOf || maps.length === 0) return null;
  const n = result.ids.length;
  // a piece that decodes to nothing (BOS) is shown by its id
  const label = (i: number) => `${i} ${result.tokens?.[i] ? JSON.stringify(shownToken(result.tokens[i])) : `#${result.ids[i]}`}`;
  return (
    <section className="probe-maps" aria-label="Attention maps">
      <h3>
        Attention map · layer {mapOf.layer} · head {mapOf.head} · {formatTokens(n)} tokens (colour: √weight)
      </h3>
      <div className="probe-heatmaps">
        {maps.map((s) => (
          <figure key={s.variant.label}>
            <MapCanvas
              map={s.map!}
              n={n}
              tokens={result.tokens}
              onHover={(cell) => setHover(cell && { variant: s.variant.label, ...cell })}
              variant={s.variant.label}
            />
            <figcaption>{s.variant.label}</figcaption>
          </figure>
        ))}
      </div>
      <p className="probe-map-readout" aria-live="polite">
        {hover
          ? `${hover.variant} · query ${label(hover.query)} → key ${label(hover.key)} · weight ${hover.weight.toPrecision(4)}`
          : 'Hover a cell: query token, key token, weight.'}
      </p>
    </section>
  );
}

function MapCanvas({
  map,
  n,
  tokens,
  variant,
  onHover,
}: {
  map: Float32Array;
  n: number;
  tokens?: string[];
  variant: string;
  onHover(cell: { query: number; key: number; weight: number } | null): void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const g = el?.getContext('2d');
    if (!el || !g) return;
    const scale = window.devicePixelRatio || 1;
    el.width = (MARGIN.left + SIDE + MARGIN.right) * scale;
    el.height = (MARGIN.top + SIDE + MARGIN.bottom) * scale;
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(cellsImage(map, n), MARGIN.left, MARGIN.top, SIDE, SIDE);
    drawAxes(g, n, tokens);
  }, [map, n, tokens]);
  // CSS pixels → cell: the plot is SIDE pixels for n cells on each axis
  const cellAt = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const key = Math.floor(((e.clientX - box.left - MARGIN.left) / SIDE) * n);
    const query = Math.floor(((e.clientY - box.top - MARGIN.top) / SIDE) * n);
    return key >= 0 && key < n && query >= 0 && query < n ? { query, key, weight: map[query * n + key] } : null;
  };
  return (
    <canvas
      ref={canvas}
      className="probe-map"
      role="img"
      aria-label={`attention map of ${variant}, ${n} × ${n} tokens`}
      data-tokens={n}
      style={{ width: MARGIN.left + SIDE + MARGIN.right, height: MARGIN.top + SIDE + MARGIN.bottom }}
      onMouseMove={(e) => onHover(cellAt(e))}
      onMouseLeave={() => onHover(null)}
    />
  );
}

/** The n × n weights as an image, one pixel per cell (scaled up without smoothing when drawn). */
function cellsImage(map: Float32Array, n: number): HTMLCanvasElement {
  const image = new ImageData(n, n);
  const palette = Array.from({ length: 256 }, (_, i) => colourBytes(interpolateBlues(i / 255)));
  // byte writes, no per-cell allocation: a 2,048-token map has 4M cells
  const bytes = image.data;
  for (let i = 0; i < n * n; i++) {
    const rgb = palette[Math.round(Math.sqrt(Math.min(1, Math.max(0, map[i]))) * 255)];
    bytes[4 * i] = rgb[0];
    bytes[4 * i + 1] = rgb[1];
    bytes[4 * i + 2] = rgb[2];
    bytes[4 * i + 3] = 255;
  }
  const cells = document.createElement('canvas');
  cells.width = n;
  cells.height = n;
  cells.getContext('2d')!.putImageData(image, 0, 0);
  return cells;
}

function colourBytes(css: string): [number, number, number] {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(css);
  if (!m) throw new Error(`unexpected colour ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Token labels (short inputs) or position ticks along the top (keys) and the left (queries). */
function drawAxes(g: CanvasRenderingContext2D, n: number, tokens?: string[]) {
  g.save();
  g.fillStyle = '#52606d';
  g.font = '10px system-ui, sans-serif';
  const cell = SIDE / n;
  for (const { index, text } of mapTicks(n, tokens)) {
    const middle = (index + 0.5) * cell;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    g.fillText(text, MARGIN.left - 4, MARGIN.top + middle);
    g.save();
    g.translate(MARGIN.left + middle, MARGIN.top - 4);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'left';
    g.fillText(text, 0, 0);
    g.restore();
  }
  g.restore();
}
