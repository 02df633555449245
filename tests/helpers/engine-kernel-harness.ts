// Node side of the kernel runner: runKernel dispatches on the shared Dawn/SwiftShader test device.
import { testDevice } from './engine-helpers.ts';
import { runKernelOn, type KernelRun } from './engine-kernel-run.ts';

export { randomF32, rng, type Binding, type KernelRun } from './engine-kernel-run.ts';

export async function runKernel(opts: KernelRun): Promise<ArrayBuffer[]> {
  const { device } = await testDevice();
  return runKernelOn(device, opts);
}
