// The random-weight files of tests/helpers/arch-models.ts, checked against real llama.cpp (the CPU
// build node-llama-cpp bundles): every family and shape loads and gives finite, varied logits, and each
// family-specific part of a file is really read — changing it changes llama.cpp's answer, and where a
// rule says exactly which positions or layers it touches, the rest stays bit-for-bit the same. That
// is what makes these files a fair oracle for the lab's own forward pass of each family.
// All seven families load in the bundled build (llama, mistral as llama, qwen2, qwen3, gemma3, phi3,
// smollm3), so no numpy fallback is needed.
import { describe, expect, it } from 'vitest';
import { meta } from '../../src/gguf/writer.ts';
import { ARCH_SHAPES, writeArchModel, type ArchName, type ArchShape, type WriteArchModelOptions } from '../helpers/arch-models.ts';
import { llamaCppArchGreedy, llamaCppArchLogits, loadArchModel, type ArchRopeOverride } from '../helpers/llamacpp-arch.ts';

/** 32 token ids spread over the vocabulary: longer than every sliding window, shorter than every context. */
const IDS = Array.from({ length: 32 }, (_, i) => 3 + ((i * 97 + 11) % 300));

const FAMILIES = Object.keys(ARCH_SHAPES) as ArchName[];
const CASES = FAMILIES.flatMap((arch) => ARCH_SHAPES[arch].map((shape) => [arch, shape.name, shape] as const));

function maxDiff(a: Float32Array[], b: Float32Array[], from = 0, to = a.length): number {
  let worst = 0;
  for (let p = from; p < to; p++) for (let i = 0; i < a[p].length; i++) worst = Math.max(worst, Math.abs(a[p][i] - b[p][i]));
  return worst;
}

async function logitsOf(arch: ArchName, shape: ArchShape, options: WriteArchModelOptions = {}, rope?: ArchRopeOverride) {
  return llamaCppArchLogits(await writeArchModel(arch, shape, options), IDS, rope);
}

function only(arch: ArchName, name: string): ArchShape {
  const shape = ARCH_SHAPES[arch].find((s) => s.name === name);
  if (!shape) throw new Error(`no ${arch} shape ${name}`);
  return shape;
}

/** Same values, any change counted: 1e-5 is far below any real change here (those are > 1e-2). */
const SAME = 1e-5;
const CHANGED = 1e-2;

describe('llama.cpp loads every family', () => {
  it.each(CASES)('%s %s: finite logits that vary by token and position', async (_arch, _name, shape) => {
    const logits = await logitsOf(_arch, shape);
    expect(logits).toHaveLength(IDS.length);
    for (const row of logits) {
      expect(row).toHaveLength(shape.vocab);
      expect(row.every(Number.isFinite)).toBe(true);
      expect(Math.max(...row) - Math.min(...row)).toBeGreaterThan(0.5);
    }
    expect(maxDiff(logits.slice(0, 1), logits.slice(1, 2))).toBeGreaterThan(CHANGED);
  });

  it('refuses an architecture it does not know', async () => {
    const path = await writeArchModel('llama', ARCH_SHAPES.llama[0], {
      metadata: { 'general.architecture': meta.str('rope-lab-unknown') },
    });
    await expect(loadArchModel(path)).rejects.toThrow();
  });

  it('greedy decoding continues from the batch logits: its first id is their argmax', async () => {
    const shape = ARCH_SHAPES.qwen3[0];
    const path = await writeArchModel('qwen3', shape);
    const prompt = IDS.slice(0, 12);
    const last = (await llamaCppArchLogits(path, prompt)).at(-1)!;
    const ids = await llamaCppArchGreedy(path, prompt, 6);
    expect(ids).toHaveLength(6);
    expect(ids[0]).toBe(last.indexOf(Math.max(...last)));
    expect(ids.every((id) => id >= 0 && id < shape.vocab)).toBe(true);
  });

  it('applies a RoPE override (base, linear factor) at load', async () => {
    const shape = ARCH_SHAPES.llama[0];
    const plain = await logitsOf('llama', shape);
    expect(maxDiff(plain, await logitsOf('llama', shape, {}, { freqBase: 100 }))).toBeGreaterThan(CHANGED);
    expect(maxDiff(plain, await logitsOf('llama', shape, {}, { linearFactor: 4 }))).toBeGreaterThan(CHANGED);
    // Position 0 is not rotated at all.
    expect(maxDiff(plain, await logitsOf('llama', shape, {}, { freqBase: 100 }), 0, 1)).toBeLessThan(SAME);
  });
});

/**
 * NEOX rotates pairs (i, i + d/2) of each head, NORM (adjacent) pairs (2i, 2i + 1) at the same
 * frequency. Reordering Q and K rows so that row i lands at 2i and row i + d/2 at 2i + 1 turns the one
 * into the other; attention only sees q·k, which the shared reordering leaves alone.
 */
function neoxToNormRows(values: Float32Array, rowLength: number, headDim: number): void {
  const rows = values.length / rowLength;
  const copy = values.slice();
  for (let r = 0; r < rows; r++) {
    const head = Math.floor(r / headDim);
    const j = r % headDim;
    const to = head * headDim + (j < headDim / 2 ? 2 * j : 2 * (j - headDim / 2) + 1);
    values.set(copy.subarray(r * rowLength, (r + 1) * rowLength), to * rowLength);
  }
}

describe('family-specific parts of the files are what llama.cpp reads', () => {
  it('qwen2: Q/K/V biases are read, and RoPE is NEOX (a llama file with reordered Q/K rows gives the same logits)', async () => {
    const shape = ARCH_SHAPES.qwen2[0];
    const zeroBias = (name: string, v: Float32Array) => name.endsWith('.bias') && v.fill(0);
    const withBias = await logitsOf('qwen2', shape);
    const noBias = await logitsOf('qwen2', shape, { transform: zeroBias });
    expect(maxDiff(withBias, noBias)).toBeGreaterThan(CHANGED);

    const asNorm = (name: string, v: Float32Array) => {
      if (/attn_[qk]\.weight$/.test(name)) neoxToNormRows(v, shape.dim, shape.headDim);
    };
    const llamaMeta = { 'llama.attention.layer_norm_rms_epsilon': meta.f32(1e-6) };
    const reordered = await logitsOf('llama', shape, { transform: asNorm, metadata: llamaMeta });
    const unordered = await logitsOf('llama', shape, { metadata: llamaMeta });
    // Measured 1.1e-6: rounding only (the rows go through the matmul in another order).
    expect(maxDiff(noBias, reordered)).toBeLessThan(1e-5);
    expect(maxDiff(noBias, unordered)).toBeGreaterThan(CHANGED);
  });

  it('qwen3: the per-head Q and K norms are read', async () => {
    const shape = ARCH_SHAPES.qwen3[0];
    const ones = (name: string, v: Float32Array) => /attn_[qk]_norm/.test(name) && v.fill(1);
    expect(maxDiff(await logitsOf('qwen3', shape), await logitsOf('qwen3', shape, { transform: ones }))).toBeGreaterThan(CHANGED);
  });

  it('gemma3: the sliding window masks exactly the keys ≥ window back, on local layers only', async () => {
    const shape = only('gemma3', 'gemma3-hd256');
    const window = shape.slidingWindow!;
    const local = await logitsOf('gemma3', shape);
    const wide = await logitsOf('gemma3', shape, { metadata: { 'gemma3.attention.sliding_window': meta.u32(IDS.length) } });
    expect(maxDiff(local, wide, 0, window)).toBeLessThan(SAME);
    expect(maxDiff(local, wide, window)).toBeGreaterThan(CHANGED);
    // With no sliding_window key every layer is global (and at rope.freq_base): different again.
    const noWindow = await logitsOf('gemma3', shape, { metadata: { 'gemma3.attention.sliding_window': null } });
    expect(maxDiff(noWindow, wide)).toBeGreaterThan(CHANGED);
    // The window sits on local layers only: with a pattern of 0 (all local) the global layer 5's
    // tokens past the window lose their far keys too, so the answer changes.
    const allLocal = await logitsOf('gemma3', shape, { metadata: { 'gemma3.attention.sliding_window_pattern': meta.u32(0) } });
    expect(maxDiff(allLocal, local, window)).toBeGreaterThan(CHANGED);
  });

  it('gemma3: rope.freq_base turns the global layers, rope.freq_base_swa the local ones', async () => {
    const shape = only('gemma3', 'gemma3-hd64-5h');
    const plain = await logitsOf('gemma3', shape);
    expect(maxDiff(plain, await logitsOf('gemma3', shape, { metadata: { 'gemma3.rope.freq_base_swa': meta.f32(100) } }))).toBeGreaterThan(
      CHANGED,
    );
    expect(maxDiff(plain, await logitsOf('gemma3', shape, { metadata: { 'gemma3.rope.freq_base': meta.f32(100) } }))).toBeGreaterThan(
      CHANGED,
    );
    // With no global layer, rope.freq_base is not read at all.
    const allLocal = { 'gemma3.attention.sliding_window_pattern': meta.u32(0) };
    const localOnly = await logitsOf('gemma3', shape, { metadata: allLocal });
    const localOnlyBase = await logitsOf('gemma3', shape, { metadata: { ...allLocal, 'gemma3.rope.freq_base': meta.f32(100) } });
    expect(maxDiff(localOnly, localOnlyBase)).toBeLessThan(SAME);
    // Absent, the local base is llama.cpp's default 10000 (what these shapes write).
    expect(maxDiff(plain, await logitsOf('gemma3', shape, { metadata: { 'gemma3.rope.freq_base_swa': null } }))).toBeLessThan(SAME);
  });

  it('gemma3: the post-attention and post-FFN norms are read', async () => {
    const shape = only('gemma3', 'gemma3-hd256');
    const plain = await logitsOf('gemma3', shape);
    for (const which of ['post_attention_norm', 'post_ffw_norm']) {
      const ones = (name: string, v: Float32Array) => name.includes(which) && v.fill(1);
      expect(maxDiff(plain, await logitsOf('gemma3', shape, { transform: ones }))).toBeGreaterThan(CHANGED);
    }
  });

  it('phi3: partial rotary (rope.dimension_count) is read', async () => {
    const shape = only('phi3', 'phi3-partial-rope');
    const full = { 'phi3.rope.dimension_count': meta.u32(shape.headDim) };
    expect(maxDiff(await logitsOf('phi3', shape), await logitsOf('phi3', shape, { metadata: full }))).toBeGreaterThan(CHANGED);
  });

  it('phi3: LongRoPE uses the long factors past the original context (n_ctx 256 > 64), the short ones within it', async () => {
    const shape = only('phi3', 'phi3-longrope');
    const ones = (which: string) => (name: string, v: Float32Array) => name.startsWith(`rope_factors_${which}`) && v.fill(1);
    const within = { 'phi3.rope.scaling.original_context_length': meta.u32(4096) };
    const beyond = await logitsOf('phi3', shape);
    const short = await logitsOf('phi3', shape, { metadata: within });
    expect(maxDiff(beyond, short)).toBeGreaterThan(CHANGED);
    expect(maxDiff(beyond, await logitsOf('phi3', shape, { transform: ones('long') }))).toBeGreaterThan(CHANGED);
    expect(maxDiff(beyond, await logitsOf('phi3', shape, { transform: ones('short') }))).toBeLessThan(SAME);
    expect(maxDiff(short, await logitsOf('phi3', shape, { metadata: within, transform: ones('short') }))).toBeGreaterThan(CHANGED);
    expect(maxDiff(short, await logitsOf('phi3', shape, { metadata: within, transform: ones('long') }))).toBeLessThan(SAME);
    // rope.scaling.attn_factor scales cos and sin.
    const attn1 = await logitsOf('phi3', shape, { metadata: { 'phi3.rope.scaling.attn_factor': meta.f32(1) } });
    expect(maxDiff(beyond, attn1)).toBeGreaterThan(CHANGED);
  });

  it('smollm3: every 4th layer has no RoPE (llama.cpp reads no key for it), and RoPE is NORM', async () => {
    const base = only('smollm3', 'smollm3-nope');
    const llamaMeta = { 'llama.attention.layer_norm_rms_epsilon': meta.f32(1e-6) };
    const three = { ...base, layers: 3 };
    // Three layers all rotate: the same weights as a llama file give the same logits.
    expect(maxDiff(await logitsOf('smollm3', three), await logitsOf('llama', three, { metadata: llamaMeta }))).toBeLessThan(SAME);
    // The fourth (layer 3) does not.
    expect(maxDiff(await logitsOf('smollm3', base), await logitsOf('llama', base, { metadata: llamaMeta }))).toBeGreaterThan(CHANGED);
  });

  it('smollm3: YaRN scaling is read', async () => {
    const shape = only('smollm3', 'smollm3-yarn');
    const plain = await logitsOf('smollm3', shape);
    expect(maxDiff(plain, await logitsOf('smollm3', shape, { metadata: { 'smollm3.rope.scaling.factor': meta.f32(2) } }))).toBeGreaterThan(
      CHANGED,
    );
    expect(
      maxDiff(plain, await logitsOf('smollm3', shape, { metadata: { 'smollm3.rope.scaling.type': meta.str('linear') } })),
    ).toBeGreaterThan(CHANGED);
  });
});
