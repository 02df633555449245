// The extend-smollm2 preset: its requests, the model it refuses, its link, and the published run the page
// shows in place of results this browser lacks (revived and checked against the preset).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelInfo } from '../../src/engine/types.ts';
import {
  EXTEND_SMOLLM2,
  SMOLLM2_135M,
  SUITE_RECORD_FORMAT,
  extendSmolLM2Suite,
  presetModelMismatch,
  probeResultJson,
  reviveSuiteRecord,
  type ProbeResult,
  type SuiteRecord,
} from '../../src/probes/index.ts';
import { computeRope } from '../../src/rope/index.ts';
import type { ModelState } from '../../src/state/modelSlice.ts';
import { presetFromSearch } from '../../src/state/presetUrl.ts';
import { assemblePublished, webPublishedRuns } from '../../src/state/publishedRuns.ts';
import { createProbeSlice, type ProbeSlices } from '../../src/state/probeSlice.ts';

const smollm2Info = {
  name: 'SmolLM2 135M',
  layers: 30,
  heads: 9,
  kvHeads: 3,
  trainedContext: 8192,
  rope: { headDim: 64, base: 100000, type: 'default' },
  context: 8192,
} as ModelInfo;

describe('extendSmolLM2Suite', () => {
  const suite = extendSmolLM2Suite(32768);

  it('scores 4K…32K under the own RoPE and nine extensions, in five probes', () => {
    expect(suite.requests.map((r) => r.probe)).toEqual(['perplexity', 'perplexity', 'loss-by-position', 'passkey', 'attention-distance']);
    const [chunked, sliding, loss, passkey, attention] = suite.requests;
    expect(chunked).toMatchObject({ method: 'chunked', contexts: [4096, 8192, 16384, 32768], text: 'sotu-heldout-all' });
    expect(sliding).toMatchObject({ method: 'sliding', contexts: [4096, 8192, 16384, 32768] });
    expect(loss).toMatchObject({ ctx: 32768, texts: ['sotu-heldout-all', 'moby-dick'] });
    expect(passkey).toMatchObject({ lengths: [4096, 8192, 16384, 32768], depths: [0, 0.25, 0.5, 0.75, 1] });
    expect(attention).toMatchObject({ ctx: 32768 });
    expect(suite.requests[0].variants.map((v) => v.label)).toEqual([
      'own (base 100K)',
      'base ×5 (500K)',
      'base ×10 (1M)',
      'base ×50 (5M)',
      'PI ×2',
      'PI ×4',
      'NTK ×4',
      'dynamic NTK ×4',
      'YaRN ×4',
      'llama3 ×4',
    ]);
    expect(suite.model).toBe(SMOLLM2_135M);
  });

  it("writes each extension against SmolLM2's RoPE: PI ×4's frequencies are a quarter of the own, base ×10 is 1M", () => {
    const byLabel = Object.fromEntries(suite.requests[0].variants.map((v) => [v.label, v.rope]));
    const own = computeRope(SMOLLM2_135M.rope).invFreq;
    const pi4 = computeRope(byLabel['PI ×4']!).invFreq;
    own.forEach((theta, i) => expect(pi4[i]).toBeCloseTo(theta / 4, 12));
    expect(byLabel['base ×10 (1M)']).toMatchObject({ type: 'default', base: 1_000_000 });
    expect(byLabel['dynamic NTK ×4']!.seqLen).toBeUndefined(); // the engines stretch it per window
    expect(byLabel['YaRN ×4']).toMatchObject({ type: 'yarn', factor: 4, originalContext: 8192 });
  });

  it('takes contexts from 1K to 32K', () => {
    expect(extendSmolLM2Suite(1024).requests[0]).toMatchObject({ contexts: [128, 256, 512, 1024] });
    expect(() => extendSmolLM2Suite(65536)).toThrow("the preset's context must be a multiple of 8 from 1024 to 32768 tokens, got 65536");
    expect(presetFromSearch('?preset=extend-smollm2')).toEqual({ kind: 'ok', preset: EXTEND_SMOLLM2, ctx: 32768 });
    expect(presetFromSearch('?preset=extend-smollm2&ctx=512')).toEqual({
      kind: 'invalid',
      error: 'the ctx parameter must be an integer from 1024 to 32768, got "512"',
    });
  });

  it('refuses another model by what differs', () => {
    expect(presetModelMismatch(SMOLLM2_135M, smollm2Info)).toBeNull();
    const stories = {
      name: 'stories260K',
      layers: 5,
      heads: 8,
      kvHeads: 4,
      trainedContext: 2048,
      rope: { headDim: 8, base: 10000, type: 'default' as const },
    };
    expect(presetModelMismatch(SMOLLM2_135M, stories)).toBe(
      "this experiment is written for SmolLM2-135M-Instruct; the loaded model 'stories260K' has 5 layers, 8 heads / 4 KV heads (needs 30, 9 / 3); " +
        'RoPE default base 10000, head dim 8 (needs base 100000, head dim 64); trained context 2048 (needs 8192)',
    );
  });
});

/** A record as `lab probe --preset … --json` writes it, with placeholder results of the right shape. */
function publishedRecord(ctx = 1024): SuiteRecord {
  const suite = extendSmolLM2Suite(ctx);
  const result = (probe: string): ProbeResult =>
    ({
      provenance: {
        probe,
        model: { name: 'SmolLM2', trainedContext: 8192, rope: SMOLLM2_135M.rope },
        texts: [],
        seed: null,
        options: {},
        finishedAt: '2026-12-07T00:00:00.000Z',
      },
      series: [{ variant: { label: 'own', rope: null }, perPosition: [NaN, 1.5, 2] }],
    }) as unknown as ProbeResult;
  return JSON.parse(
    probeResultJson({
      format: SUITE_RECORD_FORMAT,
      preset: EXTEND_SMOLLM2,
      title: suite.title,
      ctx,
      model: { name: 'SmolLM2', trainedContext: 8192, rope: SMOLLM2_135M.rope, sha256: 'ab'.repeat(32) },
      device: 'nvidia hopper NVIDIA H100',
      kvCache: 'f16',
      measuredAt: '2026-12-07T00:00:00.000Z',
      commit: 'abc',
      runs: suite.requests.map((request) => ({ request, result: result(request.probe), runMs: 1000 })),
    }),
  ) as SuiteRecord;
}

describe('reviveSuiteRecord', () => {
  it('accepts the preset’s own runs, NaN restored from null', () => {
    const revived = reviveSuiteRecord(publishedRecord());
    expect(revived.ok).toBe(true);
    if (!revived.ok) return;
    const series = (revived.record.runs[2].result as unknown as { series: Array<{ perPosition: number[] }> }).series;
    expect(series[0].perPosition[0]).toBeNaN();
    expect(series[0].perPosition[1]).toBe(1.5);
  });

  it('refuses a record that is not this preset’s run', () => {
    const changed = publishedRecord();
    (changed.runs[3].request as { trials: number }).trials = 99;
    expect(reviveSuiteRecord(changed)).toEqual({ ok: false, error: "the preset record's run 3 is not the preset's request 3 (passkey)" });
    expect(reviveSuiteRecord({ ...publishedRecord(), format: 'x' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('format must be'),
    });
    expect(reviveSuiteRecord({ ...publishedRecord(), preset: 'hasOwnProperty' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('no known preset'),
    });
    expect(reviveSuiteRecord({ ...publishedRecord(), runs: [] })).toMatchObject({
      ok: false,
      error: 'the preset record must hold 5 runs, got 0',
    });
  });
});

describe('probe slice with a published run', () => {
  type State = ProbeSlices & { model: Pick<ModelState, 'info' | 'source' | 'loading'> };
  const storage = {
    isProbeStorageAvailable: () => true,
    listProbeResults: async () => [],
    saveProbeResult: async () => {},
    deleteProbeResult: async () => {},
  };
  const makeStore = (info: ModelInfo | null) =>
    createStore<State>()((set, get) => ({
      model: { info, source: null, loading: null },
      probes: createProbeSlice(set as never, get as never, {
        runner: { runProbe: () => Promise.reject(new Error('not in this test')), cancelProbe: () => {} },
        storage,
        modelInfo: async () => info,
        published: async (preset, ctx) =>
          preset === EXTEND_SMOLLM2 && ctx === 1024 ? (reviveSuiteRecord(publishedRecord()) as never) : null,
      }),
    }));

  it('opens the preset with the published run when this browser has none', async () => {
    const store = makeStore(null);
    await store.getState().probes.actions.openSuite(extendSmolLM2Suite(1024));
    const shown = store.getState().probes.suite!;
    expect(shown.published).toMatchObject({ device: 'nvidia hopper NVIDIA H100', kvCache: 'f16', commit: 'abc' });
    expect(shown.published!.records.map((r) => r.request.probe)).toEqual([
      'perplexity',
      'perplexity',
      'loss-by-position',
      'passkey',
      'attention-distance',
    ]);
    await store.getState().probes.actions.openSuite(extendSmolLM2Suite(2048)); // nothing published at 2K
    expect(store.getState().probes).toMatchObject({ suite: null, pendingSuite: { ctx: 2048 } });
  });

  it('will not run the preset on another model', async () => {
    const store = makeStore({ ...smollm2Info, name: 'tiny', layers: 2 } as ModelInfo);
    const outcome = await store.getState().probes.actions.runSuite(extendSmolLM2Suite(1024));
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("the loaded model 'tiny' has 2 layers") });
    expect(store.getState().probes.error).toContain('Load SmolLM2-135M-Instruct');
  });
});

describe('the runs published with the page (public/results/)', () => {
  const dir = new URL('../../public/results/', import.meta.url);
  const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Array<{ preset: string; ctx: number; file: string }>;

  const read = async (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as unknown;

  it.each(index.map((e) => [e.file, e] as const))(
    '%s revives as its preset at its context, measured on SmolLM2 on a GPU',
    async (_file, entry) => {
      const revived = reviveSuiteRecord(await assemblePublished(await read(entry.file), read));
      if (!revived.ok) throw new Error(revived.error);
      expect(revived.record).toMatchObject({ preset: entry.preset, ctx: entry.ctx });
      expect(revived.record.model.sha256).toBe('b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53');
      expect(revived.record.device).not.toMatch(/swiftshader/i);
      expect(revived.record.runs).toHaveLength(revived.suite.requests.length);
      // a series moved to its own file comes back in order: one attention series per variant
      const attention = revived.record.runs.find((r) => r.request.probe === 'attention-distance')!;
      expect((attention.result as { series: Array<{ variant: { label: string } }> }).series.map((s) => s.variant.label)).toEqual(
        attention.request.variants.map((v) => v.label),
      );
    },
  );

  it('keeps every published file under 5 MB, and refuses a series file name that leaves the folder', async () => {
    for (const file of readdirSync(dir)) expect(statSync(new URL(file, dir)).size, file).toBeLessThan(5 * 2 ** 20);
    const record = { runs: [{ request: {}, result: {}, seriesFiles: ['../secret.json'] }] };
    await expect(assemblePublished(record, read)).rejects.toThrow(/not a plain \.json name/);
  });

  it('lists its contexts for the page', async () => {
    const fetcher = (async (url: URL | string) =>
      new Response(readFileSync(new URL(String(url).replace(/^.*results\//, ''), dir)))) as typeof fetch;
    const published = webPublishedRuns(() => 'https://lab.example/', fetcher);
    expect(await published.contexts!(EXTEND_SMOLLM2)).toEqual(
      index
        .filter((e) => e.preset === EXTEND_SMOLLM2)
        .map((e) => e.ctx)
        .sort((a, b) => a - b),
    );
    expect(await published.contexts!('rope-pi-abf')).toEqual([]);
  });
});
