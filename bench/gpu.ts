// The GPU as the benchmark sees it: Dawn's GPU with every device's buffer allocations counted (peak GPU
// memory = the most bytes of buffers alive at once), and the type of the engine's loaded model. WebGPU has no
// memory query, and counting at createBuffer sees every allocation (weights, KV cache, activations,
// read-back and probe buffers) without the engine keeping books for a benchmark.
import type { WebGpuEngine } from '../src/engine/webgpu-engine.ts';

export interface MemoryCounter {
  /** Bytes of buffers created and not yet destroyed. */
  current: number;
  peak: number;
  /** Starts a new peak from what is allocated now (between models). */
  resetPeak(): void;
}

/** Wraps `gpu` so that each device it opens counts its buffers into `counter`. */
export function countingGpu(gpu: GPU, counter: MemoryCounter): GPU {
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options) => {
    const adapter = await requestAdapter(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = async (descriptor) => countBuffers(await requestDevice(descriptor), counter);
    return adapter;
  };
  return gpu;
}

function countBuffers(device: GPUDevice, counter: MemoryCounter): GPUDevice {
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor) => {
    const buffer = createBuffer(descriptor);
    counter.current += descriptor.size;
    counter.peak = Math.max(counter.peak, counter.current);
    const destroy = buffer.destroy.bind(buffer);
    let alive = true;
    buffer.destroy = () => {
      if (alive) counter.current -= descriptor.size;
      alive = false;
      destroy();
    };
    return buffer;
  };
  return device;
}

export function memoryCounter(): MemoryCounter {
  const counter: MemoryCounter = {
    current: 0,
    peak: 0,
    resetPeak: () => void (counter.peak = counter.current),
  };
  return counter;
}

/** What the benchmark drives directly: the engine's device and loaded model. */
export type LoadedEngine = ReturnType<WebGpuEngine['gpuInternals']>;
