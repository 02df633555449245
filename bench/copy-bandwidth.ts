// The device's streaming bandwidth: shaders/bench_copy.wgsl copying one large buffer into another, timed
// with timestamp queries when the device has them (wall clock around submit and completion otherwise).
// Reported as (bytes read + bytes written) / time, the convention of STREAM's copy.
import { KernelCache } from '../src/engine/gpu/kernels.ts';
import type { ShaderLibrary } from '../src/engine/gpu/shader-library.ts';
import { readTimestamps } from './timestamps.ts';

export interface CopyBandwidth {
  bytesCopied: number;
  repetitions: number;
  /** Median over the repetitions. */
  gbPerSecond: number;
  timing: 'timestamp-query' | 'wall clock';
}

const WORKGROUP = 256;
/** Enough workgroups to fill any GPU, each thread then loops a few times. */
const MAX_GROUPS = 65535;

export async function measureCopyBandwidth(
  device: GPUDevice,
  shaders: ShaderLibrary,
  bytes: number,
  repetitions: number,
): Promise<CopyBandwidth> {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const size = Math.floor(Math.min(bytes, limit) / 16) * 16;
  const pipeline = await new KernelCache(device, shaders).pipeline('bench_copy.wgsl', {});
  const usage = GPUBufferUsage.STORAGE;
  const src = device.createBuffer({ label: 'copy source', size, usage });
  const dst = device.createBuffer({ label: 'copy destination', size, usage });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: src } },
      { binding: 1, resource: { buffer: dst } },
    ],
  });
  const groups = Math.min(MAX_GROUPS, Math.ceil(size / 16 / WORKGROUP));
  const timed = device.features.has('timestamp-query');
  const querySet = timed ? device.createQuerySet({ type: 'timestamp', count: 2 * repetitions }) : null;
  const run = (rep: number) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass(
      querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * rep, endOfPassWriteIndex: 2 * rep + 1 } } : {},
    );
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups);
    pass.end();
    device.queue.submit([encoder.finish()]);
  };
  try {
    run(0); // warm-up: first touch of the pages, pipeline upload
    await device.queue.onSubmittedWorkDone();
    const seconds: number[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      const t = performance.now();
      run(rep);
      await device.queue.onSubmittedWorkDone();
      seconds.push((performance.now() - t) / 1000);
    }
    if (querySet) {
      const stamps = await readTimestamps(device, querySet, 2 * repetitions);
      for (let rep = 0; rep < repetitions; rep++) seconds[rep] = Number(stamps[2 * rep + 1] - stamps[2 * rep]) / 1e9;
    }
    const median = seconds.sort((a, b) => a - b)[Math.floor(repetitions / 2)];
    return { bytesCopied: size, repetitions, gbPerSecond: (2 * size) / median / 1e9, timing: querySet ? 'timestamp-query' : 'wall clock' };
  } finally {
    src.destroy();
    dst.destroy();
    querySet?.destroy();
  }
}
