// Runs one kernel of shaders/ on a given device: uploads inputs, dispatches once, reads outputs back.
// Environment-neutral (no Node, no Vitest): the kernel cases run through it on Dawn in Node and on
// Chromium's WebGPU in e2e/fixtures/kernels.html.
import { KernelCache, bindGroup } from '../../src/engine/gpu/kernels.ts';
import { packStep, STEP_BYTES, type StepValues } from '../../src/engine/gpu/shader-library.ts';
import { viteShaders } from '../../src/engine/gpu/shaders-vite.ts';
import type { KvCacheType } from '../../src/engine/types.ts';
import type { GGMLType } from '../../src/gguf/index.ts';

/** A binding after the Step uniform: data to upload (storage, or uniform when `uniform`), or an output size. */
export type Binding = { data: ArrayBufferView; uniform?: boolean } | { outBytes: number; init?: ArrayBufferView };

export interface KernelRun {
  kernel: string;
  constants: Record<string, number | boolean>;
  weightType?: GGMLType;
  /** Layout of the KV cache bindings (kernels that read or write the cache). */
  kvCache?: KvCacheType;
  step: Partial<StepValues>;
  bindings: Binding[];
  grid: [number, number, number];
}

// Pipelines are compiled once per device (SwiftShader compiles slowly).
const caches = new WeakMap<GPUDevice, KernelCache>();

/** The output bindings' contents after one dispatch, in binding order. */
export async function runKernelOn(device: GPUDevice, opts: KernelRun): Promise<ArrayBuffer[]> {
  let kernels = caches.get(device);
  if (!kernels) caches.set(device, (kernels = new KernelCache(device, viteShaders)));
  const pipeline = await kernels.pipeline(opts.kernel, opts.constants, { weightType: opts.weightType, kvCache: opts.kvCache });
  const step = device.createBuffer({ size: STEP_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(step, 0, packStep({ n_tokens: 1, pos0: 0, sample_row: 0, out_offset: 0, attn_chunk: 256, ...opts.step }));
  const buffers = opts.bindings.map((b) => {
    const size = Math.max(16, Math.ceil(('data' in b ? b.data.byteLength : b.outBytes) / 16) * 16);
    const usage = 'data' in b && b.uniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    const buffer = device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST });
    const init = 'data' in b ? b.data : b.init;
    if (init) device.queue.writeBuffer(buffer, 0, init.buffer, init.byteOffset, init.byteLength);
    return buffer;
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup(device, pipeline, [step, ...buffers], opts.kernel));
  pass.dispatchWorkgroups(...opts.grid);
  pass.end();
  const reads = opts.bindings.flatMap((b, i) => ('outBytes' in b ? [{ src: buffers[i], bytes: b.outBytes }] : []));
  const staging = reads.map(({ bytes }) =>
    device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  );
  reads.forEach(({ src, bytes }, i) => encoder.copyBufferToBuffer(src, 0, staging[i], 0, Math.ceil(bytes / 4) * 4));
  device.queue.submit([encoder.finish()]);
  const out: ArrayBuffer[] = [];
  for (const s of staging) {
    await s.mapAsync(GPUMapMode.READ);
    out.push(s.getMappedRange().slice(0));
    s.destroy();
  }
  for (const b of [step, ...buffers]) b.destroy();
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32, shared with the probes), so a failing shape can be re-run. */
export { mulberry32 as rng } from '../../src/probes/random.ts';

export function randomF32(n: number, random: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}
