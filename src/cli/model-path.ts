// The one place a CLI command turns its model argument into a file path: a path as given, or
// `builtin:<name>` for one of the lab's own models (public/models/<name>.gguf of this checkout, wherever
// the command runs from). Every problem is a one-line CliError naming the option; a path that is no
// regular file (a FIFO would block the open, a device never ends) is refused before anything opens it.
import { ManifestError } from '../models/builtin.ts';
import { resolveBuiltinPath } from '../models/manifest-node.ts';
import { CliError } from './args.ts';
import { requireRegularFile } from './files.ts';

export function resolveModelPath(value: string | undefined, option = '--model'): string {
  if (value === undefined || value === '') throw new CliError(`missing required option ${option}`);
  let builtin;
  try {
    builtin = resolveBuiltinPath(value);
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(`${option}: ${err.message}`);
    throw err;
  }
  const path = builtin ? builtin.path : value;
  requireRegularFile(option, path);
  return path;
}
