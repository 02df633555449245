// The benchmark's lazy synthetic models (bench/synthetic-source.ts): a GGUF the reader accepts, laid
// out as llama.cpp's files are, with weights of the intended spread, that the engine loads and runs.
import { describe, expect, it } from 'vitest';
import { GGMLType, dequantize, readGGUF, readTensorBytes } from '../../src/gguf/index.ts';
import { nodeGpu } from '../../src/engine/gpu/node-gpu.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';
import { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { SHAPES, planTensors } from '../../bench/shapes.ts';
import { openSynthetic, registerSynthetic } from '../../bench/synthetic-registry.ts';
import { syntheticModelSource } from '../../bench/synthetic-source.ts';

const tiny = SHAPES.tiny;

describe('synthetic model source', () => {
  it('is a GGUF with the planned tensors: Q4_0 matrices, a Q6_K output, F32 norms', async () => {
    const source = syntheticModelSource(tiny, GGMLType.Q4_0);
    const file = await readGGUF(source);
    expect(file.metadata.get('llama.embedding_length')).toBe(tiny.dim);
    expect(file.metadata.get('llama.block_count')).toBe(tiny.layers);
    const types = Object.fromEntries(file.tensors.map((t) => [t.name, t.type]));
    expect(types['token_embd.weight']).toBe(GGMLType.Q4_0);
    expect(types['output.weight']).toBe(GGMLType.Q6_K);
    expect(types['blk.1.ffn_down.weight']).toBe(GGMLType.Q4_0);
    expect(types['blk.0.attn_norm.weight']).toBe(GGMLType.F32);
    expect(file.tensors).toHaveLength(planTensors(tiny, GGMLType.Q4_0).length);
    const last = file.tensors[file.tensors.length - 1];
    expect(source.size).toBe(last.offset + last.byteSize);
  });

  it('gives the same bytes for any read range and any read order', async () => {
    const a = syntheticModelSource(tiny, GGMLType.Q8_0);
    const b = syntheticModelSource(tiny, GGMLType.Q8_0);
    const file = await readGGUF(a);
    const [t1, t2] = [file.tensorsByName.get('blk.0.attn_k.weight')!, file.tensorsByName.get('blk.0.attn_v.weight')!];
    const later = await b.read(t2.offset, t2.byteSize); // b reads v before k
    const first = await b.read(t1.offset, t1.byteSize);
    expect(await a.read(t1.offset, t1.byteSize)).toEqual(first);
    expect(await a.read(t2.offset, t2.byteSize)).toEqual(later);
    // a range across the padding between the two tensors
    const span = await a.read(t1.offset + t1.byteSize - 10, t2.offset - t1.offset - t1.byteSize + 20);
    expect(span.subarray(0, 10)).toEqual(first.subarray(first.length - 10));
    expect(span.subarray(span.length - 10)).toEqual(later.subarray(0, 10));
    expect(span.subarray(10, span.length - 10).every((x) => x === 0)).toBe(true);
    await expect(a.read(a.size - 4, 8)).rejects.toThrow(/runs past the end/);
  });

  it.each([
    ['Q4_0', GGMLType.Q4_0, 'blk.0.ffn_up.weight'],
    ['Q6_K', GGMLType.Q4_0, 'output.weight'],
    ['Q8_0', GGMLType.Q8_0, 'blk.0.ffn_up.weight'],
    ['F16', GGMLType.F16, 'blk.0.ffn_up.weight'],
    ['F32', GGMLType.F32, 'blk.0.ffn_up.weight'],
  ])('%s weights are zero-mean with a spread of about 1/√cols', async (_, type, name) => {
    const file = await readGGUF(syntheticModelSource(tiny, type));
    const t = file.tensorsByName.get(name)!;
    const values = dequantize(t.type, await readTensorBytes(file, t), t.nElements);
    let sum = 0;
    let squares = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(squares / values.length - mean * mean);
    const target = 1 / Math.sqrt(t.dims[0]);
    // F16/F32 draw magnitudes in [2^e, 2^(e+1)) with 2^e ≤ target: std between 0.5× and 2× target
    expect(std).toBeGreaterThan(0.5 * target);
    expect(std).toBeLessThan(2 * target);
    // Q4_0's nibbles − 8 average −0.5 (−0.11 of its spread); every other type is symmetric
    expect(Math.abs(mean)).toBeLessThan((type === GGMLType.Q4_0 && t.type === GGMLType.Q4_0 ? 0.15 : 0.05) * target);
  });

  it('loads into the engine through openPath and computes finite logits', async () => {
    const engine = new WebGpuEngine({ gpu: () => nodeGpu({ quiet: true }), shaders: viteShaders, openPath: openSynthetic });
    try {
      const info = await engine.load({ kind: 'path', path: registerSynthetic(tiny, GGMLType.Q4_0).name }, undefined, { context: 32 });
      expect(info.tensorTypes).toMatchObject({ Q4_0: 1 + 7 * tiny.layers, Q6_K: 1, F32: 1 + 2 * tiny.layers });
      const [logits] = await engine.logits([1, 300, 42]);
      expect(logits).toHaveLength(tiny.vocab);
      expect(logits.every(Number.isFinite)).toBe(true);
      expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(0); // not a constant (dead) output
    } finally {
      await engine.destroy();
    }
  });

  it('names the known models when asked for an unknown one', async () => {
    await expect(openSynthetic('synthetic nope')).rejects.toThrow(/no synthetic model named 'synthetic nope'/);
  });
});
