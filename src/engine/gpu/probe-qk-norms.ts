// Which rotary pairs a head uses, on the GPU (ProbeHooks.qkPairNorms): a forward pass over the ids in
// which every layer runs qk_pair_norms.wgsl between its q/k projections and rope_store. Pipeline, sums
// buffer, uniforms and bind groups are made on the first call and kept; plain passes never see them.
import { emptyQkPairNorms, type QkPairNorms } from '../probe-hooks.ts';
import type { LlamaConfig } from '../model-config.ts';
import { groupsOf64, bindGroup, type Dispatch, type KernelCache } from './kernels.ts';
import { storageBuffer, uniformBuffer } from './device.ts';
import type { GpuModel } from './model.ts';
import { clearBuffer, readBuffer } from './readback.ts';

export class QkPairNormsPass {
  private readonly layers: Dispatch[];
  private readonly buffers: GPUBuffer[];

  private constructor(
    private readonly device: GPUDevice,
    pipeline: GPUComputePipeline,
    private readonly c: LlamaConfig,
    private readonly model: GpuModel,
    private readonly sums: GPUBuffer,
  ) {
    const { step, q, k } = model.probeAccess;
    const threads = (c.heads + c.kvHeads) * (c.headDim / 2);
    const layerInfo = Array.from({ length: c.layers }, (_, l) => {
      const b = uniformBuffer(device, 16, `qk pair norms: layer ${l}`);
      device.queue.writeBuffer(b, 0, Uint32Array.of(l, 0, 0, 0));
      return b;
    });
    const perLayer = layerInfo.map((info, l): Dispatch => ({
      label: `qk_pair_norms ${l}`,
      pipeline,
      bindGroup: bindGroup(device, pipeline, [step, info, q, k, sums], `qk_pair_norms ${l}`),
      grid: () => [groupsOf64(threads), 1, 1],
    }));
    this.layers = model.layersWith((l, at) => (at === 'beforeRope' ? [perLayer[l]] : []));
    this.buffers = [sums, ...layerInfo];
  }

  static async create(device: GPUDevice, kernels: KernelCache, c: LlamaConfig, model: GpuModel): Promise<QkPairNormsPass> {
    const pipeline = await kernels.pipeline('qk_pair_norms.wgsl', {
      HEADS: c.heads,
      KV_HEADS: c.kvHeads,
      HEAD_DIM: c.headDim,
      LAYERS: c.layers,
      Q_STRIDE: model.probeAccess.qStride,
      KV_STRIDE: model.probeAccess.kvStride,
      NEOX: c.pairing === 'neox',
    });
    const sums = storageBuffer(device, c.layers * (c.heads + c.kvHeads) * (c.headDim / 2) * 4, 'qk pair norm sums (q then k)');
    return new QkPairNormsPass(device, pipeline, c, model, sums);
  }

  /** Mean pair norms over the positions of `ids` (see ../probe-hooks.ts); `rotatedPairs` of the current RoPE. */
  async run(ids: number[], rotatedPairs: number, isCancelled: () => boolean): Promise<QkPairNorms> {
    const { c, model, device } = this;
    if (ids.length > model.context) throw new Error(`the input has ${ids.length} tokens; the context holds ${model.context}`);
    // NEOX pairs (i, i + R) depend on the rotated count R; the kernel pairs (i, i + head_dim/2)
    if (c.pairing === 'neox' && rotatedPairs !== c.headDim / 2)
      throw new Error(
        `the q/k pair norms of NEOX pairs under partial rotary (${rotatedPairs} of ${c.headDim / 2} pairs) are not implemented`,
      );
    const result = emptyQkPairNorms(c.layers, c.heads, c.kvHeads, c.headDim, rotatedPairs);
    clearBuffer(device, this.sums, this.sums.size);
    for (let i = 0; i < ids.length; i += model.batch) {
      if (i > 0) await model.idle();
      if (isCancelled()) throw new Error('the q/k pair norms were cancelled');
      model.forward(ids.slice(i, i + model.batch), i, 'none', { layers: this.layers });
    }
    const bytes = (result.q.length + result.k.length) * 4;
    const sums = new Float32Array(await readBuffer(device, this.sums, bytes, 'qk pair norms readback'));
    result.tokens = ids.length;
    result.q.set(sums.subarray(0, result.q.length).map((x) => x / ids.length));
    result.k.set(sums.subarray(result.q.length).map((x) => x / ids.length));
    return result;
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
