// A model as a list of metadata entries and lazily read tensors: the common shape of a GGUF file and
// an imported llama2.c checkpoint, so conversion streams tensor by tensor whatever the input.
import type { GGUFFile } from './reader.ts';
import { readTensorBytes } from './tensor-data.ts';
import type { GGUFTypedValue } from './values.ts';
import { writeGGUFStream, type GGUFTensorDescriptor } from './writer.ts';

export interface TensorSource extends GGUFTensorDescriptor {
  nElements: number;
  /** The tensor's bytes in its `type`, fetched on demand. */
  read(): Promise<Uint8Array>;
}

export interface ModelSource {
  metadata: Array<[string, GGUFTypedValue]>;
  tensors: TensorSource[];
}

export function ggufModelSource(file: GGUFFile): ModelSource {
  return {
    metadata: [...file.metadata].map(([key, value]) => [key, { ...file.metadataTypes.get(key)!, value }]),
    tensors: file.tensors.map((t) => ({
      name: t.name,
      dims: t.dims,
      type: t.type,
      nElements: t.nElements,
      read: () => readTensorBytes(file, t),
    })),
  };
}

/** Streams `model` as a GGUF file to `sink`, reading one tensor at a time; returns the bytes written. */
export function writeModelStream(model: ModelSource, sink: (chunk: Uint8Array) => Promise<void> | void): Promise<number> {
  return writeGGUFStream(model.metadata, model.tensors, (_, i) => model.tensors[i].read(), sink);
}
