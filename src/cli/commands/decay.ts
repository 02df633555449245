// `lab decay`: the long-range decay curves of a rope configuration at chosen distances.
//   lab decay --head-dim 128 --base 10000 [--distances 0,1000,...] [--max-distance N --count K] [--json]
// Without --distances: K (default 33) log-spaced distances from 1 to N (default 131072), plus 0.
import { decayCurves, logSpacedDistances } from '../../rope/index.ts';
import { CliError, intOption, numberListOption, output, parseOptions, rangeOption, type Range } from '../args.ts';
import { formatTable, ROPE_OPTIONS, ropeConfigFromOptions } from '../rope-options.ts';

/** Distances are evaluated one by one, so only their number costs time; past 1e12 float64 angles lose their meaning. */
const DISTANCE: Range = { min: 0, max: 1e12 };
const MAX_DISTANCES = 100_000;

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    ...ROPE_OPTIONS,
    distances: { type: 'string' },
    'max-distance': { type: 'string' },
    count: { type: 'string' },
  });
  const config = ropeConfigFromOptions(values);
  let distances = numberListOption('distances', values.distances, DISTANCE, MAX_DISTANCES);
  if (distances) {
    if (values['max-distance'] !== undefined || values.count !== undefined)
      throw new CliError('--distances cannot be combined with --max-distance/--count');
  } else {
    const max = intOption('max-distance', values['max-distance'], 131072, DISTANCE.max);
    const count = rangeOption('count', values.count, { min: 2, max: MAX_DISTANCES, integer: true }, 33);
    distances = Array.from(logSpacedDistances(max, count + 1, true));
  }
  const curves = decayCurves(config, distances);
  output(values.json, curves, () =>
    formatTable(
      ['distance', 'all-ones logit', 'RoFormer bound', 'Men B'],
      curves.distance.map((d, n) => [d, curves.allOnesLogit[n], curves.roformerBound[n], curves.menB[n]]),
    ),
  );
}
