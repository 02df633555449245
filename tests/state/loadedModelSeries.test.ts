// "The loaded model" as analytics series, from the description of every family's random-weight files
// (tests/helpers/arch-models.ts): one series per distinct layer RoPE (Gemma 3 local/global), NoPE layers
// named (SmolLM3), LongRoPE and rope_freqs factors and partial rotary kept, and every series an ordinary
// one that survives the URL round trip with its name.
import { describe, expect, it } from 'vitest';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { modelConfigFromGGUF, type ModelConfig } from '../../src/engine/model-config.ts';
import { loadReferenceWeights } from '../../src/engine/reference.ts';
import { computeRope, rotatedDim } from '../../src/rope/index.ts';
import { LIMITS, type ExperimentState } from '../../src/state/experiment.ts';
import { createLabStore, type LabExperiment } from '../../src/state/labStore.ts';
import { loadedModelSeries } from '../../src/state/loadedModelSeries.ts';
import { decodeExperimentFromSearch, encodeExperimentParam } from '../../src/state/urlCodec.ts';
import { ARCH_SHAPES, writeArchModel, type ArchName } from '../helpers/arch-models.ts';

async function describeModel(arch: ArchName, shape: number): Promise<ModelConfig> {
  const source = await fileSource(await writeArchModel(arch, ARCH_SHAPES[arch][shape]));
  try {
    return (await loadReferenceWeights(await readGGUF(source))).config;
  } finally {
    await source.close?.();
  }
}

const plain = (e: LabExperiment): ExperimentState => ({ ...e, series: e.series.map(({ id: _id, ...s }) => s) });

/** The store after adding the model's series, and the experiment read back from its URL parameter. */
function throughUrl(model: ModelConfig) {
  const store = createLabStore();
  const before = store.getState().experiment.series.length;
  store.getState().actions.addModelSeries(model);
  const experiment = plain(store.getState().experiment);
  const decoded = decodeExperimentFromSearch(`?s=${encodeExperimentParam(experiment)}`);
  if (decoded.kind !== 'ok') throw new Error(`the URL was refused: ${JSON.stringify(decoded)}`);
  return { added: experiment.series.slice(before), experiment, decoded: decoded.experiment };
}

const families = Object.keys(ARCH_SHAPES) as ArchName[];
const cases = families.flatMap((arch) => ARCH_SHAPES[arch].map((s, i) => [arch, s.name, i] as const));

describe('the loaded model as series', () => {
  it.each(cases)('%s %s: one series per distinct layer RoPE, the URL carries them unchanged', async (arch, name, shape) => {
    const model = await describeModel(arch, shape);
    const { series } = loadedModelSeries(model);
    const distinct = new Set(model.layerAttention.filter((a) => a.rope !== 'none').map((a) => `${a.rope}:${a.window}`));
    expect(series).toHaveLength(distinct.size);
    for (const s of series) {
      expect(s.name.startsWith(`${name} · `)).toBe(true);
      expect(s.name.length).toBeLessThanOrEqual(LIMITS.maxNameLength);
    }
    // the series' θ is the model's: the global RoPE's table (rope_freqs/LongRoPE factors, partial rotary included)
    const global = series.find((s) => !s.name.includes('local layers'))!;
    expect(Array.from(computeRope(global.config).invFreq)).toEqual(Array.from(computeRope(model.rope).invFreq));
    expect(rotatedDim(global.config)).toBe(rotatedDim(model.rope));

    const { added, experiment, decoded } = throughUrl(model);
    expect(added.map((s) => s.name)).toEqual(series.map((s) => s.name));
    expect(decoded.series).toEqual(experiment.series);
  });

  it('gemma3: a local series (base 10K, its window) and a global one (base 1M)', async () => {
    const model = await describeModel('gemma3', 0);
    const { series, note } = loadedModelSeries(model);
    expect(series.map((s) => s.name)).toEqual([
      'gemma3-hd256 · local layers (5 of 6, base 10K, window 8)',
      'gemma3-hd256 · global layers (1 of 6, base 1M)',
    ]);
    expect(series.map((s) => s.config.base)).toEqual([1e4, 1e6]);
    expect(note).toBeNull();
    const seven = loadedModelSeries(await describeModel('gemma3', 1)).series.map((s) => s.name);
    expect(seven).toEqual([
      'gemma3-hd64-5h · local layers (6 of 7, base 10K, window 6)',
      'gemma3-hd64-5h · global layers (1 of 7, base 1M)',
    ]);
  });

  it('smollm3: the NoPE layers are named, not plotted; YaRN is kept', async () => {
    const nope = loadedModelSeries(await describeModel('smollm3', 0));
    expect(nope.series.map((s) => s.name)).toEqual(['smollm3-nope · loaded model, 1 of 4 layers NoPE']);
    expect(nope.note).toBe('smollm3-nope: 1 of 4 layers NoPE (layer 4) apply no RoPE and are not plotted.');
    const yarn = loadedModelSeries(await describeModel('smollm3', 1));
    expect(yarn.series[0].config).toMatchObject({ type: 'yarn', factor: 4, originalContext: 1024, base: 1e5 });
    expect(yarn.series[0].name).toBe('smollm3-yarn · loaded model, 1 of 5 layers NoPE');
  });

  it('phi3: LongRoPE short/long factors and partial rotary travel in the series', async () => {
    const model = await describeModel('phi3', 1);
    const [series] = loadedModelSeries(model).series;
    expect(series.name).toBe('phi3-longrope · LongRoPE, base 10K');
    expect(series.config.type).toBe('longrope');
    expect(series.config.shortFactor).toEqual(model.rope.shortFactor);
    expect(series.config.longFactor).toEqual(model.rope.longFactor);
    expect(series.config.shortFactor).toHaveLength(24);
    expect(rotatedDim(series.config)).toBe(48);
    const partial = loadedModelSeries(await describeModel('phi3', 0)).series[0];
    expect(partial.config.partialRotaryFactor).toBe(0.5);
  });

  it('a llama file with rope_freqs: its per-pair divisors, named as such', async () => {
    const source = await fileSource(await writeArchModel('llama', ARCH_SHAPES.llama[0]));
    try {
      const file = await readGGUF(source);
      const ropeFreqs = Float32Array.from({ length: 32 }, (_, i) => (i < 16 ? 1 : 8));
      const model = modelConfigFromGGUF(file, { ropeFreqs });
      const { series } = loadedModelSeries(model);
      expect(series.map((s) => s.name)).toEqual(['llama-3h-gqa · rope_freqs, base 10K']);
      expect(series[0].config.longFactor).toEqual(Array.from(ropeFreqs));
      const { decoded } = throughUrl(model);
      expect(decoded.series.at(-1)!.config.shortFactor).toEqual(Array.from(ropeFreqs));
    } finally {
      await source.close?.();
    }
  });

  it('a long model name is shortened so the series name fits; a model with every layer NoPE adds nothing', () => {
    const rope = { headDim: 64, base: 1e4, type: 'default' as const };
    const long = 'x'.repeat(80);
    const [s] = loadedModelSeries({
      name: long,
      architecture: 'llama',
      rope,
      hasRopeFreqs: false,
      layerAttention: [{ rope: 'global', window: 0 }],
    }).series;
    expect(s.name).toBe(`${'x'.repeat(LIMITS.maxNameLength - ' · loaded model'.length - 1)}… · loaded model`);
    const none = {
      name: 'all-nope',
      architecture: 'smollm3',
      rope,
      hasRopeFreqs: false,
      layerAttention: [{ rope: 'none' as const, window: 0 }],
    };
    const store = createLabStore();
    const before = store.getState().experiment.series.length;
    store.getState().actions.addModelSeries(none);
    expect(store.getState().experiment.series).toHaveLength(before);
    expect(store.getState().notices.map((n) => n.text)).toEqual(['all-nope has no RoPE in any layer (NoPE): nothing to plot.']);
  });

  it('the store adds as many series as fit, each its own colour, and says what did not fit', async () => {
    const model = await describeModel('gemma3', 0);
    const store = createLabStore();
    const { actions } = store.getState();
    for (let i = store.getState().experiment.series.length; i < LIMITS.maxSeries - 1; i++) actions.addSeries('llama2');
    actions.addModelSeries(model);
    const series = store.getState().experiment.series;
    expect(series).toHaveLength(LIMITS.maxSeries);
    expect(series.at(-1)!.name).toBe('gemma3-hd256 · local layers (5 of 6, base 10K, window 8)');
    expect(new Set(series.map((s) => s.color)).size).toBe(series.length);
    expect(store.getState().notices.map((n) => n.text)).toEqual([`Only 1 of the model's 2 series fit (at most ${LIMITS.maxSeries}).`]);
  });
});
