// The "RoPE vs PI vs ABF" preset: its requests (valid, on the four built-in models, on held-out texts),
// its link (?preset=rope-pi-abf&ctx=N, validated), and the probe slice running a preset's requests one
// after another: stored results reused, one step at a time, stopped by a cancel.
import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelInfo } from '../../src/engine/types.ts';
import {
  FAMILY_VARIANTS,
  parseProbeRequest,
  passkeyLengths,
  ropePiAbfSuite,
  type ProbeRequest,
  type ProbeResult,
} from '../../src/probes/index.ts';
import { connectPresetUrl, hrefWithPreset, presetFromSearch, presetSuite } from '../../src/state/presetUrl.ts';
import { createProbeSlice, type ProbeSlices, type ProbeStorage } from '../../src/state/probeSlice.ts';
import { requestKey, type StoredProbeResult } from '../../src/storage/probe-results.ts';
import type { ProbeRunner } from '../../src/worker/probe-protocol.ts';

const HELD_OUT = [
  'sotu-1968-lyndon-b-johnson',
  'sotu-1978-jimmy-carter',
  'sotu-1988-ronald-reagan',
  'sotu-1998-william-j-clinton',
  'sotu-2008-george-w-bush',
  'sotu-2018-donald-j-trump',
];

describe('ropePiAbfSuite', () => {
  const suite = ropePiAbfSuite(2048, HELD_OUT);

  it('asks for loss, attention and passkey on the four models, each under its own RoPE', () => {
    expect(suite.requests.map((r) => r.probe)).toEqual(['loss-by-position', 'attention-distance', 'passkey']);
    for (const r of suite.requests) {
      expect(r.variants.map((v) => v.model)).toEqual(['builtin:stage1', 'builtin:rope', 'builtin:pi', 'builtin:abf']);
      expect(r.variants.every((v) => v.rope === null)).toBe(true);
    }
    expect(suite.requests[0]).toMatchObject({ texts: HELD_OUT.slice(-4), ctx: 2048 });
    expect(suite.requests[1]).toMatchObject({ text: 'sotu-2018-donald-j-trump', ctx: 2048 });
    expect(suite.requests[2]).toMatchObject({ lengths: [512, 1024, 2048], depths: [0, 0.5, 1], trials: 2, seed: 1 });
  });

  it('is exactly what a link would restore (every request survives parseProbeRequest unchanged)', () => {
    for (const { probe, ...options } of suite.requests)
      expect(parseProbeRequest(probe, options)).toEqual({ ok: true, request: { probe, ...options } });
  });

  it('keeps passkey prompts long enough for the bare prompt, and refuses contexts out of range', () => {
    expect(passkeyLengths(256)).toEqual([256]);
    expect(passkeyLengths(1000)).toEqual([250, 500, 1000]);
    expect(passkeyLengths(8192)).toEqual([2048, 4096, 8192]);
    expect(() => ropePiAbfSuite(255, HELD_OUT)).toThrow("the preset's context must be an integer from 256 to 16384 tokens, got 255");
    expect(() => ropePiAbfSuite(1024.5, HELD_OUT)).toThrow('got 1024.5');
    expect(() => ropePiAbfSuite(2048, [])).toThrow('the preset needs at least one held-out text');
    expect(FAMILY_VARIANTS.map((v) => v.label)).toEqual(['stage 1 (256)', 'RoPE', 'PI ×8', 'ABF 500K']);
  });
});

describe('?preset= links', () => {
  it('reads the preset and its context, 2,048 by default', () => {
    expect(presetFromSearch('?s=x')).toEqual({ kind: 'absent' });
    expect(presetFromSearch('?preset=rope-pi-abf')).toEqual({ kind: 'ok', preset: 'rope-pi-abf', ctx: 2048 });
    expect(presetFromSearch('?preset=rope-pi-abf&ctx=512')).toEqual({ kind: 'ok', preset: 'rope-pi-abf', ctx: 512 });
  });

  it.each([
    ['?preset=yarn', 'the preset parameter must be one of rope-pi-abf, extend-smollm2, got "yarn"'],
    ['?preset=rope-pi-abf&ctx=100', 'the ctx parameter must be an integer from 256 to 16384, got "100"'],
    ['?preset=rope-pi-abf&ctx=1e3', 'the ctx parameter must be an integer from 256 to 16384, got "1e3"'],
    ['?preset=rope-pi-abf&ctx=', 'the ctx parameter must be an integer from 256 to 16384, got ""'],
  ])('%s is refused', (search, error) => {
    expect(presetFromSearch(search)).toEqual({ kind: 'invalid', error });
  });

  it('names the preset instead of a single probe, and drops it again, keeping other parameters', () => {
    expect(hrefWithPreset('https://lab/?s=a&probe=xyz', { preset: 'rope-pi-abf', ctx: 2048 })).toBe('https://lab/?s=a&preset=rope-pi-abf');
    expect(hrefWithPreset('https://lab/?s=a', { preset: 'rope-pi-abf', ctx: 512 })).toBe('https://lab/?s=a&preset=rope-pi-abf&ctx=512');
    expect(hrefWithPreset('https://lab/?preset=rope-pi-abf&ctx=512&s=a', null)).toBe('https://lab/?s=a');
    expect(presetSuite('rope-pi-abf', 512, HELD_OUT).ctx).toBe(512);
  });
});

function fakeResult(request: ProbeRequest): ProbeResult {
  const rope = { headDim: 8, base: 10000, type: 'default' as const };
  return {
    provenance: {
      probe: request.probe,
      model: { name: 'm', trainedContext: 256, rope },
      texts: [],
      seed: null,
      options: {},
      finishedAt: new Date().toISOString(),
    },
    series: [],
  } as unknown as ProbeResult;
}

/** A runner that finishes each run at once, or rejects a chosen probe as cancelled. */
function runner(cancelled: string | null = null) {
  const ran: string[] = [];
  const probeRunner: ProbeRunner = {
    runProbe: async (request) => {
      ran.push(request.probe);
      if (request.probe === cancelled) throw new DOMException('aborted', 'AbortError');
      return fakeResult(request);
    },
    cancelProbe: vi.fn(),
  };
  return { probeRunner, ran };
}

function store(probeRunner: ProbeRunner, stored: StoredProbeResult[] = [], engineEmpty = false) {
  const records = new Map(stored.map((r) => [r.id, r]));
  const storage: ProbeStorage = {
    isProbeStorageAvailable: () => true,
    listProbeResults: async () => [...records.values()],
    saveProbeResult: async (r) => void records.set(r.id, r),
    deleteProbeResult: async (id) => void records.delete(id),
  };
  const info = { context: 2048 } as ModelInfo;
  return createStore<ProbeSlices & { model: { info: ModelInfo | null; source: string | null; loading: null; error: string | null } }>()(
    (set, get) => ({
      model: { info, source: 'builtin:abf', loading: null, error: null },
      probes: createProbeSlice(set as never, get as never, {
        runner: probeRunner,
        storage,
        modelInfo: async () => (engineEmpty ? null : info),
      }),
    }),
  );
}

describe('running a preset', () => {
  const suite = ropePiAbfSuite(256, HELD_OUT);

  it('runs the requests in order as steps of one experiment and shows them together', async () => {
    const { probeRunner, ran } = runner();
    const s = store(probeRunner);
    const steps: Array<string | undefined> = [];
    s.subscribe((state) =>
      steps.push(state.probes.running?.step && `${state.probes.running.step.index + 1}/${state.probes.running.step.count}`),
    );
    expect(await s.getState().probes.actions.runSuite(suite)).toEqual({ ok: true });
    expect(ran).toEqual(['loss-by-position', 'attention-distance', 'passkey']);
    expect([...new Set(steps.filter(Boolean))]).toEqual(['1/3', '2/3', '3/3']);
    const { probes } = s.getState();
    expect(probes.selectedId).toBeNull();
    expect(probes.suite?.resultIds.map((id) => probes.results.find((r) => r.id === id)?.request.probe)).toEqual([
      'loss-by-position',
      'attention-distance',
      'passkey',
    ]);
  });

  it('reuses stored results and offers a preset whose results are not all stored', async () => {
    const loss = suite.requests[0];
    const stored: StoredProbeResult = { id: 'old-loss', request: loss, key: requestKey(loss), result: fakeResult(loss), runMs: 1 };
    const { probeRunner, ran } = runner();
    const s = store(probeRunner, [stored]);
    await s.getState().probes.actions.openSuite(suite);
    expect(s.getState().probes.pendingSuite).toBe(suite);
    expect(s.getState().probes.suite).toBeNull();
    await s.getState().probes.actions.runSuite(suite);
    expect(ran).toEqual(['attention-distance', 'passkey']);
    expect(s.getState().probes.suite?.resultIds[0]).toBe('old-loss');
    await s.getState().probes.actions.openSuite(suite);
    expect(s.getState().probes).toMatchObject({ pendingSuite: null, selectedId: null });
    expect(s.getState().probes.suite?.resultIds.every((id) => id !== null)).toBe(true);
  });

  it('stops at a cancelled step: nothing after it runs', async () => {
    const { probeRunner, ran } = runner('attention-distance');
    const s = store(probeRunner);
    expect(await s.getState().probes.actions.runSuite(suite)).toEqual({ ok: false, cancelled: true, error: 'The probe was cancelled.' });
    expect(ran).toEqual(['loss-by-position', 'attention-distance']);
    expect(s.getState().probes.suite?.resultIds.map((id) => id !== null)).toEqual([true, false, false]);
    expect(s.getState().probes.notice).toBe('The probe was cancelled.');
  });

  it("says so when the engine holds no model after a run (the page's model could not be put back)", async () => {
    const { probeRunner } = runner();
    const s = store(probeRunner, [], true);
    await s.getState().probes.actions.run(suite.requests[0]);
    expect(s.getState().model).toMatchObject({ info: null, error: 'The model could not be loaded again after the probe: load it again.' });
  });

  it('selecting one result leaves the preset view', async () => {
    const { probeRunner } = runner();
    const s = store(probeRunner);
    await s.getState().probes.actions.runSuite(suite);
    s.getState().probes.actions.select(s.getState().probes.results[0].id);
    expect(s.getState().probes.suite).toBeNull();
  });
});

/** A window whose address replaceState really changes. */
function fakeWindow(href: string) {
  const win = {
    location: { href, search: new URL(href).search },
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, next: string) => {
        win.location.href = next;
        win.location.search = new URL(next).search;
      },
    },
  };
  return win;
}

describe('connectPresetUrl', () => {
  it('offers a linked preset, then names the experiment on screen, and drops it for a single result', async () => {
    const { probeRunner } = runner();
    const s = store(probeRunner);
    const win = fakeWindow('https://lab.example/?s=x&preset=rope-pi-abf&ctx=512');
    const errors: string[] = [];
    connectPresetUrl(
      s as never,
      async () => HELD_OUT,
      (e) => errors.push(e),
      win as unknown as Window,
    );
    await vi.waitFor(() => expect(s.getState().probes.pendingSuite?.ctx).toBe(512));
    expect(s.getState().probes.pendingSuite?.requests[0]).toMatchObject({ texts: HELD_OUT.slice(-4) });

    await s.getState().probes.actions.runSuite(ropePiAbfSuite(1024, HELD_OUT));
    expect(win.location.href).toBe('https://lab.example/?s=x&preset=rope-pi-abf&ctx=1024');
    s.getState().probes.actions.select(s.getState().probes.results[0].id);
    expect(win.location.href).toBe('https://lab.example/?s=x');
    expect(errors).toEqual([]);
  });

  it('reports a bad link and a failure to read the held-out texts', async () => {
    const errors: string[] = [];
    connectPresetUrl(
      store(runner().probeRunner) as never,
      async () => HELD_OUT,
      (e) => errors.push(e),
      fakeWindow('https://lab.example/?preset=nope') as unknown as Window,
    );
    connectPresetUrl(
      store(runner().probeRunner) as never,
      async () => {
        throw new Error('offline');
      },
      (e) => errors.push(e),
      fakeWindow('https://lab.example/?preset=rope-pi-abf') as unknown as Window,
    );
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors).toEqual([
      'the preset parameter must be one of rope-pi-abf, extend-smollm2, got "nope"',
      'the preset could not be opened: offline',
    ]);
  });
});
