// The one place a CLI command turns its model argument into a file path: a path as given, or
// `builtin:<name>` for one of the lab's own models (public/models/<name>.gguf of this checkout, wherever
// the command runs from). Every problem is a one-line CliError naming the option.
import { existsSync } from 'node:fs';
import { ManifestError } from '../models/builtin.ts';
import { resolveBuiltinPath } from '../models/manifest-node.ts';
import { CliError } from './args.ts';

export function resolveModelPath(value: string | undefined, option = '--model'): string {
  if (value === undefined || value === '') throw new CliError(`missing required option ${option}`);
  let builtin;
  try {
    builtin = resolveBuiltinPath(value);
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(`${option}: ${err.message}`);
    throw err;
  }
  if (builtin) return builtin.path;
  if (!existsSync(value)) throw new CliError(`${option}: no such file '${value}'`);
  return value;
}
