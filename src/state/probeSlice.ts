// The probes: the run in progress (with its progress), the results kept in IndexedDB, which one is on
// screen, and a request from a shared link waiting to be run — the `probes` part of the lab store.
// A run goes to the engine worker (ProbeRunner) and its result is stored with its request, so a link
// or a reload finds it again. The page and the embed protocol start runs through the same action.
import type { ModelInfo } from '../engine/types.ts';
import {
  presetModelMismatch,
  type ModelLabel,
  type SuiteRecord,
  type ProbeProgress,
  type ProbeRequest,
  type ProbeSuite,
} from '../probes/index.ts';
import { EMPTY_TRACK, trackProgress, type EtaTrack } from '../probes/eta.ts';
import * as idb from '../storage/probe-results.ts';
import type { StoredProbeResult } from '../storage/probe-results.ts';
import type { ProbeRunner } from '../worker/probe-protocol.ts';
import { errorMessage } from './modelErrors.ts';
import type { ModelSlices } from './modelSlice.ts';
import type { SliceSetter } from './modelServices.ts';
import type { PublishedRuns } from './publishedRuns.ts';

export type { StoredProbeResult } from '../storage/probe-results.ts';

export type ProbeStorage = Pick<typeof idb, 'isProbeStorageAvailable' | 'listProbeResults' | 'saveProbeResult' | 'deleteProbeResult'>;

export interface ProbeServices {
  /** The engine's probe runner, or null when this engine cannot run probes. */
  runner: ProbeRunner | null;
  storage: ProbeStorage;
  /** The engine's current model info: a probe longer than the KV cache reloads the model with a larger one. */
  modelInfo(): Promise<ModelInfo | null>;
  /** Runs of presets measured elsewhere and published with the page (absent: none). */
  published?: PublishedRuns;
}

export interface RunningProbe {
  request: ProbeRequest;
  progress: ProbeProgress | null;
  startedAt: number;
  /** The progress reports an estimate of the time left needs (src/probes/eta.ts). */
  speed: EtaTrack;
  /** Where this run stands in a preset experiment's list of requests. */
  step?: { index: number; count: number; title: string };
}

/** A preset experiment on screen: its requests and, once each has run, its stored result. */
export interface ShownSuite {
  suite: ProbeSuite;
  resultIds: Array<string | null>;
  /** A run published with the page, shown in place of stored results (which this browser lacks). */
  published?: PublishedSuite;
}

/** A preset's run on another machine: where and when, and its results in the stored form. */
export interface PublishedSuite {
  device: string;
  measuredAt: string;
  commit: string | null;
  model: ModelLabel;
  kvCache: string;
  records: StoredProbeResult[];
}

export type ProbeOutcome = { ok: true; record: StoredProbeResult } | { ok: false; cancelled: boolean; error: string };

export interface RunOptions {
  onProgress?: (progress: ProbeProgress) => void;
  /** Overrides the pasted text for this run (the embed protocol sends its own). */
  userText?: string;
  /** Part of a preset experiment: shown as a step of it, and not selected on its own when done. */
  step?: RunningProbe['step'];
}

export interface ProbeState {
  running: RunningProbe | null;
  /** Stored results, newest first. */
  results: StoredProbeResult[];
  selectedId: string | null;
  /** A shared link's request with no stored result in this browser: offered as a run. */
  pending: ProbeRequest | null;
  /** The preset experiment on screen (its results side by side), when no single result is selected. */
  suite: ShownSuite | null;
  /** A shared link's preset with results missing in this browser: offered as a run. */
  pendingSuite: ProbeSuite | null;
  error: string | null;
  /** Something worth knowing that is not a failure (a cancelled run). */
  notice: string | null;
  storageError: string | null;
  /** The visitor's own text (text id 'user'). */
  userText: string;
  actions: ProbeActions;
}

export interface ProbeActions {
  run(request: ProbeRequest, options?: RunOptions): Promise<ProbeOutcome>;
  /** Runs a preset's requests one after another (reusing stored results), stopping at the first failure or a cancel. */
  runSuite(suite: ProbeSuite): Promise<ProbeOutcome | { ok: true }>;
  /** Shows a preset's stored results if all are there, else keeps it as the pending preset. */
  openSuite(suite: ProbeSuite): Promise<void>;
  /** The contexts a preset has a run published with the page at (none when the page has none). */
  publishedContexts(preset: string): Promise<number[]>;
  cancel(): void;
  select(id: string | null): void;
  remove(id: string): Promise<void>;
  refresh(): Promise<void>;
  /** Shows the stored result of `request` if there is one, else keeps it as the pending request. */
  open(request: ProbeRequest): Promise<void>;
  setUserText(text: string): void;
  dismissError(): void;
}

export interface ProbeSlices {
  probes: ProbeState;
}

export const browserProbeStorage: ProbeStorage = idb;

export function createProbeSlice<T extends ProbeSlices & ModelSlices>(
  set: SliceSetter<T>,
  get: () => T,
  services: ProbeServices,
): ProbeState {
  const patch = (change: Partial<ProbeState> | ((p: ProbeState) => Partial<ProbeState>)) =>
    set((s) => ({ probes: { ...s.probes, ...(typeof change === 'function' ? change(s.probes) : change) } }) as Partial<T>);
  const { storage } = services;

  const refresh = async () => {
    if (!storage.isProbeStorageAvailable())
      return patch({ storageError: 'This browser has no IndexedDB: results last until the page is closed.' });
    try {
      const stored = await storage.listProbeResults();
      // keep results of this session that could not be stored
      patch((p) => ({ results: mergeNewestFirst(stored, p.results), storageError: null }));
    } catch (err) {
      patch({ storageError: `Could not read stored results: ${errorMessage(err)}` });
    }
  };

  /**
   * Shows the model as it is after a run: its KV cache may have grown, and a run across models that
   * could not put the page's model back leaves none.
   */
  const refreshModelInfo = async () => {
    const before = get().model.info;
    const info = await services.modelInfo().catch(() => undefined); // a dead engine is reported by its crash listener
    if (info === undefined || !before || get().model.info !== before) return;
    if (info && info.context !== before.context) set((s) => ({ model: { ...s.model, info } }) as Partial<T>);
    if (!info)
      set(
        (s) =>
          ({
            model: { ...s.model, info: null, error: 'The model could not be loaded again after the probe: load it again.' },
          }) as Partial<T>,
      );
  };

  const run = async (request: ProbeRequest, options: RunOptions = {}): Promise<ProbeOutcome> => {
    const fail = (error: string, cancelled = false): ProbeOutcome => {
      patch(cancelled ? { notice: error, error: null } : { error, notice: null });
      return { ok: false, cancelled, error };
    };
    const { runner } = services;
    if (!runner) return fail('This engine cannot run probes.');
    if (get().probes.running) return fail('A probe is already running; cancel it or wait for it to finish.');
    if (!get().model.info) return fail('Load a model first: the probes run on the loaded model.');
    const startedAt = performance.now();
    patch({
      running: { request, progress: null, startedAt, speed: EMPTY_TRACK, step: options.step },
      error: null,
      notice: null,
      pending: null,
    });
    try {
      const userText = options.userText ?? get().probes.userText;
      const result = await runner.runProbe(
        request,
        { userText: userText || undefined, modelSource: get().model.source ?? undefined },
        (progress) => {
          const speed = (track: EtaTrack) => trackProgress(track, { at: performance.now(), done: progress.done });
          patch((p) => (p.running ? { running: { ...p.running, progress, speed: speed(p.running.speed) } } : {}));
          options.onProgress?.(progress);
        },
      );
      const record: StoredProbeResult = {
        id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        request,
        key: idb.requestKey(request),
        result,
        runMs: performance.now() - startedAt,
      };
      patch((p) => ({
        results: [record, ...p.results],
        selectedId: options.step ? p.selectedId : record.id,
        suite: options.step ? p.suite : null,
      }));
      if (storage.isProbeStorageAvailable()) {
        await storage
          .saveProbeResult(record)
          .catch((err: unknown) => patch({ storageError: `The result was not stored: ${errorMessage(err)}` }));
      }
      return { ok: true, record };
    } catch (err) {
      const cancelled = (err as Error)?.name === 'AbortError';
      return fail(cancelled ? 'The probe was cancelled.' : `The probe failed: ${errorMessage(err)}`, cancelled);
    } finally {
      patch({ running: null });
      await refreshModelInfo();
    }
  };

  const storedId = (request: ProbeRequest) => {
    const key = idb.requestKey(request);
    return get().probes.results.find((r) => r.key === key)?.id ?? null;
  };

  const runSuite = async (suite: ProbeSuite) => {
    if (get().probes.running) return run(suite.requests[0]); // refused with the usual message
    const info = get().model.info;
    const mismatch = suite.model && info ? presetModelMismatch(suite.model, info) : null;
    if (mismatch) {
      patch({ error: `${mismatch}. Load ${suite.model!.name} (Model & playground → catalogue) and run it again.`, notice: null });
      return { ok: false as const, cancelled: false, error: mismatch };
    }
    await refresh();
    const resultIds = suite.requests.map(storedId);
    patch({ suite: { suite, resultIds }, selectedId: null, pendingSuite: null, pending: null });
    for (const [index, request] of suite.requests.entries()) {
      if (resultIds[index] !== null) continue;
      const outcome = await run(request, { step: { index, count: suite.requests.length, title: suite.title } });
      if (!outcome.ok) return outcome;
      patch((p) =>
        p.suite?.suite === suite
          ? { suite: { suite, resultIds: p.suite.resultIds.map((id, i) => (i === index ? outcome.record.id : id)) } }
          : {},
      );
    }
    return { ok: true as const };
  };

  const actions: ProbeActions = {
    run,
    runSuite,
    openSuite: async (suite) => {
      await refresh();
      const resultIds = suite.requests.map(storedId);
      if (resultIds.every((id) => id !== null)) return patch({ suite: { suite, resultIds }, selectedId: null, pendingSuite: null });
      patch({ pendingSuite: suite, suite: null });
      const published = await services.published?.(suite.preset, suite.ctx).catch((err: unknown) => {
        patch({ error: `The published run of ${suite.title} could not be read: ${errorMessage(err)}` });
        return null;
      });
      if (!published || get().probes.pendingSuite !== suite) return;
      patch({ suite: { suite, resultIds, published: publishedSuite(published.record) }, selectedId: null });
    },
    publishedContexts: async (preset) => (await services.published?.contexts?.(preset).catch(() => [])) ?? [],
    cancel: () => {
      if (get().probes.running) services.runner?.cancelProbe();
    },
    select: (selectedId) => patch({ selectedId, suite: null }),
    remove: async (id) => {
      patch((p) => ({ results: p.results.filter((r) => r.id !== id), selectedId: p.selectedId === id ? null : p.selectedId }));
      if (!storage.isProbeStorageAvailable()) return;
      await storage
        .deleteProbeResult(id)
        .catch((err: unknown) => patch({ storageError: `Could not delete the result: ${errorMessage(err)}` }));
    },
    refresh,
    open: async (request) => {
      await refresh();
      const key = idb.requestKey(request);
      const found = get().probes.results.find((r) => r.key === key);
      patch(found ? { selectedId: found.id, pending: null } : { pending: request, selectedId: null });
    },
    setUserText: (userText) => patch({ userText }),
    dismissError: () => patch({ error: null, notice: null }),
  };

  return {
    running: null,
    results: [],
    selectedId: null,
    pending: null,
    suite: null,
    pendingSuite: null,
    error: null,
    notice: null,
    storageError: null,
    userText: '',
    actions,
  };
}

function publishedSuite(record: SuiteRecord): PublishedSuite {
  const records = record.runs.map((run, i): StoredProbeResult => ({
    id: `published:${record.preset}:${record.ctx}:${i}`,
    request: run.request,
    key: idb.requestKey(run.request),
    result: run.result,
    runMs: run.runMs,
  }));
  return {
    device: record.device,
    measuredAt: record.measuredAt,
    commit: record.commit,
    model: record.model,
    kvCache: record.kvCache,
    records,
  };
}

function mergeNewestFirst(stored: StoredProbeResult[], inMemory: StoredProbeResult[]): StoredProbeResult[] {
  const ids = new Set(stored.map((r) => r.id));
  return [...inMemory.filter((r) => !ids.has(r.id)), ...stored].sort((a, b) =>
    b.result.provenance.finishedAt.localeCompare(a.result.provenance.finishedAt),
  );
}

export const selectProbes = (s: ProbeSlices) => s.probes;
export const selectProbeActions = (s: ProbeSlices) => s.probes.actions;
export const selectSelectedProbe = (s: ProbeSlices) => s.probes.results.find((r) => r.id === s.probes.selectedId) ?? null;
