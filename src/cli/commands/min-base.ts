// `lab min-base`: Men et al.'s lower bound of the RoPE base for a context length, on a log grid, with
// the bases above it that fail again (B is not monotone in the base).
//   lab min-base --head-dim 128 --context 32768 [--lo B --hi B --steps-per-decade N --verify-decades K] [--json]
import { minBase } from '../../rope/index.ts';
import { CliError, intOption, numberOption, output, parseOptions } from '../args.ts';
import { formatNumber } from '../rope-options.ts';

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
  if (headDim % 2 !== 0 || headDim < 4 || headDim > 1024) throw new CliError(`--head-dim must be an even integer in 4..1024, got ${headDim}`);
  const context = intOption('context', values.context);
  const lo = numberOption('lo', values.lo, 10);
  const hi = numberOption('hi', values.hi, 1e12);
  if (!(lo > 1)) throw new CliError(`--lo must be > 1, got ${lo}`);
  if (!(hi > lo)) throw new CliError(`--hi must be greater than --lo (${lo}), got ${hi}`);
  const stepsPerDecade = intOption('steps-per-decade', values['steps-per-decade'], 200);
  const verifyDecades = numberOption('verify-decades', values['verify-decades'], 1);
  if (verifyDecades < 0) throw new CliError(`--verify-decades must be ≥ 0, got ${verifyDecades}`);
  const result = minBase(headDim, context, { lo, hi, stepsPerDecade, verifyDecades });
  output(values.json, result, () => {
    const lines = [`minimum base for context ${context} (head dim ${headDim}): ${formatNumber(result.minBase)} (grid step ×${result.gridRatio.toFixed(4)})`];
    if (result.nonMonotone.length > 0) {
      const shown = result.nonMonotone.slice(0, 10).map((f) => `${formatNumber(f.base)} (B < 0 at Δ=${f.firstNegative})`);
      lines.push(`not monotone: ${result.nonMonotone.length} larger grid bases fail again, e.g. ${shown.join(', ')}`);
    }
    return lines.join('\n');
  });
}
