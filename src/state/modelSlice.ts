// The loaded model, its loading progress, the built-in model list and the OPFS model cache: the `model`
// part of the lab store. A load goes: check WebGPU → get the bytes into the cache (download or copy,
// streamed) → the engine reads the cached file. When the cache cannot take the model (no OPFS, quota),
// the engine reads the original URL or file directly and a notice says the model was not cached.
import type { LoadProgress, ModelInfo } from '../engine/types.ts';
import type { ModelManifest } from '../models/builtin.ts';
import type { CachedModel } from '../storage/model-cache.ts';
import { describeLoadError, errorMessage, WebGPUUnavailableError } from './modelErrors.ts';
import type { ModelServices, SliceSetter } from './modelServices.ts';
import { prepareSource, requestLabel, type ModelRequest } from './modelSource.ts';

export type { ModelRequest } from './modelSource.ts';

export interface LoadingState {
  /** What is being loaded (URL, file name). */
  label: string;
  /** 'download' / 'cache': bytes going into the cache; 'fetch': a built-in model's bytes; then the engine's phases. */
  stage: 'check' | 'download' | 'cache' | 'fetch' | LoadProgress['phase'];
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
  /** The lab's own model family (public/models/models.json), once read. */
  builtins: ModelManifest | null;
  builtinsError: string | null;
  /** The URL field's text (kept here so it survives switching sections). */
  urlDraft: string;
  actions: ModelActions;
}

export interface ModelActions {
  load(request: ModelRequest): Promise<void>;
  /**
   * Loads the built-in default model unless a load was already started on this page (a link's, the
   * visitor's, or an earlier call): called when a section that needs a model opens, so the analytics
   * alone never download a model or start the engine.
   */
  loadDefault(): Promise<void>;
  cancelLoad(): void;
  refreshCache(): Promise<void>;
  /** Reads the built-in model list (once; again after a failure). */
  refreshBuiltins(): Promise<void>;
  deleteCached(name: string): Promise<void>;
  dismissError(): void;
  setUrlDraft(text: string): void;
}

export interface ModelSlices {
  model: ModelState;
}

const PROGRESS_INTERVAL_MS = 100;

export function createModelSlice<T extends ModelSlices>(set: SliceSetter<T>, get: () => T, services: ModelServices): ModelState {
  const patch = (change: Partial<ModelState>) => set((s) => ({ model: { ...s.model, ...change } }) as Partial<T>);
  /** The load in progress; `inEngine` once the bytes are the engine's to read. */
  let current: { abort: AbortController; cancelled: boolean; inEngine: boolean } | null = null;
  let anyLoadStarted = false;

  services.onEngineCrash((message) => patch({ info: null, loading: null, error: `The engine stopped: ${message}. Load the model again.` }));

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
    anyLoadStarted = true;
    actions.cancelLoad();
    const run = { abort: new AbortController(), cancelled: false, inEngine: false };
    current = run;
    const isCurrent = () => current === run;
    const label = requestLabel(request);
    let lastPatch = 0;
    const progress = (change: Partial<LoadingState>) => {
      if (!isCurrent()) return;
      const loading = get().model.loading ?? emptyLoading(label);
      // A download reports every network chunk (tens of thousands for a large model): re-render ≤ 10×/s.
      const now = performance.now();
      const sameStage = change.stage === undefined || change.stage === loading.stage;
      const finished = change.loadedBytes !== undefined && change.loadedBytes === change.totalBytes;
      if (sameStage && !finished && now - lastPatch < PROGRESS_INTERVAL_MS) return;
      lastPatch = now;
      patch({ loading: { ...loading, ...change } });
    };
    // The engine drops its current model when the new one starts loading; a load that fails before
    // reaching the engine puts it back on screen (safeInfo below).
    patch({ loading: emptyLoading(label), info: null, error: null, notice: null });
    let freshlyCached: string | null = null;
    try {
      const problem = await services.webgpuProblem();
      if (problem) throw new WebGPUUnavailableError(problem);
      const prepared = await prepareSource(request, services, run.abort.signal, progress);
      freshlyCached = prepared.freshlyCached;
      if (!isCurrent()) return;
      if (prepared.notice) patch({ notice: prepared.notice });
      services.engine.cancel(); // a running generation would hold the engine's queue until it ends
      run.inEngine = true;
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
      patch({ loading: null, error: describeLoadError(err, label), info: await safeInfo(services) });
    } finally {
      if (isCurrent()) current = null;
      await refreshCache();
    }
  };

  const refreshBuiltins = async () => {
    if (get().model.builtins) return;
    try {
      patch({ builtins: await services.builtins.manifest(), builtinsError: null });
    } catch (err) {
      patch({ builtinsError: `Could not read the list of built-in models: ${errorMessage(err)}` });
    }
  };

  const actions: ModelActions = {
    load,
    loadDefault: async () => {
      if (!anyLoadStarted) await load({ kind: 'builtin' });
    },
    cancelLoad: () => {
      if (!current) return;
      const run = current;
      run.cancelled = true;
      run.abort.abort();
      // Engine.load has no cancel: stopping its worker is the only way (the next load starts a new one).
      if (run.inEngine) services.abortEngine('loading was cancelled');
    },
    refreshCache,
    refreshBuiltins,
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

  return {
    info: null,
    source: null,
    loading: null,
    error: null,
    notice: null,
    cached: [],
    cacheError: null,
    builtins: null,
    builtinsError: null,
    urlDraft: '',
    actions,
  };
}

function emptyLoading(label: string): LoadingState {
  return { label, stage: 'check', loadedBytes: 0, totalBytes: 0 };
}

async function safeInfo(services: ModelServices): Promise<ModelInfo | null> {
  return services.engine.info().catch(() => null);
}
