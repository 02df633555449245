// One head's full attention map on the GPU (ProbeHooks.attentionMap), for short inputs: a forward pass
// over the ids in which the chosen layer runs attention_map.wgsl right after its rope_store. The map
// buffer (tokens²) grows on demand, rebuilding its bind groups; the pipeline and uniform are made once.
import type { LlamaConfig } from '../model-config.ts';
import { storageBuffer, uniformBuffer } from './device.ts';
import { bindGroup, type Dispatch, type KernelCache } from './kernels.ts';
import type { GpuModel } from './model.ts';
import { clearBuffer, readBuffer } from './readback.ts';
import { requireVec4Heads } from './probe-stats.ts';
import { MAX_MAP_TOKENS } from '../probe-hooks.ts';

export class AttentionMapPass {
  private map: GPUBuffer | null = null;
  /** Per layer: its map dispatch and the layer list with it, built when the map buffer is (re)made. */
  private layerLists: Dispatch[][] = [];
  private readonly target: GPUBuffer;

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipeline: GPUComputePipeline,
    private readonly c: LlamaConfig,
    private readonly model: GpuModel,
  ) {
    this.target = uniformBuffer(device, 16, 'attention map: head and width');
  }

  static async create(device: GPUDevice, kernels: KernelCache, c: LlamaConfig, model: GpuModel): Promise<AttentionMapPass> {
    requireVec4Heads(c);
    const pipeline = await kernels.pipeline(
      'attention_map.wgsl',
      {
        HEADS: c.heads,
        KV_HEADS: c.kvHeads,
        HEAD_DIM: c.headDim,
        CONTEXT: model.context,
        Q_STRIDE: model.probeAccess.qStride,
        SCALE: 1 / Math.sqrt(c.headDim),
      },
      { kvCache: model.kvCache.dtype },
    );
    return new AttentionMapPass(device, pipeline, c, model);
  }

  /** The (n, n) softmax weights of (layer, head) for `ids` from position 0, zeros above the diagonal. */
  async run(ids: number[], layer: number, head: number, isCancelled: () => boolean): Promise<Float32Array> {
    const { c, model, device } = this;
    if (!Number.isInteger(layer) || layer < 0 || layer >= c.layers || !Number.isInteger(head) || head < 0 || head >= c.heads)
      throw new RangeError(`no layer ${layer} head ${head} in ${c.layers} layers × ${c.heads} heads`);
    if (ids.length > model.context) throw new Error(`the input has ${ids.length} tokens; the context holds ${model.context}`);
    if (ids.length > MAX_MAP_TOKENS)
      throw new RangeError(`a full attention map needs an input of at most ${MAX_MAP_TOKENS} tokens, this one has ${ids.length}`);
    const n = ids.length;
    const bytes = n * n * 4;
    this.ensureMap(bytes);
    device.queue.writeBuffer(this.target, 0, Uint32Array.of(head, n, 0, 0));
    clearBuffer(device, this.map!, bytes);
    for (let i = 0; i < n; i += model.batch) {
      if (i > 0) await model.idle();
      if (isCancelled()) throw new Error('the attention map was cancelled');
      model.forward(ids.slice(i, i + model.batch), i, 'none', { layers: this.layerLists[layer] });
    }
    return new Float32Array(await readBuffer(device, this.map!, bytes, 'attention map readback'));
  }

  private ensureMap(bytes: number): void {
    if (this.map && this.map.size >= bytes) return;
    this.map?.destroy();
    this.map = storageBuffer(this.device, bytes, 'attention map (tokens, tokens)');
    const { step, q, kCache } = this.model.probeAccess;
    this.layerLists = kCache.map((k, layer) => {
      const dispatch: Dispatch = {
        label: `attention_map ${layer}`,
        pipeline: this.pipeline,
        bindGroup: bindGroup(this.device, this.pipeline, [step, this.target, q, k, this.map!], `attention_map ${layer}`),
        grid: (nTokens) => [nTokens, 1, 1],
      };
      return this.model.layersWith((l, at) => (l === layer && at === 'afterRope' ? [dispatch] : []));
    });
  }

  destroy(): void {
    this.map?.destroy();
    this.target.destroy();
  }
}
