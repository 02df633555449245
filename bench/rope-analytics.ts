// Measures what the page pays when a config changes: θ tables plus all three decay curves for every
// preset at 1000 log-spaced distances up to 131072. Run: npm run bench:rope
// (Timing is reported, never asserted in tests: CI machines vary.)
import { decayCurves, logSpacedDistances, ROPE_PRESETS } from '../src/rope/index.ts';

const DISTANCES = logSpacedDistances(131072, 1000, true);
const ROUNDS = 50;

function recomputeAll(): number {
  let checksum = 0;
  for (const preset of ROPE_PRESETS) checksum += decayCurves(preset.config, DISTANCES).menB[500];
  return checksum;
}

for (let warm = 0; warm < 5; warm++) recomputeAll();
const times: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = performance.now();
  recomputeAll();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[ROUNDS >> 1];
console.log(
  `all curves, ${ROPE_PRESETS.length} presets × ${DISTANCES.length} distances: ` +
    `median ${median.toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times[ROUNDS - 1].toFixed(2)} ms ` +
    `(${(median / ROPE_PRESETS.length).toFixed(2)} ms per config)`,
);
