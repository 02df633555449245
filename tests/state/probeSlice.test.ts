import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelInfo } from '../../src/engine/types.ts';
import type { ProbeProgress, ProbeRequest, ProbeResult } from '../../src/probes/index.ts';
import type { StoredProbeResult } from '../../src/storage/probe-results.ts';
import type { ProbeInputs, ProbeRunner } from '../../src/worker/probe-protocol.ts';
import type { ModelState } from '../../src/state/modelSlice.ts';
import { createProbeSlice, type ProbeSlices, type ProbeStorage } from '../../src/state/probeSlice.ts';

const request: ProbeRequest = { probe: 'loss-by-position', texts: ['user'], ctx: 64, variants: [{ label: 'own', rope: null }] };

function fakeResult(finishedAt: string): ProbeResult {
  const rope = { headDim: 8, base: 10000, type: 'default' as const };
  return {
    provenance: {
      probe: 'loss-by-position',
      model: { name: 'm', trainedContext: 512, rope },
      texts: [],
      seed: null,
      options: {},
      finishedAt,
    },
    ctx: 64,
    series: [],
  };
}

/** A runner whose run finishes or fails when the test says so. */
function controlledRunner() {
  let finish!: (r: ProbeResult) => void;
  let fail!: (e: unknown) => void;
  const calls: Array<{ request: ProbeRequest; inputs: ProbeInputs; onProgress?: (p: ProbeProgress) => void }> = [];
  const runner: ProbeRunner = {
    runProbe: (req, inputs, onProgress) => {
      calls.push({ request: req, inputs, onProgress });
      return new Promise((resolve, reject) => ((finish = resolve), (fail = reject)));
    },
    cancelProbe: vi.fn(() => fail(new DOMException('aborted', 'AbortError'))),
  };
  return { runner, calls, finish: (r: ProbeResult) => finish(r), fail: (e: unknown) => fail(e) };
}

function memoryStorage(initial: StoredProbeResult[] = []): ProbeStorage & { records: Map<string, StoredProbeResult> } {
  const records = new Map(initial.map((r) => [r.id, r]));
  return {
    records,
    isProbeStorageAvailable: () => true,
    listProbeResults: async () => [...records.values()],
    saveProbeResult: async (r) => void records.set(r.id, r),
    deleteProbeResult: async (id) => void records.delete(id),
  };
}

type State = ProbeSlices & { model: Pick<ModelState, 'info' | 'source' | 'loading'> };

function makeStore(
  runner: ProbeRunner | null,
  storage: ProbeStorage,
  info: ModelInfo | null = { context: 512 } as ModelInfo,
  after: ModelInfo | null = info,
) {
  return createStore<State>()((set, get) => ({
    model: { info, source: 'https://models.example/m.gguf', loading: null },
    probes: createProbeSlice(set as never, get as never, { runner, storage, modelInfo: async () => after }),
  }));
}

describe('probe slice', () => {
  it('runs on the engine, reports progress, stores and selects the result', async () => {
    const { runner, calls, finish } = controlledRunner();
    const storage = memoryStorage();
    const store = makeStore(runner, storage);
    const heard: ProbeProgress[] = [];
    store.getState().probes.actions.setUserText('my text');
    const outcome = store.getState().probes.actions.run(request, { onProgress: (p) => heard.push(p) });
    await Promise.resolve();
    expect(calls[0].inputs).toEqual({ userText: 'my text', modelSource: 'https://models.example/m.gguf' });
    const progress = { probe: 'loss-by-position' as const, done: 1, total: 2, label: 'own · user' };
    calls[0].onProgress!(progress);
    expect(store.getState().probes.running?.progress).toEqual(progress);
    expect(heard).toEqual([progress]);

    finish(fakeResult('2026-01-01T00:00:00.000Z'));
    const done = await outcome;
    expect(done.ok).toBe(true);
    const { probes } = store.getState();
    expect(probes.running).toBeNull();
    expect(probes.results).toHaveLength(1);
    expect(probes.selectedId).toBe(probes.results[0].id);
    expect([...storage.records.values()][0].request).toEqual(request);
  });

  it('a cancel is a notice, not an error, and stores nothing', async () => {
    const { runner } = controlledRunner();
    const storage = memoryStorage();
    const store = makeStore(runner, storage);
    const outcome = store.getState().probes.actions.run(request);
    store.getState().probes.actions.cancel();
    expect(runner.cancelProbe).toHaveBeenCalledOnce();
    expect(await outcome).toEqual({ ok: false, cancelled: true, error: 'The probe was cancelled.' });
    expect(store.getState().probes).toMatchObject({ running: null, error: null, notice: 'The probe was cancelled.', results: [] });
    expect(storage.records.size).toBe(0);
  });

  it('a failure names its cause; a second run while one runs is refused', async () => {
    const { runner, fail } = controlledRunner();
    const store = makeStore(runner, memoryStorage());
    const first = store.getState().probes.actions.run(request);
    expect(await store.getState().probes.actions.run(request)).toMatchObject({
      ok: false,
      error: 'A probe is already running; cancel it or wait for it to finish.',
    });
    fail(new Error('the input has 900 tokens; the context holds 512'));
    expect(await first).toMatchObject({ ok: false, cancelled: false });
    expect(store.getState().probes.error).toBe('The probe failed: the input has 900 tokens; the context holds 512');
  });

  it('needs a model and a runner', async () => {
    expect(await makeStore(controlledRunner().runner, memoryStorage(), null).getState().probes.actions.run(request)).toMatchObject({
      error: 'Load a model first: the probes run on the loaded model.',
    });
    expect(await makeStore(null, memoryStorage()).getState().probes.actions.run(request)).toMatchObject({
      error: 'This engine cannot run probes.',
    });
  });

  it('a shared request shows its stored result (whatever its key order) or waits as pending', async () => {
    const storedRecord: StoredProbeResult = { id: 'a', request, key: '', result: fakeResult('2026-01-01T00:00:00.000Z'), runMs: 5 };
    const { requestKey } = await import('../../src/storage/probe-results.ts');
    storedRecord.key = requestKey(request);
    const store = makeStore(controlledRunner().runner, memoryStorage([storedRecord]));
    const reordered = { variants: request.variants, ctx: 64, texts: ['user'], probe: 'loss-by-position' } as ProbeRequest;
    await store.getState().probes.actions.open(reordered);
    expect(store.getState().probes).toMatchObject({ selectedId: 'a', pending: null });
    const other = { ...request, ctx: 128 };
    await store.getState().probes.actions.open(other);
    expect(store.getState().probes).toMatchObject({ selectedId: null, pending: other });

    await store.getState().probes.actions.remove('a');
    expect(store.getState().probes.results).toEqual([]);
  });

  it('shows the larger KV cache a run left the engine with', async () => {
    const { runner, finish } = controlledRunner();
    const store = makeStore(runner, memoryStorage(), { context: 512 } as ModelInfo, { context: 2056 } as ModelInfo);
    const outcome = store.getState().probes.actions.run(request);
    finish(fakeResult('2026-01-01T00:00:00.000Z'));
    await outcome;
    expect(store.getState().model.info?.context).toBe(2056);
  });
});
