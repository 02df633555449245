// One rotated pair on the unit circle: a hand per series at angle Δ·θᵢ (counter-clockwise from +x),
// with a legend underneath (the embedded view has no readout table to name the colours).
export interface CircleHand {
  key: string;
  name: string;
  color: string;
  /** Radians. */
  angle: number;
}

/** Height of one legend row under the circle. */
export const LEGEND_ROW = 15;

/** `legendBeside`: the legend to the right of the circle (narrow charts, where the circle sits below the heat map). */
export function UnitCircle({
  size,
  hands,
  caption,
  legendBeside = false,
}: {
  size: number;
  hands: CircleHand[];
  caption: string;
  legendBeside?: boolean;
}) {
  const r = Math.max(20, size / 2);
  // Markers shrink in drawing order, so series at the same angle show as nested rings, each visible.
  const step = hands.length > 1 ? Math.min(2.5, 10 / (hands.length - 1)) : 0;
  const markerRadius = (k: number) => 4 + step * (hands.length - 1 - k);
  return (
    <g className="unit-circle" transform={`translate(${r},${r + 24})`}>
      <text className="axis-label" x={0} y={-r - 10} textAnchor="middle">
        {caption}
      </text>
      <circle r={r} fill="none" stroke="#9aa5b1" />
      <line className="grid" x1={-r} x2={r} />
      <line className="grid" y1={-r} y2={r} />
      {hands.map((h, k) => {
        const hx = r * Math.cos(h.angle);
        const hy = -r * Math.sin(h.angle);
        return (
          <g key={h.key} data-series={h.name}>
            <line x1={0} y1={0} x2={hx} y2={hy} stroke={h.color} strokeWidth={2.2} />
            <circle className="hand-marker" cx={hx} cy={hy} r={markerRadius(k)} fill={h.color} stroke="#ffffff" strokeWidth={1} />
          </g>
        );
      })}
      <circle r={2.5} fill="#1f2933" />
      {hands.map((h, k) => (
        <g
          key={h.key}
          transform={legendBeside ? `translate(${r + 22},${-r + 6 + k * LEGEND_ROW})` : `translate(${-r},${r + 22 + k * LEGEND_ROW})`}
        >
          <rect y={-5} width={10} height={10} rx={2} fill={h.color} />
          <text className="legend-text" x={16} dy="0.32em">
            {h.name.length > 23 ? `${h.name.slice(0, 22)}…` : h.name}
          </text>
        </g>
      ))}
      <text className="tick-label" x={r + 4} y={4}>
        0
      </text>
    </g>
  );
}
