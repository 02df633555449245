// Compute pipelines, made once at load time: one per (kernel file, weight type, KV cache layout, override
// constants), shared between the layers that have the same shapes.
import { composeKernel, readsKvCache, type KernelVariant, type ShaderLibrary } from './shader-library.ts';

export type Constants = Record<string, number | boolean>;

export class KernelCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(
    private readonly device: GPUDevice,
    private readonly lib: ShaderLibrary,
  ) {}

  /** The pipeline of `kernel` (e.g. 'matmul.wgsl') for override constants and a weight type / KV cache layout. */
  pipeline(kernel: string, constants: Constants, variant: KernelVariant = {}): Promise<GPUComputePipeline> {
    const kv = readsKvCache(kernel) ? (variant.kvCache ?? '') : '';
    const moduleKey = `${kernel}|${variant.weightType ?? ''}|${kv}`;
    const key = `${moduleKey}|${JSON.stringify(constants)}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(moduleKey);
      if (!module) {
        module = this.device.createShaderModule({ label: moduleKey, code: composeKernel(this.lib, kernel, variant) });
        this.modules.set(moduleKey, module);
      }
      const numeric = Object.fromEntries(Object.entries(constants).map(([k, v]) => [k, Number(v)]));
      // createComputePipelineAsync crashes Dawn's Node binding (webgpu 0.6.2) here; errors come through an error scope.
      this.device.pushErrorScope('validation');
      const created = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint: 'main', constants: numeric },
      });
      const compiled = module;
      pipeline = this.device.popErrorScope().then(async (error) => {
        if (!error) return created;
        const info = await compiled.getCompilationInfo();
        const messages = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
        throw new Error(`kernel ${kernel} failed to compile: ${messages || error.message}`);
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}

/** A recorded dispatch: pipeline, its bind group (made once) and the grid, which may depend on the step. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: (nTokens: number, pos0: number) => [number, number, number];
}

export function bindGroup(device: GPUDevice, pipeline: GPUComputePipeline, buffers: GPUBuffer[], label: string): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/** WebGPU's guaranteed workgroups per grid dimension: a larger grid invalidates the whole command buffer, silently. */
export const MAX_GROUPS_PER_DIMENSION = 65535;

export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: Dispatch[], nTokens: number, pos0: number): void {
  for (const d of dispatches) {
    const [x, y, z] = d.grid(nTokens, pos0);
    if (x === 0 || y === 0 || z === 0) continue;
    if (Math.max(x, y, z) > MAX_GROUPS_PER_DIMENSION)
      throw new Error(
        `dispatch ${d.label}: grid ${x}×${y}×${z} exceeds ${MAX_GROUPS_PER_DIMENSION} workgroups per dimension (${nTokens} tokens)`,
      );
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(x, y, z);
  }
}

/** Workgroups for `n` threads of 64. */
export const groupsOf64 = (n: number) => Math.ceil(n / 64);

/** The grid of `groups` workgroups as x·y, y > 1 only past the per-dimension limit (kernels flatten wg.x + wg.y·x). */
export const grid2d = (groups: number): [number, number, number] => [
  Math.min(groups, MAX_GROUPS_PER_DIMENSION),
  Math.ceil(groups / MAX_GROUPS_PER_DIMENSION),
  1,
];

/**
 * Profiling (the benchmark, bench/): timestamps can only be written at the start and end of a compute
 * pass, so a timed forward pass gives each dispatch a pass of its own and asks the timer where to write.
 */
export interface DispatchTimer {
  timestampWrites(dispatch: Dispatch, nTokens: number, pos0: number): GPUComputePassTimestampWrites;
}

/**
 * Profiling: times each compute pass whole, recorded as the engine records it (a dispatch's own pass
 * costs time that the dispatches of one pass do not pay: the sum by DispatchTimer overstates a step).
 */
export interface PassTimer {
  passTimestampWrites(): GPUComputePassTimestampWrites;
}

/** Encodes `dispatches` in one compute pass (timed whole with a PassTimer), or with a DispatchTimer one timed pass per dispatch. */
export function encodePass(
  encoder: GPUCommandEncoder,
  dispatches: Dispatch[],
  nTokens: number,
  pos0: number,
  timer?: DispatchTimer | PassTimer,
): void {
  if (!timer || 'passTimestampWrites' in timer) {
    const pass = encoder.beginComputePass(timer ? { timestampWrites: timer.passTimestampWrites() } : {});
    encodeDispatches(pass, dispatches, nTokens, pos0);
    pass.end();
    return;
  }
  for (const d of dispatches) {
    if (d.grid(nTokens, pos0).includes(0)) continue;
    const pass = encoder.beginComputePass({ timestampWrites: timer.timestampWrites(d, nTokens, pos0) });
    encodeDispatches(pass, [d], nTokens, pos0);
    pass.end();
  }
}
