// Fetching one tensor's bytes; the header was validated, so the range is known to lie inside the file.
import type { GGUFFile } from './reader.ts';
import type { GGUFTensorInfo } from './tensor-infos.ts';

export function readTensorBytes(file: GGUFFile, tensor: GGUFTensorInfo): Promise<Uint8Array> {
  return file.source.read(tensor.offset, tensor.byteSize);
}
