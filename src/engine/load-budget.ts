// The whole cost of a load, estimated from the header before anything is read or allocated: weights as
// the GPU holds them, the KV cache, the forward pass's scratch buffers, and the CPU-side copies made
// while uploading. Each buffer is checked against the adapter's limits and the total against the
// machine's memory, so a corrupted tensor size or a context of a million positions is refused in one
// line with needed vs allowed bytes, not found out after gigabytes were allocated.
import type { GGUFFile } from '../gguf/index.ts';
import { checkBindingSize, formatBytes, maxBindingBytes, MemoryBudgetError, type HasBufferLimits } from './gpu/device.ts';
import { checkKernelShapes, checkKvCacheFits, kvCacheBytesPerLayer, scratchBytes } from './gpu/model.ts';
import { matrixShape, packedByteSize, uploadedByteSize } from './gpu/weights.ts';
import { GLOBAL_TENSORS, expectedShapes, layerTensorNames, type LlamaConfig } from './model-config.ts';
import type { KvCacheType, PromptAttention } from './types.ts';

/** What the machine has; WebGPU reports no GPU memory, so the machine's stands in for it. */
export interface MachineMemory {
  /** Bytes of memory (the smaller of the machine's and its container's limit). */
  total: number;
  /** Bytes available now, where known. */
  free?: number;
  /** Names the source in messages: "this machine", "navigator.deviceMemory". */
  source: string;
}

/** The weights' share of a load: what the GPU holds, and the most the CPU holds at once while uploading. */
export interface WeightFootprint {
  gpuBytes: number;
  cpuPeakBytes: number;
}

export interface LoadPlan {
  context: number;
  kvCache: KvCacheType;
  batch: number;
  promptAttention: PromptAttention;
}

export interface BudgetLimits {
  device: HasBufferLimits;
  /** null: not known (only the per-buffer limits apply). */
  memory: MachineMemory | null;
}

export interface LoadEstimate {
  weights: number;
  kvCache: number;
  scratch: number;
  cpuCopies: number;
  total: number;
}

/**
 * Sizes every weight buffer from the header (shapes and types; checkTensorShapes has passed) and checks
 * each against one storage binding, before a byte of tensor data is read.
 */
export function weightFootprint(file: GGUFFile, c: LlamaConfig, device: HasBufferLimits): WeightFootprint {
  const info = (name: string) => file.tensorsByName.get(name)!;
  let gpuBytes = 0;
  for (const name of expectedShapes(c).keys()) {
    const bytes = uploadedByteSize(info(name));
    checkBindingSize(device, bytes, `tensor ${name}`);
    gpuBytes += bytes;
  }
  // uploadStack keeps a group's packed matrices until the group is written, plus one raw read and
  // writeBuffer's staging copy of one; a single matrix is the group of one.
  const unit = (names: string[]) => {
    const tensors = names.map(info);
    const packed = tensors.map((t) => {
      const { rows, cols } = matrixShape(t);
      return packedByteSize(t.type, rows, cols);
    });
    return packed.reduce((a, b) => a + b, 0) + Math.max(...tensors.map((t) => t.byteSize)) + Math.max(...packed);
  };
  const l0 = layerTensorNames(0);
  const units = [[GLOBAL_TENSORS.embedding], [l0.wq, l0.wk, l0.wv], [l0.wo], [l0.wGate, l0.wUp], [l0.wDown]];
  if (!c.tiedOutput) units.push([GLOBAL_TENSORS.output]);
  // every layer has the shapes of layer 0 (checked), so layer 0 stands for all
  return { gpuBytes, cpuPeakBytes: Math.max(...units.map(unit)) };
}

/** The total of a load at `plan`, checked against the device's buffer limits and the machine's memory. */
export function checkLoadBudget(c: LlamaConfig, weights: WeightFootprint, plan: LoadPlan, limits: BudgetLimits): LoadEstimate {
  checkKernelShapes(c);
  const { device, memory } = limits;
  checkKvCacheFits(device, c, plan.context, plan.kvCache);
  checkBindingSize(device, plan.batch * c.vocabSize * 4, 'the logits buffer (batch × vocab)');
  checkBindingSize(device, plan.context * 4, `the score buffer for context ${plan.context}`);
  const scratch = scratchBytes(c, plan);
  if (scratch.readback > device.limits.maxBufferSize)
    throw new MemoryBudgetError(
      `the read-back buffer for context ${plan.context} needs ${formatBytes(scratch.readback)}, but this GPU allows at most ${formatBytes(device.limits.maxBufferSize)} per buffer`,
    );
  const kvCache = 2 * c.layers * kvCacheBytesPerLayer(c, plan.context, plan.kvCache);
  const estimate: LoadEstimate = {
    weights: weights.gpuBytes,
    kvCache,
    scratch: scratch.device + scratch.readback,
    cpuCopies: weights.cpuPeakBytes,
    total: weights.gpuBytes + kvCache + scratch.device + scratch.readback + weights.cpuPeakBytes,
  };
  if (!memory) return estimate;
  const allowed = allowedBytes(memory);
  if (estimate.total <= allowed.bytes) return estimate;
  const perPosition = kvCacheBytesPerLayer(c, 1, plan.kvCache) * 2 * c.layers + 8; // + score and read-back entries
  const fixed = estimate.total - plan.context * perPosition;
  const bindingContext = Math.floor(maxBindingBytes(device) / kvCacheBytesPerLayer(c, 1, plan.kvCache));
  const fits = Math.min(Math.floor((allowed.bytes - fixed) / perPosition), bindingContext);
  const advice = fits >= 2 ? `; a context of at most ${fits} fits` : '; the weights alone do not fit';
  throw new MemoryBudgetError(
    `a context of ${plan.context} positions needs ${estimate.total} bytes (${formatBytes(estimate.total)}: weights ${formatBytes(estimate.weights)}, ` +
      `${plan.kvCache} KV cache ${formatBytes(kvCache)}, scratch ${formatBytes(estimate.scratch)}, CPU-side copies ${formatBytes(estimate.cpuCopies)}), ` +
      `but ${allowed.bytes} bytes (${formatBytes(allowed.bytes)}) are allowed: ${allowed.why}${advice}`,
  );
}

/** The share of the machine's memory one load may take: the page, the browser and the system need the rest. */
export const MACHINE_SHARE = 0.5;

/** A load may take MACHINE_SHARE of the machine's memory, and no more than is free now. */
export function allowedBytes(memory: MachineMemory): { bytes: number; why: string } {
  const share = Math.floor(memory.total * MACHINE_SHARE);
  if (memory.free !== undefined && memory.free < share)
    return { bytes: Math.floor(memory.free), why: `the memory free now on ${memory.source}` };
  const part = MACHINE_SHARE === 0.5 ? 'half' : `${Math.round(MACHINE_SHARE * 100)}%`;
  return { bytes: share, why: `${part} of the ${formatBytes(memory.total)} of ${memory.source}` };
}

/** The browser's hint of the machine's memory (navigator.deviceMemory, GiB, Chrome caps it at 8), or null. */
export function browserMemory(): MachineMemory | null {
  const gib = (globalThis.navigator as { deviceMemory?: unknown } | undefined)?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? { total: gib * 2 ** 30, source: 'this device (navigator.deviceMemory)' } : null;
}
