// The CLI's checks on the files it is given, before any is opened for good: inputs must be regular files
// (a FIFO blocks the open, a device such as /dev/zero never ends), text files are read with a size bound,
// and an output is written beside its path and renamed over it, which must not replace a device node.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { CliError } from './args.ts';

/** The most a --text-file may hold. */
export const MAX_TEXT_FILE_BYTES = 256 * 2 ** 20;

/** What a non-regular file is, for messages. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws a CliError naming `option` unless `path` exists and is a regular file (symbolic links followed). */
export function requireRegularFile(option: string, path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `${option}: no such file '${path}'` : `${option}: cannot read '${path}' (${code ?? (err as Error).message})`,
    );
  }
  if (!stats.isFile()) throw new CliError(`${option}: '${path}' is ${kindOf(stats)}, not a regular file`);
}

/**
 * Throws a CliError naming `option` when `path` exists and is not a regular file: the output is written
 * to `<path>.partial` and renamed over `path`, which would replace a device node (/dev/full) or a FIFO.
 */
export function requireRegularOutput(option: string, path: string): void {
  for (const candidate of [path, `${path}.partial`]) {
    const stats = statSync(candidate, { throwIfNoEntry: false });
    if (stats && !stats.isFile()) throw new CliError(`${option}: '${candidate}' is ${kindOf(stats)}; give the path of a regular file`);
  }
}

/**
 * A text file as UTF-8, refused (CliError naming `option`) unless it is a regular file of at most
 * `maxBytes`. Opened without blocking and checked on the open descriptor, so a FIFO swapped in after a
 * check cannot hang the read, and read in chunks up to the bound, so a file that grows cannot either.
 */
export function readTextFile(option: string, path: string, maxBytes = MAX_TEXT_FILE_BYTES): string {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT' ? `${option}: no such file '${path}'` : `${option}: cannot read '${path}' (${code ?? (err as Error).message})`,
    );
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new CliError(`${option}: '${path}' is ${kindOf(stats)}, not a regular file`);
    const tooBig = () => new CliError(`${option}: '${path}' is larger than ${maxBytes / 2 ** 20} MiB`);
    if (stats.size > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooBig();
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
