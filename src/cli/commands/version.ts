// `lab version`: the lab's version, so scripts can check what they drive.
import { readFileSync } from 'node:fs';
import { output, parseOptions } from '../args.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {});
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  output(values.json, { version: pkg.version }, () => `rope-lab ${pkg.version}`);
}
