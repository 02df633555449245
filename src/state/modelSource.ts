// The first half of a load: getting the requested model's bytes into the OPFS cache (downloaded or copied,
// streamed) and deciding what the engine reads. A cached URL is not downloaded again; an uncached one has
// its header checked with Range requests first (remoteHeader.ts). When the cache refuses (no OPFS,
// quota), the engine reads the original URL or file directly and a notice says so.
// The built-in models (`builtin:<name>`, also typed as a URL) are fetched from the page's own origin
// into memory and not put in the OPFS cache: the browser's HTTP cache keeps them, and the cache list
// stays the visitor's own models.
import type { ModelSource } from '../engine/types.ts';
import { BUILTIN_PREFIX, builtinModelUrl, builtinRef, findBuiltinModel, parseBuiltinRef } from '../models/builtin.ts';
import { errorMessage } from './modelErrors.ts';
import type { ModelServices } from './modelServices.ts';
import { checkRemoteHeader, httpRefusal } from './remoteHeader.ts';

/** `builtin` without a name is the manifest's default model. */
export type ModelRequest =
  { kind: 'url'; url: string } | { kind: 'file'; file: File } | { kind: 'cache'; name: string } | { kind: 'builtin'; name?: string };

export interface PreparedSource {
  source: ModelSource;
  /** URL or `file:<name>`: what the loaded model is known by. */
  origin: string;
  /** Cache entry written by this load (removed again if the file turns out not to be a model). */
  freshlyCached: string | null;
  notice: string | null;
}

export interface CopyProgress {
  stage: 'header' | 'download' | 'cache' | 'fetch';
  loadedBytes: number;
  totalBytes: number;
}

export function requestLabel(request: ModelRequest): string {
  if (request.kind === 'url') return request.url;
  if (request.kind === 'file') return request.file.name;
  if (request.kind === 'builtin') return request.name === undefined ? 'the built-in model' : builtinRef(request.name);
  return request.name;
}

export async function prepareSource(
  request: ModelRequest,
  services: ModelServices,
  signal: AbortSignal,
  progress: (p: CopyProgress) => void,
): Promise<PreparedSource> {
  if (request.kind === 'cache') return fromCache(request.name, services);
  if (request.kind === 'file') return fromFile(request.file, services, signal, progress);
  if (request.kind === 'builtin') return fromBuiltin(request.name, services, signal, progress);
  const builtin = request.url.trim().startsWith(BUILTIN_PREFIX) ? parseBuiltinRef(request.url.trim()) : null;
  if (builtin !== null) return fromBuiltin(builtin, services, signal, progress);
  return fromUrl(resolveModelUrl(request.url), services, signal, progress);
}

async function fromBuiltin(
  name: string | undefined,
  services: ModelServices,
  signal: AbortSignal,
  progress: (p: CopyProgress) => void,
): Promise<PreparedSource> {
  const manifest = await services.builtins.manifest();
  const model = findBuiltinModel(manifest, name ?? manifest.default);
  const url = builtinModelUrl(manifest, model.name, services.builtins.base());
  progress({ stage: 'fetch', loadedBytes: 0, totalBytes: model.bytes ?? 0 });
  const response = await services.fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get('Content-Length')) || model.bytes || 0;
  const chunks: Uint8Array[] = [];
  let loadedBytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loadedBytes += value.byteLength;
    progress({ stage: 'fetch', loadedBytes, totalBytes: Math.max(total, loadedBytes) });
  }
  const file = new File(chunks as BlobPart[], model.file);
  return { source: { kind: 'file', file, name: model.file }, origin: builtinRef(model.name), freshlyCached: null, notice: null };
}

async function fromCache(name: string, { cache }: ModelServices): Promise<PreparedSource> {
  const file = await cache.cachedModelFile(name);
  const entry = (await cache.listCachedModels()).find((m) => m.name === name);
  return { source: { kind: 'file', file, name }, origin: entry?.source ?? name, freshlyCached: null, notice: null };
}

async function fromFile(file: File, { cache }: ModelServices, signal: AbortSignal, progress: (p: CopyProgress) => void) {
  const origin = `file:${file.name}`;
  const direct: PreparedSource = { source: { kind: 'file', file, name: file.name }, origin, freshlyCached: null, notice: null };
  if (!cache.isCacheAvailable()) return direct;
  progress({ stage: 'cache', loadedBytes: 0, totalBytes: file.size });
  try {
    const saved = await cache.saveToCache(file.name, origin, file.stream(), file.size, {
      signal,
      onProgress: (loadedBytes, totalBytes) => progress({ stage: 'cache', loadedBytes, totalBytes }),
    });
    return { ...direct, freshlyCached: saved.model.name };
  } catch (err) {
    return notCached(direct, err);
  }
}

async function fromUrl(url: string, services: ModelServices, signal: AbortSignal, progress: (p: CopyProgress) => void) {
  const { cache } = services;
  const direct: PreparedSource = { source: { kind: 'url', url }, origin: url, freshlyCached: null, notice: null };
  if (!cache.isCacheAvailable()) return direct;
  const hit = await cache.findCachedBySource(url).catch(() => null);
  if (hit) return { ...direct, source: { kind: 'file', file: await cache.cachedModelFile(hit.name), name: hit.name } } as PreparedSource;

  progress({ stage: 'header', loadedBytes: 0, totalBytes: 0 });
  await checkRemoteHeader(url, services.fetch, signal);
  progress({ stage: 'download', loadedBytes: 0, totalBytes: 0 });
  const response = await services.fetch(url, { signal });
  if (!response.ok || !response.body) throw httpRefusal(url, response.status, response.statusText);
  const total = Number(response.headers.get('Content-Length')) || 0;
  try {
    const saved = await cache.saveToCache(url, url, response.body, total, {
      signal,
      onProgress: (loadedBytes, totalBytes) => progress({ stage: 'download', loadedBytes, totalBytes: totalBytes || loadedBytes }),
    });
    return {
      ...direct,
      source: { kind: 'file', file: saved.file, name: saved.model.name },
      freshlyCached: saved.model.name,
    } as PreparedSource;
  } catch (err) {
    await response.body.cancel().catch(() => {}); // refused before reading: free the connection
    return notCached(direct, err);
  }
}

/** A cache refusal is not a load failure: the engine reads the original instead. Anything else is. */
function notCached(direct: PreparedSource, err: unknown): PreparedSource {
  if ((err as Error)?.name !== 'ModelCacheError') throw err;
  return { ...direct, notice: `Loaded without caching: ${errorMessage(err)}.` };
}

/** An absolute http(s) URL, relative ones resolved against the page; anything else is refused. */
export function resolveModelUrl(raw: string): string {
  const text = raw.trim();
  if (!text) throw new Error('the model URL is empty');
  let url: URL;
  try {
    url = new URL(text, typeof location !== 'undefined' ? location.href : undefined);
  } catch {
    throw new Error(`'${text}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`model URLs must be http(s), got ${url.protocol}`);
  return url.href;
}
