// Node-only byte source: positional reads on an open file handle, so a multi-GB model is never loaded
// whole. Kept out of index.ts so the browser bundle never sees node:fs.
import { open } from 'node:fs/promises';
import { GGUFError } from './errors.ts';
import { checkRange, type ByteSource } from './source.ts';

/**
 * Bytes asked of one fs read call. Node's binding takes a length below 2³¹ (a larger one aborts the
 * process on `args[3]->IsInt32()`), so a large tensor is read in pieces of this size.
 */
export const READ_CHUNK_BYTES = 2 ** 30;

export async function fileSource(path: string): Promise<ByteSource> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new GGUFError(`cannot open '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { size } = await handle.stat();
  const fd = handle;
  return {
    name: path,
    size,
    async read(offset, length) {
      checkRange(path, size, offset, length);
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fd.read(bytes, done, Math.min(length - done, READ_CHUNK_BYTES), offset + done);
        if (bytesRead === 0) throw new GGUFError(`${path}: file shrank while reading at offset ${offset + done}`);
        done += bytesRead;
      }
      return bytes;
    },
    close: () => fd.close(),
  };
}
