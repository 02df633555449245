// The loaded model, its loading progress, and the OPFS model cache: the `model` part of the lab store.
// A load goes: check WebGPU → get the bytes into the cache (download or copy, streamed) → the engine
// reads the cached file. When the cache cannot take the model (no OPFS, quota), the engine reads the
// original URL or file directly and a notice says the model was not cached.
import type { LoadProgress, ModelInfo, ModelSource } from '../engine/types.ts';
import type { CachedModel } from '../storage/model-cache.ts';
import { describeLoadError, errorMessage } from './modelErrors.ts';
import type { ModelServices } from './modelServices.ts';

export type ModelRequest = { kind: 'url'; url: string } | { kind: 'file'; file: File } | { kind: 'cache'; name: string };

export interface LoadingState {
  /** What is being loaded (URL, file name). */
  label: string;
  /** 'download' / 'cache': bytes going into the cache; then the engine's phases. */
  stage: 'check' | 'download' | 'cache' | LoadProgress['phase'];
  loadedBytes: number;
  totalBytes: number;
  tensor?: string;
}

export interface ModelState {
  info: ModelInfo | null;
  /** Where the loaded model came from (URL or `file:<name>`), for links and the cache list. */
  source: string | null;
  loading: LoadingState | null;
  error: string | null;
  /** Something worth knowing that is not a failure (e.g. the model loaded but was not cached). */
  notice: string | null;
  cached: CachedModel[];
  cacheError: string | null;
  /** The URL field's text (kept here so it survives switching sections). */
  urlDraft: string;
  actions: ModelActions;
}

export interface ModelActions {
  load(request: ModelRequest): Promise<void>;
  cancelLoad(): void;
  refreshCache(): Promise<void>;
  deleteCached(name: string): Promise<void>;
  dismissError(): void;
  setUrlDraft(text: string): void;
}

export interface ModelSlices {
  model: ModelState;
}

type Setter<T> = (fn: (state: T) => Partial<T>) => void;

export function createModelSlice<T extends ModelSlices>(set: Setter<T>, get: () => T, services: ModelServices): ModelState {
  const patch = (change: Partial<ModelState>) => set((s) => ({ model: { ...s.model, ...change } }) as Partial<T>);
  let current: { id: number; abort: AbortController; cancelled: boolean } | null = null;
  let nextLoadId = 0;

  services.onEngineCrash((message) =>
    patch({ info: null, loading: null, error: `The engine stopped: ${message}. Load the model again.` }),
  );

  const refreshCache = async () => {
    if (!services.cache.isCacheAvailable()) {
      patch({ cached: [], cacheError: 'This browser has no Origin Private File System, so models are not cached.' });
      return;
    }
    try {
      patch({ cached: await services.cache.listCachedModels(), cacheError: null });
    } catch (err) {
      patch({ cacheError: `Could not read the model cache: ${errorMessage(err)}` });
    }
  };

  const load = async (request: ModelRequest) => {
    actions.cancelLoad();
    const run = { id: nextLoadId++, abort: new AbortController(), cancelled: false };
    current = run;
    const isCurrent = () => current === run;
    const label = requestLabel(request);
    const progress = (change: Partial<LoadingState>) => {
      if (isCurrent()) patch({ loading: { ...(get().model.loading ?? emptyLoading(label)), ...change } });
    };
    // The engine drops its current model when the new one starts loading; a load that fails before
    // reaching the engine puts it back on screen (safeInfo below).
    patch({ loading: emptyLoading(label), info: null, error: null, notice: null });
    let freshlyCached: string | null = null;
    try {
      const problem = await services.webgpuProblem();
      if (problem) throw Object.assign(new Error(problem), { name: 'WebGPUUnavailable' });
      const prepared = await prepareSource(request, services, run.abort.signal, progress);
      freshlyCached = prepared.freshlyCached;
      if (!isCurrent()) return;
      if (prepared.notice) patch({ notice: prepared.notice });
      services.engine.cancel(); // a running generation would hold the engine's queue until it ends
      const info = await services.engine.load(prepared.source, (p) =>
        progress({ stage: p.phase, loadedBytes: p.loadedBytes, totalBytes: p.totalBytes, tensor: p.tensor }),
      );
      if (!isCurrent()) return;
      patch({ info, source: prepared.origin, loading: null });
    } catch (err) {
      if (run.cancelled) {
        if (isCurrent()) patch({ loading: null, notice: `Loading ${label} was cancelled.`, info: await safeInfo(services) });
        return;
      }
      if (!isCurrent()) return;
      // A broken file must not stay in the cache looking like a model.
      if (freshlyCached && (err as Error)?.name === 'GGUFError') await services.cache.deleteCachedModel(freshlyCached).catch(() => {});
      const message = (err as Error)?.name === 'WebGPUUnavailable' ? errorMessage(err) : describeLoadError(err, label);
      patch({ loading: null, error: message, info: await safeInfo(services) });
    } finally {
      if (isCurrent()) current = null;
      await refreshCache();
    }
  };

  const actions: ModelActions = {
    load,
    cancelLoad: () => {
      if (!current) return;
      const run = current;
      run.cancelled = true;
      run.abort.abort();
      // Past the download the bytes are in the engine: stopping its worker is the only way to stop it.
      if (get().model.loading && !['check', 'download', 'cache'].includes(get().model.loading!.stage)) {
        services.abortEngine('loading was cancelled');
      }
    },
    refreshCache,
    deleteCached: async (name) => {
      try {
        await services.cache.deleteCachedModel(name);
      } catch (err) {
        patch({ cacheError: `Could not delete ${name}: ${errorMessage(err)}` });
      }
      await refreshCache();
    },
    dismissError: () => patch({ error: null }),
    setUrlDraft: (urlDraft) => patch({ urlDraft }),
  };

  return { info: null, source: null, loading: null, error: null, notice: null, cached: [], cacheError: null, urlDraft: '', actions };
}

function emptyLoading(label: string): LoadingState {
  return { label, stage: 'check', loadedBytes: 0, totalBytes: 0 };
}

function requestLabel(request: ModelRequest): string {
  if (request.kind === 'url') return request.url;
  if (request.kind === 'file') return request.file.name;
  return request.name;
}

async function safeInfo(services: ModelServices): Promise<ModelInfo | null> {
  return services.engine.info().catch(() => null);
}

interface PreparedSource {
  source: ModelSource;
  /** URL or `file:<name>`: what the loaded model is known by. */
  origin: string;
  /** Cache entry written by this load (removed again if the file turns out not to be a model). */
  freshlyCached: string | null;
  notice: string | null;
}

/** Gets the request's bytes into the cache where possible, and says what the engine should read. */
async function prepareSource(
  request: ModelRequest,
  services: ModelServices,
  signal: AbortSignal,
  progress: (change: Partial<LoadingState>) => void,
): Promise<PreparedSource> {
  const { cache } = services;
  if (request.kind === 'cache') {
    const file = await cache.cachedModelFile(request.name);
    const entry = (await cache.listCachedModels()).find((m) => m.name === request.name);
    return { source: { kind: 'file', file, name: request.name }, origin: entry?.source ?? request.name, freshlyCached: null, notice: null };
  }
  if (request.kind === 'file') {
    const { file } = request;
    const origin = `file:${file.name}`;
    const direct = { source: { kind: 'file', file, name: file.name } as ModelSource, origin };
    if (!cache.isCacheAvailable()) return { ...direct, freshlyCached: null, notice: null };
    progress({ stage: 'cache', totalBytes: file.size });
    try {
      const saved = await cache.saveToCache(file.name, origin, file.stream(), file.size, {
        signal,
        onProgress: (loadedBytes, totalBytes) => progress({ loadedBytes, totalBytes }),
      });
      return { ...direct, freshlyCached: saved.model.name, notice: null };
    } catch (err) {
      if ((err as Error).name !== 'ModelCacheError') throw err;
      return { ...direct, freshlyCached: null, notice: `Loaded without caching: ${errorMessage(err)}.` };
    }
  }
  const url = resolveModelUrl(request.url);
  const direct = { source: { kind: 'url', url } as ModelSource, origin: url };
  if (!cache.isCacheAvailable()) return { ...direct, freshlyCached: null, notice: null };
  const hit = await cache.findCachedBySource(url).catch(() => null);
  if (hit) return { source: { kind: 'file', file: await cache.cachedModelFile(hit.name), name: hit.name }, origin: url, freshlyCached: null, notice: null };
  progress({ stage: 'download' });
  const response = await services.fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`the server answered HTTP ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get('Content-Length') ?? 0) || 0;
  try {
    const saved = await cache.saveToCache(url, url, response.body, total, {
      signal,
      onProgress: (loadedBytes, totalBytes) => progress({ loadedBytes, totalBytes: totalBytes || loadedBytes }),
    });
    return { source: { kind: 'file', file: saved.file, name: saved.model.name }, origin: url, freshlyCached: saved.model.name, notice: null };
  } catch (err) {
    if ((err as Error).name !== 'ModelCacheError') throw err;
    await response.body.cancel().catch(() => {});
    return { ...direct, freshlyCached: null, notice: `Loaded without caching: ${errorMessage(err)}.` };
  }
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
