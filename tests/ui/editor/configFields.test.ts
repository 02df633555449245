import { describe, expect, it } from 'vitest';
import { ROPE_PRESETS, ROPE_TYPES, validateRopeConfig } from '../../../src/rope/index.ts';
import { COMMON_FIELDS, configForType, TYPE_FIELDS, withField } from '../../../src/ui/editor/configFields.ts';

describe('editor fields', () => {
  it('switching any preset to any type gives a config the validator accepts', () => {
    for (const preset of ROPE_PRESETS) {
      for (const type of ROPE_TYPES) {
        const result = validateRopeConfig(configForType(preset.config, type));
        expect(result, `${preset.id} → ${type}`).toEqual({ ok: true, config: expect.objectContaining({ type }) });
      }
    }
  });

  it('keeps the fields both types show and drops the others', () => {
    const llama3 = ROPE_PRESETS.find((p) => p.id === 'llama3.1')!.config;
    expect(configForType(llama3, 'linear')).toEqual({ type: 'linear', headDim: 128, base: 500_000, factor: 8 });
    expect(configForType({ headDim: 64, base: 1e4, type: 'default' }, 'longrope')).toEqual({
      type: 'longrope',
      headDim: 64,
      base: 1e4,
      originalContext: 4096,
      shortFactor: new Array(32).fill(1),
      longFactor: new Array(32).fill(1),
    });
  });

  it('shows every RopeConfig field for some type, each once per type', () => {
    const shown = new Set<string>(COMMON_FIELDS.map((f) => f.key));
    for (const type of ROPE_TYPES) {
      const keys = [...COMMON_FIELDS, ...TYPE_FIELDS[type]].map((f) => f.key);
      expect(new Set(keys).size, type).toBe(keys.length);
      keys.forEach((k) => shown.add(k));
    }
    // Every optional field of RopeConfig (src/rope/config.ts) except `type`, which has its own select.
    expect([...shown].sort()).toEqual(
      [
        'attentionFactor',
        'base',
        'betaFast',
        'betaSlow',
        'factor',
        'headDim',
        'highFreqFactor',
        'longFactor',
        'lowFreqFactor',
        'maxPositionEmbeddings',
        'mscale',
        'mscaleAllDim',
        'originalContext',
        'partialRotaryFactor',
        'seqLen',
        'shortFactor',
        'truncate',
        'xposScaleBase',
      ].sort(),
    );
  });

  it('withField sets and removes a field without touching the original', () => {
    const config = { headDim: 128, base: 1e4, type: 'yarn' as const, factor: 8, originalContext: 4096 };
    expect(withField(config, 'betaFast', 16)).toEqual({ ...config, betaFast: 16 });
    expect(withField(config, 'factor', undefined)).toEqual({ headDim: 128, base: 1e4, type: 'yarn', originalContext: 4096 });
    expect(config.factor).toBe(8);
  });
});
