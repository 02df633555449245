// SmolLM2-135M at 32K: the f16 KV cache fits, and nothing the engine or its probes allocate grows with
// positions × positions (only one head's attention map may, and only up to 2,048 tokens). Every buffer the
// engine makes is logged (through a wrapped GPUDevice.createBuffer) at a 16K and a 32K context with every
// probe pass made; each buffer may at most double with the context. The passes run on 8 tokens: SmolLM2 on
// SwiftShader manages a few tokens a second, and the buffers are sized at load and on first use, not per input.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../../src/engine/gpu/node-gpu.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';
import { WebGpuEngine } from '../../src/engine/webgpu-engine.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { requireTestFiles, SMOLLM2_Q4_1 } from '../helpers/shared.ts';

const HAVE = requireTestFiles('SmolLM2 memory test', SMOLLM2_Q4_1);

/** `target` with method `key` replaced by `wrap(original)` (the original bound to `target`). */
function intercept<T extends object, K extends keyof T>(target: T, key: K, wrap: (original: T[K]) => T[K]): T {
  return new Proxy(target, {
    get: (t, k) => (k === key ? wrap((Reflect.get(t, k) as (...a: unknown[]) => unknown).bind(t) as T[K]) : Reflect.get(t, k)),
  });
}

/** A GPU whose devices report each createBuffer (label, size) to `log`. */
async function loggingGpu(log: Array<{ label: string; size: number }>): Promise<GPU> {
  return intercept(await nodeGpu({ quiet: true }), 'requestAdapter', (requestAdapter) => async (options) => {
    const adapter = await requestAdapter(options);
    return (
      adapter &&
      intercept(adapter, 'requestDevice', (requestDevice) => async (descriptor) => {
        const device = await requestDevice(descriptor);
        const createBuffer = device.createBuffer.bind(device);
        device.createBuffer = (d: GPUBufferDescriptor) => {
          log.push({ label: d.label ?? '', size: d.size });
          return createBuffer(d);
        };
        return device;
      })
    );
  });
}

/** Loads SmolLM2 at `context` with an f16 cache, makes every probe pass, and returns the largest buffer per label. */
async function buffersAt(context: number): Promise<{ sizes: Map<string, number>; kvBytes: number }> {
  const log: Array<{ label: string; size: number }> = [];
  const engine = new WebGpuEngine({ gpu: () => loggingGpu(log), shaders: viteShaders, openPath: fileSource });
  try {
    const info = await engine.load({ kind: 'path', path: SMOLLM2_Q4_1 }, undefined, { context, kvCache: 'f16' });
    const ids = engine.tokenizer().encode('The capital of France is Paris, and').slice(0, 8);
    await engine.score(ids, { addBos: false });
    await engine.attentionStats(ids);
    await engine.qkPairNorms(ids);
    await engine.attentionMap(ids, 0, 0);
    await expect(engine.attentionMap(new Array(2049).fill(ids[0]), 0, 0)).rejects.toThrow(
      'a full attention map needs an input of at most 2048 tokens, this one has 2049',
    );
    const sizes = new Map<string, number>();
    for (const { label, size } of log) sizes.set(label, Math.max(size, sizes.get(label) ?? 0));
    return { sizes, kvBytes: info.kvCache.totalBytes };
  } finally {
    await engine.destroy();
  }
}

describe.skipIf(!HAVE)('SmolLM2-135M memory at 32K', () => {
  it('the f16 KV cache is 30 layers × 2 × 3 KV heads × 32,768 × 64 halves, and no buffer grows faster than the context', async () => {
    const half = await buffersAt(16384);
    const full = await buffersAt(32768);
    expect(full.kvBytes).toBe(30 * 2 * 3 * 32768 * 64 * 2); // 754,974,720 bytes
    const growth = [...full.sizes].map(([label, size]) => ({ label, size, ratio: size / (half.sizes.get(label) ?? size) }));
    const worst = growth.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    console.log(
      `SmolLM2 at 32K: ${full.sizes.size} buffer labels, largest ${Math.max(...full.sizes.values()).toLocaleString('en-US')} bytes; fastest growth 16K → 32K ×${worst.ratio.toFixed(3)} (${worst.label})`,
    );
    for (const g of growth) expect(g.ratio, g.label).toBeLessThanOrEqual(2.001);
    expect(Math.max(...full.sizes.values())).toBeLessThan(32768 * 32768); // not even one byte per (query, key)
  }, 240_000);
});
