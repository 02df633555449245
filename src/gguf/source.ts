// Random-access byte sources. Model files can be several GB, more than one ArrayBuffer (or a browser
// tab) can hold, so readers ask for byte ranges and never for the whole file.
import { GGUFError } from './errors.ts';

export interface ByteSource {
  /** For messages: a file name or URL. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`, or a GGUFError if the range leaves the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases an open file handle, where there is one. */
  close?(): Promise<void>;
}

/**
 * The most bytes one read returns: one Uint8Array, whose length V8 caps at 4 GiB (Node 20, Chrome).
 * Larger requests are refused here rather than failing deep inside as "Invalid typed array length".
 */
export const MAX_READ_BYTES = 2 ** 32;

/** Throws unless [offset, offset + length) lies inside a source of `size` bytes and fits one array. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new GGUFError(`${name}: bad read range offset ${offset}, length ${length}`);
  }
  if (offset + length > size) {
    throw new GGUFError(`${name}: read of ${length} bytes at offset ${offset} runs past the end (${size} bytes)`);
  }
  if (length > MAX_READ_BYTES) {
    throw new GGUFError(`${name}: read of ${length} bytes at offset ${offset} is more than one array holds (${MAX_READ_BYTES} bytes)`);
  }
}

/** In-memory bytes (tests, small files). Reads are views, not copies. */
export function bytesSource(bytes: Uint8Array, name = 'bytes'): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(name, bytes.byteLength, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A File (from an <input> or drag and drop) or any Blob: slices are read lazily by the browser. */
export function blobSource(blob: Blob, name = (blob as Partial<File>).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}

export interface UrlSourceOptions {
  /** Called as bytes arrive: cumulative bytes fetched, and the file size. */
  onProgress?: (loaded: number, total: number) => void;
  fetch?: typeof fetch;
}

/**
 * A remote file read with HTTP Range requests. A server that ignores ranges (answers 200 instead of
 * 206) makes the whole file download once into memory; that works for small models and is the
 * only thing such a server allows.
 */
export async function urlSource(url: string, opts: UrlSourceOptions = {}): Promise<ByteSource> {
  const fetchFn = opts.fetch ?? fetch;
  const probe = await fetchFn(url, { headers: { Range: 'bytes=0-0' } });
  if (!probe.ok) throw new GGUFError(`${url}: HTTP ${probe.status} ${probe.statusText}`);
  if (probe.status !== 206) return downloadWhole(url, probe, opts.onProgress);
  await probe.body?.cancel();
  const size = Number(/\/(\d+)\s*$/.exec(probe.headers.get('Content-Range') ?? '')?.[1]);
  if (!Number.isSafeInteger(size)) throw new GGUFError(`${url}: server sent no usable Content-Range size`);
  let loaded = 0;
  return {
    name: url,
    size,
    async read(offset, length) {
      checkRange(url, size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const res = await fetchFn(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
      if (res.status !== 206) throw new GGUFError(`${url}: range request answered HTTP ${res.status}, expected 206`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength !== length) {
        throw new GGUFError(`${url}: asked for ${length} bytes at ${offset}, got ${bytes.byteLength}`);
      }
      loaded += length;
      opts.onProgress?.(loaded, size);
      return bytes;
    },
  };
}

async function downloadWhole(url: string, res: Response, onProgress?: (loaded: number, total: number) => void) {
  const total = Number(res.headers.get('Content-Length') ?? NaN);
  if (!res.body) return bytesSource(new Uint8Array(await res.arrayBuffer()), url);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.(loaded, Number.isFinite(total) ? total : loaded);
  }
  const whole = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    whole.set(c, at);
    at += c.byteLength;
  }
  return bytesSource(whole, url);
}
