// Builds GGUF bytes field by field, including invalid ones (wrong counts, bad offsets), for tests
// of the reader's validation. The real writer refuses to produce such files.
import { ByteWriter } from '../../src/gguf/byte-writer.ts';

export interface RawKV {
  key: string | Uint8Array;
  type: number;
  write: (w: ByteWriter) => void;
}

export interface RawTensor {
  name: string;
  dims: Array<number | bigint>;
  type: number;
  offset: number | bigint;
  /** Stored dimension count when it should disagree with dims.length. */
  nDims?: number;
}

export interface RawFile {
  magic?: string;
  version?: number;
  tensorCount?: number | bigint;
  kvCount?: number | bigint;
  kvs?: RawKV[];
  tensors?: RawTensor[];
  alignment?: number;
  /** Bytes of (zero) tensor data after the aligned header. */
  dataBytes?: number;
}

export const kv = {
  u32: (key: string, v: number): RawKV => ({ key, type: 4, write: (w) => w.u32(v) }),
  str: (key: string, s: string): RawKV => ({ key, type: 8, write: (w) => w.string(s) }),
  strArray: (key: string, items: string[], claimedLength: number | bigint = items.length): RawKV => ({
    key,
    type: 9,
    write: (w) => {
      w.u32(8);
      w.u64(claimedLength);
      for (const s of items) w.string(s);
    },
  }),
};

export function rawGGUF(f: RawFile): Uint8Array {
  const kvs = f.kvs ?? [kv.str('general.architecture', 'llama')];
  const tensors = f.tensors ?? [];
  const w = new ByteWriter();
  w.raw(new TextEncoder().encode(f.magic ?? 'GGUF'));
  w.u32(f.version ?? 3);
  w.u64(f.tensorCount ?? tensors.length);
  w.u64(f.kvCount ?? kvs.length);
  for (const { key, type, write } of kvs) {
    if (typeof key === 'string') w.string(key);
    else {
      w.u64(key.byteLength);
      w.raw(key);
    }
    w.u32(type);
    write(w);
  }
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.nDims ?? t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(t.offset);
  }
  w.padTo(f.alignment ?? 32);
  w.raw(new Uint8Array(f.dataBytes ?? 0));
  return w.finish();
}
