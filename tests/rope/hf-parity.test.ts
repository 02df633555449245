// computeRope against Hugging Face transformers' own ROPE_INIT_FUNCTIONS. The fixture is produced on a
// machine with torch + transformers by `python3 scripts/hf_rope_reference.py src/rope/fixtures/hf-rope-reference.json`.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeRope, validateRopeConfig } from '../../src/rope/index.ts';

const FIXTURE = new URL('../../src/rope/fixtures/hf-rope-reference.json', import.meta.url);
const REL_TOL = 1e-6;

interface ReferenceEntry {
  config: unknown;
  invFreq: number[];
  attentionFactor: number;
  transformersVersion: string;
}

function loadReference(): ReferenceEntry[] {
  if (!existsSync(FIXTURE)) {
    throw new Error(
      'missing src/rope/fixtures/hf-rope-reference.json: run `python3 scripts/hf_rope_reference.py ' +
        'src/rope/fixtures/hf-rope-reference.json` on a machine with torch + transformers',
    );
  }
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as ReferenceEntry[];
}

const relErr = (ours: number, theirs: number) => Math.abs(ours - theirs) / Math.abs(theirs);

describe('computeRope matches transformers', () => {
  const entries = loadReference();

  it('covers every transformers rope type, dynamic below/above, longrope short/long', () => {
    const cfgs = entries.map(
      (e) => e.config as { type: string; seqLen?: number; maxPositionEmbeddings?: number; originalContext?: number },
    );
    for (const type of ['default', 'linear', 'ntk', 'dynamic', 'yarn', 'longrope', 'llama3'])
      expect(
        cfgs.some((c) => c.type === type),
        type,
      ).toBe(true);
    expect(cfgs.some((c) => c.type === 'dynamic' && c.seqLen! < c.maxPositionEmbeddings!)).toBe(true);
    expect(cfgs.some((c) => c.type === 'dynamic' && c.seqLen! > c.maxPositionEmbeddings!)).toBe(true);
    expect(cfgs.some((c) => c.type === 'longrope' && c.seqLen! <= c.originalContext!)).toBe(true);
    expect(cfgs.some((c) => c.type === 'longrope' && c.seqLen! > c.originalContext!)).toBe(true);
    expect(entries.length).toBeGreaterThanOrEqual(20);
  });

  it.each(entries.map((e) => [JSON.stringify(e.config).slice(0, 110), e] as const))('%s', (_name, entry) => {
    const checked = validateRopeConfig(entry.config);
    if (!checked.ok) throw new Error(checked.error);
    const table = computeRope(checked.config);
    expect(table.invFreq.length).toBe(entry.invFreq.length);
    let worst = 0;
    entry.invFreq.forEach((theirs, i) => (worst = Math.max(worst, relErr(table.invFreq[i], theirs))));
    expect(worst, `worst relative θ error (transformers ${entry.transformersVersion})`).toBeLessThanOrEqual(REL_TOL);
    expect(relErr(table.attentionFactor, entry.attentionFactor)).toBeLessThanOrEqual(REL_TOL);
  });
});
