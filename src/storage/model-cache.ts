// Downloaded and opened models kept in the Origin Private File System, so a page reload (or a shared
// `?model=` link opened again) does not fetch hundreds of MB twice. Bytes are streamed into the file as
// they arrive (never held whole in memory), and `createWritable` writes to a swap file that only
// replaces the entry on close, so an interrupted download never leaves a truncated model behind.
//
// Layout: <OPFS root>/rope-lab-models/<name> holds the GGUF bytes and <name>.meta.json where it came from.

const DIRECTORY = 'rope-lab-models';
const META_SUFFIX = '.meta.json';

export interface CachedModel {
  /** File name inside the cache (unique). */
  name: string;
  size: number;
  /** Date.now() when it was stored. */
  savedAt: number;
  /** The URL it was downloaded from, or `file:<name>` for a file the user opened. */
  source: string;
}

/** A problem with the cache itself (no OPFS, quota); loading can go on without caching. */
export class ModelCacheError extends Error {
  override readonly name = 'ModelCacheError';
}

export interface SaveOptions {
  /** Bytes written so far, and the expected total (0 when the server did not say). */
  onProgress?: (written: number, total: number) => void;
  signal?: AbortSignal;
}

export function isCacheAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

async function cacheDirectory(): Promise<FileSystemDirectoryHandle> {
  if (!isCacheAvailable()) throw new ModelCacheError('this browser has no Origin Private File System');
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIRECTORY, { create: true });
}

export async function listCachedModels(): Promise<CachedModel[]> {
  const dir = await cacheDirectory();
  const models: CachedModel[] = [];
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind !== 'file' || name.endsWith(META_SUFFIX)) continue;
    const file = await (handle as FileSystemFileHandle).getFile();
    const meta = await readMeta(dir, name);
    if (!meta && file.size === 0) continue; // a download cut off by closing the tab: nothing was committed
    models.push({ name, size: file.size, savedAt: meta?.savedAt ?? file.lastModified, source: meta?.source ?? name });
  }
  return models.sort((a, b) => b.savedAt - a.savedAt);
}

export async function findCachedBySource(source: string): Promise<CachedModel | null> {
  return (await listCachedModels()).find((m) => m.source === source) ?? null;
}

export async function cachedModelFile(name: string): Promise<File> {
  const dir = await cacheDirectory();
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') throw new ModelCacheError(`'${name}' is not in the model cache`);
    throw err;
  }
}

export async function deleteCachedModel(name: string): Promise<void> {
  const dir = await cacheDirectory();
  await dir.removeEntry(name).catch(ignoreNotFound);
  await dir.removeEntry(name + META_SUFFIX).catch(ignoreNotFound);
}

/**
 * Streams `body` into the cache under a name derived from `preferredName` (made unique unless the entry
 * with that name came from the same source, which is then replaced). Returns the stored file.
 * Throws ModelCacheError when the quota does not allow it (nothing is left behind), or the
 * stream's own error (network failure, AbortError) after discarding the partial file.
 */
export async function saveToCache(
  preferredName: string,
  source: string,
  body: ReadableStream<Uint8Array>,
  expectedSize: number,
  options: SaveOptions = {},
): Promise<{ model: CachedModel; file: File }> {
  const dir = await cacheDirectory();
  await checkQuota(expectedSize);
  const name = await uniqueName(dir, cacheFileName(preferredName), source);
  const handle = await dir.getFileHandle(name, { create: true });
  const isNewEntry = (await handle.getFile()).size === 0;
  let written = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      written += chunk.byteLength;
      options.onProgress?.(written, expectedSize);
      controller.enqueue(chunk);
    },
  });
  try {
    // pipeTo closes the writable (committing the swap file) on success and aborts it on any error.
    await body.pipeThrough(counter).pipeTo(await handle.createWritable(), { signal: options.signal });
  } catch (err) {
    if (isNewEntry) await dir.removeEntry(name).catch(ignoreNotFound);
    if (err instanceof DOMException && err.name === 'QuotaExceededError') throw quotaError(expectedSize || written);
    throw err;
  }
  const savedAt = Date.now();
  await writeMeta(dir, name, { source, savedAt });
  // Ask the browser not to evict the cache under storage pressure (granted silently or not at all).
  await navigator.storage.persist?.().catch(() => false);
  const file = await handle.getFile();
  return { model: { name, size: file.size, savedAt, source }, file };
}

/** A safe file name from a URL's last path segment or a file's name. */
export function cacheFileName(raw: string): string {
  let base = raw;
  try {
    const url = new URL(raw);
    base = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    // not a URL: a plain file name
  }
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  if (!cleaned) return 'model.gguf';
  return cleaned.endsWith(META_SUFFIX) ? cleaned + '.gguf' : cleaned;
}

async function uniqueName(dir: FileSystemDirectoryHandle, name: string, source: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? name : `${stem}-${i}${ext}`;
    const size = await fileSize(dir, candidate);
    if (size === null) return candidate;
    const meta = await readMeta(dir, candidate);
    // Same source: replace it. No metadata and empty: an interrupted download, free to take over.
    if (meta?.source === source || (!meta && size === 0)) return candidate;
  }
}

async function checkQuota(expectedSize: number): Promise<void> {
  if (!expectedSize || typeof navigator.storage.estimate !== 'function') return;
  const { quota, usage } = await navigator.storage.estimate();
  if (quota === undefined || usage === undefined) return;
  if (expectedSize > quota - usage) throw quotaError(expectedSize, quota - usage);
}

function quotaError(needed: number, available?: number): ModelCacheError {
  const free = available === undefined ? '' : `, ${megabytes(Math.max(0, available))} available`;
  return new ModelCacheError(
    `not enough browser storage to cache the model (needs ${megabytes(needed)}${free}); delete cached models or free disk space`,
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The entry's size, or null when there is no such file. */
async function fileSize(dir: FileSystemDirectoryHandle, name: string): Promise<number | null> {
  try {
    return (await (await dir.getFileHandle(name)).getFile()).size;
  } catch {
    return null;
  }
}

interface Meta {
  source: string;
  savedAt: number;
}

async function readMeta(dir: FileSystemDirectoryHandle, name: string): Promise<Meta | null> {
  try {
    const text = await (await (await dir.getFileHandle(name + META_SUFFIX)).getFile()).text();
    const meta = JSON.parse(text) as Partial<Meta>;
    return typeof meta.source === 'string' && typeof meta.savedAt === 'number' ? { source: meta.source, savedAt: meta.savedAt } : null;
  } catch {
    return null;
  }
}

async function writeMeta(dir: FileSystemDirectoryHandle, name: string, meta: Meta): Promise<void> {
  const writable = await (await dir.getFileHandle(name + META_SUFFIX, { create: true })).createWritable();
  await writable.write(JSON.stringify(meta));
  await writable.close();
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
}
