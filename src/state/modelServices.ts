// What the model and playground slices need from the outside world, gathered in one object so tests can
// hand in an in-process engine and an in-memory cache instead of a worker, a GPU and the OPFS.
import { webPublishedRuns, type PublishedRuns } from './publishedRuns.ts';
import type { Engine } from '../engine/types.ts';
import { siteBase, webBuiltinCatalog, type BuiltinCatalog } from '../models/manifest-web.ts';
import * as opfs from '../storage/model-cache.ts';
import { WorkerEngine } from '../worker/engine-client.ts';
import { webgpuProblem } from '../worker/webgpu-support.ts';

export type ModelCache = Pick<
  typeof opfs,
  'isCacheAvailable' | 'listCachedModels' | 'findCachedBySource' | 'cachedModelFile' | 'deleteCachedModel' | 'saveToCache'
>;

/** zustand's `set`, narrowed to the functional form the slices use. */
export type SliceSetter<T> = (fn: (state: T) => Partial<T>) => void;

export interface ModelServices {
  engine: Engine;
  /** Stops the engine at once, failing a load in progress (Engine.load has no cancel of its own). */
  abortEngine(reason: string): void;
  /** Reports an engine that died while nothing was awaiting it; returns the unsubscribe function. */
  onEngineCrash(listener: (message: string) => void): () => void;
  cache: ModelCache;
  fetch: typeof fetch;
  /** The lab's own models (public/models/), loaded as `builtin:<name>`. */
  builtins: BuiltinCatalog;
  /** Why this browser cannot run the engine, or null. */
  webgpuProblem(): Promise<string | null>;
  /** Preset runs published with the page (public/results/); absent where there are none. */
  published?: PublishedRuns;
}

/** The page's services: the engine in a Web Worker (spawned on the first load), the OPFS cache, the built-in models. */
export function browserModelServices(): ModelServices {
  const engine = new WorkerEngine();
  return {
    engine,
    abortEngine: (reason) => engine.terminate(reason),
    onEngineCrash: (listener) => engine.onCrash(listener),
    cache: opfs,
    fetch: (input, init) => fetch(input, init),
    builtins: webBuiltinCatalog(),
    webgpuProblem,
    published: webPublishedRuns(siteBase),
  };
}
