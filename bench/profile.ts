// Per-kernel GPU time of one forward pass: the engine's DispatchTimer hook gives each dispatch its own
// compute pass with a pair of timestamp queries; the times are summed by kernel name and set against the
// bytes and FLOPs each dispatch must move (costs.ts). A dispatch's own pass costs time of its own, so the
// same pass is also timed as the engine records it, each compute pass whole (PassTimer).
import type { DispatchTimer, Dispatch, PassTimer } from '../src/engine/gpu/kernels.ts';
import type { GpuModel, Head } from '../src/engine/gpu/model.ts';
import { readTimestamps } from './timestamps.ts';
import { dispatchCost, type MatrixCost, type ModelDims } from './costs.ts';

export interface KernelTime {
  kernel: string;
  calls: number;
  gpuMs: number;
  bytesRead: number;
  bytesWritten: number;
  flops: number;
  /** (read + written) / time. */
  gbPerSecond: number;
  gflopPerSecond: number;
  /** gbPerSecond ÷ the copy kernel's bandwidth. */
  fractionOfCopy?: number;
  /** gflopPerSecond ÷ the device's FP32 peak (absent when the peak is unknown). */
  fractionOfFp32Peak?: number;
}

export interface ForwardProfile {
  nTokens: number;
  pos0: number;
  /** Sum of the kernels' GPU times (the passes run back to back; gaps between them are not counted). */
  gpuMs: number;
  /**
   * The same forward pass recorded as the engine records it (one compute pass per phase), its passes'
   * GPU times summed; the median of WHOLE_PASS_REPETITIONS. gpuMs exceeds it by what a pass of its own
   * costs each dispatch.
   */
  wholePassGpuMs?: number;
  kernels: KernelTime[];
}

interface Recorded {
  label: string;
  file: string;
  nTokens: number;
  pos0: number;
  grid: readonly number[];
}

/** The kernel file a dispatch runs: its pipeline's label starts with it (kernels.ts's KernelCache). */
const kernelFile = (d: Dispatch) => d.pipeline.label.split('|')[0];

/** Hands out timestamp query pairs to dispatches, then reads the times back. */
class QueryTimer implements DispatchTimer {
  readonly recorded: Recorded[] = [];
  private readonly querySet: GPUQuerySet;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity: number,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * capacity });
  }

  timestampWrites(d: Dispatch, nTokens: number, pos0: number): GPUComputePassTimestampWrites {
    const i = this.recorded.length;
    if (i >= this.capacity) throw new Error(`more than ${this.capacity} dispatches in one profiled pass`);
    this.recorded.push({ label: d.label, file: kernelFile(d), nTokens, pos0, grid: d.grid(nTokens, pos0) });
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Nanoseconds of each recorded dispatch, in order. */
  async durations(): Promise<number[]> {
    const stamps = await readTimestamps(this.device, this.querySet, 2 * this.recorded.length);
    this.querySet.destroy();
    return this.recorded.map((_, i) => Math.max(0, Number(stamps[2 * i + 1] - stamps[2 * i])));
  }
}

/** Hands out a timestamp query pair to each compute pass, then sums the times of each forward's passes. */
class WholePassTimer implements PassTimer {
  private passes = 0;
  private readonly firstPassOf: number[] = [];
  private readonly querySet: GPUQuerySet;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity: number,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * capacity });
  }

  /** Call before each forward pass: the passes from here on are its own. */
  nextForward(): void {
    this.firstPassOf.push(this.passes);
  }

  passTimestampWrites(): GPUComputePassTimestampWrites {
    const i = this.passes++;
    if (i >= this.capacity) throw new Error(`more than ${this.capacity} timed compute passes`);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Milliseconds of each forward pass (its compute passes' times summed), in order. */
  async forwardMs(): Promise<number[]> {
    const stamps = await readTimestamps(this.device, this.querySet, 2 * this.passes);
    this.querySet.destroy();
    const passMs = (i: number) => Math.max(0, Number(stamps[2 * i + 1] - stamps[2 * i])) / 1e6;
    return this.firstPassOf.map((first, f) => {
      let ms = 0;
      for (let i = first; i < (this.firstPassOf[f + 1] ?? this.passes); i++) ms += passMs(i);
      return ms;
    });
  }
}

const WHOLE_PASS_REPETITIONS = 7;

/** GPU ms of a forward pass as the engine records it: the median of WHOLE_PASS_REPETITIONS, each passes' times summed. */
export async function timeWholePasses(device: GPUDevice, model: GpuModel, tokens: number[], pos0: number, head: Head): Promise<number> {
  const timer = new WholePassTimer(device, 2 * WHOLE_PASS_REPETITIONS); // a forward records at most two passes: layers, sample head
  for (let r = 0; r < WHOLE_PASS_REPETITIONS; r++) {
    timer.nextForward();
    model.forward(tokens, pos0, head, { timer });
    if (head === 'sample') await model.readSampled();
  }
  const ms = (await timer.forwardMs()).sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

/** Whether timestamp queries are available (the engine asks for them when the adapter has them). */
export const canProfile = (device: GPUDevice) => device.features.has('timestamp-query');

/**
 * Runs one forward pass of `tokens` at `pos0` with every dispatch timed. The KV cache is written as in any
 * pass; the caller chooses positions that do not disturb what it measures next.
 */
export async function profileForward(
  device: GPUDevice,
  model: GpuModel,
  tokens: number[],
  pos0: number,
  head: Head,
  dims: ModelDims,
  matrices: Map<string, MatrixCost>,
): Promise<ForwardProfile> {
  const timer = new QueryTimer(device, 2048);
  model.forward(tokens, pos0, head, { timer });
  if (head === 'sample') await model.readSampled(); // the pass copied the id to the read-back buffer: release it
  const ns = await timer.durations();
  const byKernel = new Map<string, KernelTime>();
  let attentionGrid: readonly number[] = [1, 1, 1];
  timer.recorded.forEach((r, i) => {
    if (r.label === 'attention') attentionGrid = r.grid;
    const cost = dispatchCost(r.label, r.nTokens, r.pos0, r.label === 'attention_combine' ? attentionGrid : r.grid, dims, matrices);
    // a dispatch labelled after one kernel but running another file (a decode step's matvec.wgsl) says so
    const name = r.file === `${r.label.split(' ')[0]}.wgsl` ? cost.kernel : `${cost.kernel} [${r.file}]`;
    const k = byKernel.get(name) ?? {
      kernel: name,
      calls: 0,
      gpuMs: 0,
      bytesRead: 0,
      bytesWritten: 0,
      flops: 0,
      gbPerSecond: 0,
      gflopPerSecond: 0,
    };
    k.calls++;
    k.gpuMs += ns[i] / 1e6;
    k.bytesRead += cost.bytesRead;
    k.bytesWritten += cost.bytesWritten;
    k.flops += cost.flops;
    byKernel.set(name, k);
  });
  const kernels = [...byKernel.values()].sort((a, b) => b.gpuMs - a.gpuMs);
  for (const k of kernels) {
    const seconds = k.gpuMs / 1000;
    k.gbPerSecond = seconds > 0 ? (k.bytesRead + k.bytesWritten) / seconds / 1e9 : 0;
    k.gflopPerSecond = seconds > 0 ? k.flops / seconds / 1e9 : 0;
  }
  return { nTokens: tokens.length, pos0, gpuMs: kernels.reduce((s, k) => s + k.gpuMs, 0), kernels };
}

/** Sets each kernel's achieved rates against the copy bandwidth and (when known) the FP32 peak. */
export function rateAgainst(profile: ForwardProfile, copyGbPerSecond: number, fp32PeakTflops: number | null): ForwardProfile {
  for (const k of profile.kernels) {
    k.fractionOfCopy = k.gbPerSecond / copyGbPerSecond;
    if (fp32PeakTflops) k.fractionOfFp32Peak = k.gflopPerSecond / (fp32PeakTflops * 1000);
  }
  return profile;
}
