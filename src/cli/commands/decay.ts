// `lab decay`: the long-range decay curves of a rope configuration at chosen distances.
//   lab decay --head-dim 128 --base 10000 [--distances 0,1000,...] [--max-distance N --count K] [--json]
// Without --distances: K (default 33) log-spaced distances from 1 to N (default 131072), plus 0.
import { decayCurves, logSpacedDistances } from '../../rope/index.ts';
import { CliError, intOption, numberListOption, output, parseOptions } from '../args.ts';
import { formatTable, ROPE_OPTIONS, ropeConfigFromOptions } from '../rope-options.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    ...ROPE_OPTIONS,
    distances: { type: 'string' },
    'max-distance': { type: 'string' },
    count: { type: 'string' },
  });
  const config = ropeConfigFromOptions(values);
  let distances = numberListOption('distances', values.distances);
  if (distances) {
    if (values['max-distance'] !== undefined || values.count !== undefined)
      throw new CliError('--distances cannot be combined with --max-distance/--count');
    const bad = distances.find((d) => d < 0);
    if (bad !== undefined) throw new CliError(`--distances must be ≥ 0, got ${bad}`);
  } else {
    const max = intOption('max-distance', values['max-distance'], 131072);
    const count = intOption('count', values.count, 33);
    if (count < 2) throw new CliError(`--count must be at least 2, got ${count}`);
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
