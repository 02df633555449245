// Probes across models: a variant's `model` validated in requests, the model switcher (one load per
// change of model, a shared vocabulary enforced), and a run whose variants sit on different models —
// each variant's numbers from its own model, its model named in the provenance. A scripted engine whose
// every log-probability is fixed per model makes the expected losses exact (model a: 1 nat, b: 2, own: 3).
import { describe, expect, it } from 'vitest';
import {
  forEachVariant,
  modelSwitcher,
  parseProbeRequest,
  runLossByPosition,
  type LoadedModel,
  type ModelLabel,
  type ProbeContext,
} from '../../src/probes/index.ts';
import type { RopeConfig } from '../../src/rope/config.ts';

const ROPE: RopeConfig = { headDim: 8, base: 10000, type: 'default' };
const label = (name: string, sha256: string | null = null): ModelLabel => ({
  name,
  source: `builtin:${name}`,
  trainedContext: 2048,
  rope: ROPE,
  sha256,
});
const loaded = (name: string, vocabulary = 'v1'): LoadedModel => ({ label: label(name, name.repeat(64).slice(0, 64)), vocabulary });

describe("a variant's model in a probe request", () => {
  it('is kept as given when it is a builtin: reference', () => {
    const r = parseProbeRequest('passkey', {
      lengths: [256],
      depths: [0],
      trials: 1,
      seed: 1,
      variants: [
        { label: 'pi', rope: null, model: 'builtin:pi' },
        { label: 'own', rope: null },
      ],
    });
    expect(r.ok && r.request.variants).toEqual([
      { label: 'pi', rope: null, model: 'builtin:pi' },
      { label: 'own', rope: null },
    ]);
  });

  it.each([
    ['builtin:Pi', 'options.variants[0].model must be a built-in model reference (builtin:<name>), got "builtin:Pi"'],
    [
      'https://example.com/m.gguf',
      'options.variants[0].model must be a built-in model reference (builtin:<name>), got "https://example.com/m.gguf"',
    ],
    [7, 'options.variants[0].model must be a built-in model reference (builtin:<name>), got 7'],
  ])('refuses %j', (model, message) => {
    const r = parseProbeRequest('loss-by-position', { texts: ['user'], ctx: 64, variants: [{ label: 'x', rope: null, model }] });
    expect(r).toEqual({ ok: false, error: message });
  });
});

describe('modelSwitcher', () => {
  it('loads only when the model changes and remembers each label', async () => {
    const loads: Array<string | null> = [];
    const switcher = modelSwitcher(async (ref) => {
      loads.push(ref);
      return ref === null ? loaded('own') : loaded(ref.slice('builtin:'.length));
    }, loaded('own'));
    await switcher.use(null); // the run's own model is loaded already
    await switcher.use('builtin:a');
    await switcher.use('builtin:a');
    await switcher.use(null);
    expect(loads).toEqual(['builtin:a', null]);
    expect(switcher.label('builtin:a').name).toBe('a');
    expect(switcher.current()).toBeNull();
    expect(() => switcher.label('builtin:b')).toThrow('no label for builtin:b: it was not used in this run');
  });

  it('refuses a model whose vocabulary differs from the first one used', async () => {
    const switcher = modelSwitcher(async (ref) => loaded(ref!, ref === 'builtin:odd' ? 'v2' : 'v1'), null);
    await switcher.use('builtin:a');
    await expect(switcher.use('builtin:odd')).rejects.toThrow(
      'builtin:odd has a different vocabulary from builtin:a: the models one probe compares must share a tokenizer',
    );
  });

  it('knows nothing is loaded after a failed load', async () => {
    const switcher = modelSwitcher(async () => {
      throw new Error('HTTP 404');
    }, loaded('own'));
    await expect(switcher.use('builtin:gone')).rejects.toThrow('HTTP 404');
    expect(switcher.current()).toBeUndefined();
  });
});

/** An engine on one model at a time; every log-probability is −(the model's number). */
function scriptedContext(withSwitcher = true) {
  const nats: Record<string, number> = { 'builtin:a': 1, 'builtin:b': 2, own: 3 };
  const log: string[] = [];
  let current = 'own';
  const engine: ProbeContext['engine'] = {
    score: async (input) => {
      const ids = input as number[];
      log.push(`score ${current.replace('builtin:', '')}`);
      return { ids, logprobs: ids.slice(1).map(() => -nats[current]), nll: 0, scored: ids.length - 1 };
    },
    generate: async () => {
      throw new Error('not used');
    },
    setRope: async (rope) => void log.push(`rope ${rope === null ? 'own' : rope.base}`),
    cancel: () => {},
  };
  const models = modelSwitcher(async (ref) => {
    current = ref ?? 'own';
    log.push(`load ${current.replace('builtin:', '')}`);
    return ref === null ? loaded('own') : loaded(ref.slice('builtin:'.length));
  }, loaded('own'));
  const tokenizer = { bos: 1, addsBos: true, encode: (text: string) => [1, ...Array.from(text, (c) => c.charCodeAt(0))], decode: () => '' };
  const ctx: ProbeContext = { engine, tokenizer, model: label('own'), ...(withSwitcher ? { models } : {}) };
  return { ctx, log };
}

describe('a probe over several models', () => {
  it('runs each variant on its model and names every model in the provenance', async () => {
    const { ctx, log } = scriptedContext();
    const variants = [
      { label: 'a', rope: null, model: 'builtin:a' },
      { label: 'b ×2', rope: { ...ROPE, base: 20000 }, model: 'builtin:b' },
      { label: 'own', rope: null },
    ];
    const result = await runLossByPosition(ctx, { texts: [{ id: 'user', text: 'abcdefghij' }], ctx: 8, variants });
    expect(result.series.map((s) => [s.variant.label, s.meanLoss])).toEqual([
      ['a', 1],
      ['b ×2', 2],
      ['own', 3],
    ]);
    expect(log).toEqual([
      'load a',
      'rope own',
      'score a',
      'load b',
      'rope 20000',
      'score b',
      'load own',
      'rope own',
      'score own',
      'rope own',
    ]);
    expect(result.provenance.variantModels?.map((m) => [m.name, m.source, m.sha256])).toEqual([
      ['a', 'builtin:a', 'a'.repeat(64)],
      ['b', 'builtin:b', 'b'.repeat(64)],
      ['own', 'builtin:own', 'own'.repeat(22).slice(0, 64)],
    ]);
    expect(result.provenance.options.variants).toEqual(variants);
  });

  it('leaves variantModels out when no variant names a model', async () => {
    const { ctx, log } = scriptedContext();
    const result = await runLossByPosition(ctx, { texts: [{ id: 'user', text: 'abc' }], ctx: 8, variants: [{ label: 'own', rope: null }] });
    expect(result.provenance.variantModels).toBeUndefined();
    expect(log.filter((l) => l.startsWith('load'))).toEqual([]);
  });

  it('refuses variants with models on an engine that holds one model', async () => {
    const { ctx } = scriptedContext(false);
    await expect(forEachVariant(ctx, [{ label: 'a', rope: null, model: 'builtin:a' }], async () => 1)).rejects.toThrow(
      'this engine runs one model only: variants naming a model need an engine that can switch models',
    );
  });

  it('stops after the load in progress when cancelled', async () => {
    const { ctx, log } = scriptedContext();
    const abort = new AbortController();
    const switcher = ctx.models!;
    ctx.models = {
      use: async (ref) => {
        await switcher.use(ref);
        abort.abort();
      },
      label: (ref) => switcher.label(ref),
    };
    const run = runLossByPosition(
      { ...ctx, signal: abort.signal },
      {
        texts: [{ id: 'user', text: 'abcdef' }],
        ctx: 8,
        variants: [
          { label: 'a', rope: null, model: 'builtin:a' },
          { label: 'b', rope: null, model: 'builtin:b' },
        ],
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['load a', 'rope own']);
  });
});
