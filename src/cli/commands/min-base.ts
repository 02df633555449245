// `lab min-base`: Men et al.'s lower bound of the RoPE base for a context length, on a log grid, with
// the bases above it that fail again (B is not monotone in the base).
//   lab min-base --head-dim 128 --context 32768 [--lo B --hi B --steps-per-decade N --verify-decades K] [--json]
import { minBase } from '../../rope/index.ts';
import { CliError, intOption, MAX_TOKENS_OPTION, output, parseOptions, rangeOption } from '../args.ts';
import { checkScanWork, formatNumber, ROPE_BASE_RANGE } from '../rope-options.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    'head-dim': { type: 'string' },
    context: { type: 'string' },
    lo: { type: 'string' },
    hi: { type: 'string' },
    'steps-per-decade': { type: 'string' },
    'verify-decades': { type: 'string' },
  });
  const headDim = intOption('head-dim', values['head-dim']);
  if (headDim % 2 !== 0 || headDim < 4 || headDim > 1024)
    throw new CliError(`--head-dim must be an even integer in 4..1024, got ${headDim}`);
  const context = intOption('context', values.context, undefined, MAX_TOKENS_OPTION);
  const lo = rangeOption('lo', values.lo, ROPE_BASE_RANGE, 10);
  const hi = rangeOption('hi', values.hi, ROPE_BASE_RANGE, 1e12);
  if (!(hi > lo)) throw new CliError(`--hi must be greater than --lo (${lo}), got ${hi}`);
  const stepsPerDecade = intOption('steps-per-decade', values['steps-per-decade'], 200, 10_000);
  const verifyDecades = rangeOption('verify-decades', values['verify-decades'], { min: 0, max: 15 }, 1);
  // each grid base scans B(Δ) up to the context: about a decade of bases below the answer, then the verified ones
  checkScanWork(
    stepsPerDecade * (1 + verifyDecades) * context * (headDim / 2),
    '--context, --head-dim, --steps-per-decade and --verify-decades',
  );
  const result = minBase(headDim, context, { lo, hi, stepsPerDecade, verifyDecades });
  output(values.json, result, () => {
    const lines = [
      `minimum base for context ${context} (head dim ${headDim}): ${formatNumber(result.minBase)} (grid step ×${result.gridRatio.toFixed(4)})`,
    ];
    if (result.nonMonotone.length > 0) {
      const shown = result.nonMonotone.slice(0, 10).map((f) => `${formatNumber(f.base)} (B < 0 at Δ=${f.firstNegative})`);
      lines.push(`not monotone: ${result.nonMonotone.length} larger grid bases fail again, e.g. ${shown.join(', ')}`);
    }
    return lines.join('\n');
  });
}
