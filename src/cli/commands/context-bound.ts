// `lab context-bound`: the first distance at which Men et al.'s B(Δ) = Σ cos(Δθ_i) turns negative — the
// context a base supports by their long-term-decay criterion.
//   lab context-bound --head-dim 128 --base 10000 [--max-distance N] [other rope options] [--json]
import { computeRope, DEFAULT_MAX_DISTANCE, firstNegativeDistance } from '../../rope/index.ts';
import { intOption, output, parseOptions } from '../args.ts';
import { checkScanWork, ROPE_OPTIONS, ropeConfigFromOptions } from '../rope-options.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, { ...ROPE_OPTIONS, 'max-distance': { type: 'string' } });
  const config = ropeConfigFromOptions(values);
  const maxDistance = intOption('max-distance', values['max-distance'], DEFAULT_MAX_DISTANCE, 2 ** 30);
  checkScanWork(maxDistance * computeRope(config).invFreq.length, '--max-distance and --head-dim');
  const first = firstNegativeDistance(config, maxDistance);
  output(values.json, { firstNegativeDistance: first, maxDistance }, () =>
    first === null
      ? `B(Δ) stays ≥ 0 for every Δ ≤ ${maxDistance}`
      : `B(Δ) first turns negative at Δ = ${first} (head dim ${config.headDim}, base ${config.base}, ${config.type})`,
  );
}
