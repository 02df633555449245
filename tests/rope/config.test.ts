// validateRopeConfig, ropeConfigFromGGUF and the presets.
import { describe, expect, it } from 'vitest';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { computeRope, ropeConfigFromGGUF, ROPE_PRESETS, validateRopeConfig, type RopeConfig } from '../../src/rope/index.ts';
import { requireTestFiles, STORIES_GGUF } from '../helpers/shared.ts';

describe('validateRopeConfig', () => {
  it('accepts every preset and returns a copy', () => {
    for (const p of ROPE_PRESETS) {
      const r = validateRopeConfig(p.config);
      expect(r.ok, p.id).toBe(true);
      if (r.ok) {
        expect(r.config).toEqual(p.config);
        expect(r.config).not.toBe(p.config);
      }
    }
  });
  it.each([
    [null, 'rope config must be an object'],
    [{ headDim: 128, base: 1e4, type: 'cosine' }, 'type must be one of'],
    [{ base: 1e4, type: 'default' }, 'headDim is required'],
    [{ headDim: 127, base: 1e4, type: 'default' }, 'headDim must be an even integer'],
    [{ headDim: 2048, base: 1e4, type: 'default' }, 'headDim must be an even integer'],
    [{ headDim: 128, base: 1, type: 'default' }, 'base must be a finite number > 1'],
    [{ headDim: 128, base: Number.NaN, type: 'default' }, 'base must be'],
    [{ headDim: 128, base: '10000', type: 'default' }, 'base must be'],
    [{ headDim: 128, base: 1e4, type: 'default', theta: 3 }, "unknown rope config field 'theta'"],
    [{ headDim: 128, base: 1e4, type: 'linear' }, "type 'linear' needs factor"],
    [{ headDim: 128, base: 1e4, type: 'linear', factor: -2 }, 'factor must be a finite number > 0'],
    [{ headDim: 128, base: 1e4, type: 'llama3', factor: 8 }, "type 'llama3' needs originalContext"],
    [
      { headDim: 128, base: 1e4, type: 'llama3', factor: 8, originalContext: 8192, lowFreqFactor: 4, highFreqFactor: 4 },
      'highFreqFactor (4) must exceed',
    ],
    [{ headDim: 128, base: 1e4, type: 'yarn', factor: 8 }, "type 'yarn' needs originalContext"],
    [
      { headDim: 128, base: 1e4, type: 'yarn', factor: 8, originalContext: 4096, betaFast: 1, betaSlow: 32 },
      'betaFast (1) must be ≥ betaSlow (32)',
    ],
    [{ headDim: 128, base: 1e4, type: 'yarn', factor: 8, originalContext: 4096, truncate: 'no' }, 'truncate must be true or false'],
    [{ headDim: 128, base: 1e4, type: 'dynamic', factor: 2 }, "type 'dynamic' needs maxPositionEmbeddings"],
    [
      { headDim: 128, base: 1e4, type: 'longrope', originalContext: 4096, shortFactor: [1], longFactor: [1] },
      'shortFactor must have 64 entries',
    ],
    [
      { headDim: 128, base: 1e4, type: 'longrope', originalContext: 4096, shortFactor: [], longFactor: [] },
      'shortFactor must be a non-empty list',
    ],
    [{ headDim: 128, base: 1e4, type: 'default', partialRotaryFactor: 1.5 }, 'partialRotaryFactor must be a number in (0, 1]'],
    [{ headDim: 128, base: 1e4, type: 'default', partialRotaryFactor: 0.01 }, 'partialRotaryFactor leaves 1 rotated dims'],
    [{ headDim: 128, base: 1e4, type: 'default', seqLen: 10.5 }, 'seqLen must be a positive integer'],
  ])('rejects %j with a message naming the problem', (input, message) => {
    const r = validateRopeConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe('ropeConfigFromGGUF (llama.cpp metadata keys)', () => {
  const llama2Meta = new Map<string, unknown>([
    ['general.architecture', 'llama'],
    ['llama.embedding_length', 4096],
    ['llama.attention.head_count', 32],
    ['llama.rope.dimension_count', 128],
    ['llama.context_length', 4096n],
  ]);
  it('plain Llama 2: head dim from embedding/heads, base defaults to 10000', () => {
    expect(ropeConfigFromGGUF(llama2Meta)).toEqual({ headDim: 128, base: 10_000, type: 'default', maxPositionEmbeddings: 4096 });
  });
  it('reads freq_base and partial rotary (dimension_count < head size), from a plain object too', () => {
    const cfg = ropeConfigFromGGUF(
      {
        'phi2.embedding_length': 2560,
        'phi2.attention.head_count': 32,
        'phi2.rope.dimension_count': 32,
        'phi2.rope.freq_base': 10000,
      },
      'phi2',
    );
    expect(cfg).toEqual({ headDim: 80, base: 10_000, type: 'default', partialRotaryFactor: 0.4 });
  });
  it('linear scaling, also from the legacy rope.scale_linear key', () => {
    const meta = new Map(llama2Meta);
    meta.set('llama.rope.scaling.type', 'linear');
    meta.set('llama.rope.scale_linear', 4);
    expect(ropeConfigFromGGUF(meta)).toMatchObject({ type: 'linear', factor: 4 });
  });
  it('yarn with betas and log multiplier (→ mscale ratio)', () => {
    const meta = new Map(llama2Meta);
    meta.set('llama.rope.scaling.type', 'yarn');
    meta.set('llama.rope.scaling.factor', 8);
    meta.set('llama.rope.scaling.original_context_length', 4096);
    meta.set('llama.rope.scaling.yarn_beta_fast', 16);
    meta.set('llama.rope.scaling.yarn_beta_slow', 2);
    meta.set('llama.rope.scaling.yarn_log_multiplier', 0.5);
    const cfg = ropeConfigFromGGUF(meta);
    expect(cfg).toMatchObject({ type: 'yarn', factor: 8, originalContext: 4096, betaFast: 16, betaSlow: 2, mscale: 1, mscaleAllDim: 0.5 });
    expect(computeRope(cfg).attentionFactor).toBeCloseTo((0.1 * Math.log(8) + 1) / (0.05 * Math.log(8) + 1), 12);
  });
  it("yarn attn_factor multiplies onto YaRN's own magnitude (ggml semantics)", () => {
    const meta = new Map(llama2Meta);
    meta.set('llama.rope.scaling.type', 'yarn');
    meta.set('llama.rope.scaling.factor', 8);
    meta.set('llama.rope.scaling.attn_factor', 0.5);
    const cfg = ropeConfigFromGGUF(meta);
    expect(cfg.originalContext).toBe(4096); // falls back to context_length
    expect(computeRope(cfg).attentionFactor).toBeCloseTo(0.5 * (0.1 * Math.log(8) + 1), 12);
  });
  it("Llama 3.1's rope_freqs tensor reproduces the llama3 θ", () => {
    const llama31: RopeConfig = {
      headDim: 128,
      base: 500_000,
      type: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalContext: 8192,
    };
    const plain = computeRope({ headDim: 128, base: 500_000, type: 'default' }).invFreq;
    const scaled = computeRope(llama31).invFreq;
    const ropeFreqs = Float32Array.from(plain, (t, i) => t / scaled[i]); // what convert_hf_to_gguf stores
    const meta = new Map(llama2Meta);
    meta.set('llama.rope.freq_base', 500_000);
    const cfg = ropeConfigFromGGUF(meta, undefined, { ropeFreqs });
    const fromGguf = computeRope(cfg).invFreq;
    scaled.forEach((t, i) => expect(Math.abs(fromGguf[i] - t) / t).toBeLessThan(1e-6));
    expect(computeRope(cfg).attentionFactor).toBe(1);
  });
  it.skipIf(!requireTestFiles('RoPE config of stories260K', STORIES_GGUF))(
    'maps the real stories260K GGUF (head 64/8 = 8, rope dims 8, 2048 context)',
    async () => {
      const file = await readGGUF(await fileSource(STORIES_GGUF));
      const cfg = ropeConfigFromGGUF(file.metadata);
      expect(cfg).toEqual({ headDim: 8, base: 10_000, type: 'default', maxPositionEmbeddings: 2048 });
      expect(Array.from(computeRope(cfg).invFreq)).toEqual([1, 0.1, 0.01, 0.001].map(Math.fround));
    },
  );
  it('names the offending key', () => {
    expect(() => ropeConfigFromGGUF(new Map([['llama.rope.freq_base', 1e4]]))).toThrow(/llama\.rope\.dimension_count/);
    const bad = new Map(llama2Meta);
    bad.set('llama.rope.scaling.type', 'su');
    expect(() => ropeConfigFromGGUF(bad)).toThrow(/llama\.rope\.scaling\.type 'su'/);
    const wrongType = new Map(llama2Meta);
    wrongType.set('llama.rope.freq_base', 'big');
    expect(() => ropeConfigFromGGUF(wrongType)).toThrow(/llama\.rope\.freq_base must be a number/);
  });
});

describe('ROPE_PRESETS', () => {
  it('has the contract ids in order', () => {
    expect(ROPE_PRESETS.map((p) => p.id)).toEqual([
      'llama2',
      'llama2-long-abf',
      'pi-x4',
      'pi-x8',
      'ntk-x8',
      'yarn-x8',
      'llama3.1',
      'codellama-1m',
      'xpos',
    ]);
  });
  it('uses the published bases', () => {
    const base = (id: string) => ROPE_PRESETS.find((p) => p.id === id)!.config.base;
    expect([base('llama2'), base('llama2-long-abf'), base('llama3.1'), base('codellama-1m')]).toEqual([1e4, 5e5, 5e5, 1e6]);
  });
});
