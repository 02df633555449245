// Shared fixtures for the tokenizer tests: paths into ../shared and a metadata reader.
// TEMPORARY: reads GGUF metadata with a minimal local parser until src/gguf's readGGUF lands.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
export const MODELS = SHARED + 'models/';
export const LLAMA_SPM_VOCAB = MODELS + 'ggml-vocab-llama-spm.gguf';
export const STORIES_GGUF = MODELS + 'stories260K.gguf';
export const TINYSTORIES_TEXT = SHARED + 'texts/tinystories-sample-60k.txt';

export function missing(...paths: string[]): string | false {
  const absent = paths.filter((p) => !existsSync(p));
  return absent.length ? `shared test data not found: ${absent.join(', ')}` : false;
}

export async function readMetadata(path: string): Promise<Map<string, unknown>> {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 4; // after the magic
  const u32 = () => { const v = view.getUint32(pos, true); pos += 4; return v; };
  const u64 = () => { const v = Number(view.getBigUint64(pos, true)); pos += 8; return v; };
  const str = () => { const n = u64(); const s = buf.toString('utf8', pos, pos + n); pos += n; return s; };
  const value = (type: number): unknown => {
    switch (type) {
      case 0: return view.getUint8(pos++);
      case 1: return view.getInt8(pos++);
      case 2: { const v = view.getUint16(pos, true); pos += 2; return v; }
      case 3: { const v = view.getInt16(pos, true); pos += 2; return v; }
      case 4: return u32();
      case 5: { const v = view.getInt32(pos, true); pos += 4; return v; }
      case 6: { const v = view.getFloat32(pos, true); pos += 4; return v; }
      case 7: return view.getUint8(pos++) !== 0;
      case 8: return str();
      case 9: { const t = u32(); const n = u64(); return Array.from({ length: n }, () => value(t)); }
      case 10: return u64();
      case 11: { const v = Number(view.getBigInt64(pos, true)); pos += 8; return v; }
      case 12: { const v = view.getFloat64(pos, true); pos += 8; return v; }
      default: throw new Error(`unknown GGUF type ${type}`);
    }
  };
  u32(); // version
  u64(); // tensor count
  const nKv = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    metadata.set(key, value(u32()));
  }
  return metadata;
}
