// `lab rope`: θ_i, wavelengths and the cos/sin attention factor of a rope configuration.
//   lab rope --head-dim 128 --base 10000 [--type T --factor F ...] [--json]
import { computeRope, wavelengths } from '../../rope/index.ts';
import { output, parseOptions } from '../args.ts';
import { formatTable, ROPE_OPTIONS, ropeConfigFromOptions } from '../rope-options.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, ROPE_OPTIONS);
  const config = ropeConfigFromOptions(values);
  const table = computeRope(config);
  const lambda = wavelengths(table);
  const result = {
    invFreq: Array.from(table.invFreq),
    attentionFactor: table.attentionFactor,
    wavelengths: Array.from(lambda),
    ...(table.xposZeta ? { xposZeta: Array.from(table.xposZeta) } : {}),
  };
  output(values.json, result, () => {
    const rows = result.invFreq.map((theta, i) => [i, theta, lambda[i], ...(table.xposZeta ? [table.xposZeta[i]] : [])]);
    const header = ['pair', 'theta', 'wavelength', ...(table.xposZeta ? ['xpos zeta'] : [])];
    return `${config.type} rope, head dim ${config.headDim}, base ${config.base}, attention factor ${table.attentionFactor}\n${formatTable(header, rows)}`;
  });
}
