// The attention-over-distance probe on the GPU (ProbeHooks.attentionStats): a scoring pass over the ids in
// which every layer, right after its rope_store, runs attention_stats.wgsl over the batch's rotated q and
// the layer's K cache — one workgroup per (head, query), each writing its query's cell to a scratch buffer
// — then attention_stats_reduce.wgsl, which adds those cells into the stats in query order. Pipelines,
// buffers and bind groups are made on the first call and kept (the scratch is sized once for the largest
// batch; the stats buffer grows, rebuilding its bind groups, only when a call needs more cells); plain
// forward passes never see any of it.
import { binIndex, distanceBucketCount } from '../bins.ts';
import { emptyAttentionStats, type AttentionStats } from '../probe-hooks.ts';
import type { LlamaConfig } from '../model-config.ts';
import { storageBuffer, uniformBuffer } from './device.ts';
import { bindGroup, groupsOf64, type Dispatch, type KernelCache } from './kernels.ts';
import type { GpuModel } from './model.ts';
import { clearBuffer, readBuffer } from './readback.ts';

/** Floats per (layer, head, bin) cell after the bucket masses: entropy, sink. */
const EXTRA_SLOTS = 2;

/** Floats of a cell at most: the buckets of an input that fills the context, entropy and sink. */
const maxSlots = (model: GpuModel) => distanceBucketCount(model.context) + EXTRA_SLOTS;

/** lib/row_score.wgsl reads keys as vec4: true of every Llama-family model, but checked rather than assumed. */
export function requireVec4Heads(c: LlamaConfig): void {
  if (c.headDim % 4 !== 0) throw new Error(`the attention probes need a head dimension divisible by 4, this model's is ${c.headDim}`);
}

export class AttentionStatsPass {
  private stats: GPUBuffer | null = null;
  private layers: Dispatch[] = [];
  private readonly binOf: GPUBuffer;
  private readonly queryCells: GPUBuffer;
  private readonly layerInfo: GPUBuffer[];

  private constructor(
    private readonly device: GPUDevice,
    private readonly perQuery: GPUComputePipeline,
    private readonly reduce: GPUComputePipeline,
    private readonly c: LlamaConfig,
    private readonly model: GpuModel,
  ) {
    this.binOf = storageBuffer(device, model.context * 4, 'attention stats: bin of each query position');
    this.queryCells = storageBuffer(
      device,
      model.batch * c.heads * maxSlots(model) * 4,
      'attention stats: per-query cells (batch, heads, slots)',
    );
    this.layerInfo = Array.from({ length: c.layers }, (_, l) => uniformBuffer(device, 16, `attention stats: layer ${l} info`));
  }

  static async create(device: GPUDevice, kernels: KernelCache, c: LlamaConfig, model: GpuModel): Promise<AttentionStatsPass> {
    requireVec4Heads(c);
    const perQuery = await kernels.pipeline(
      'attention_stats.wgsl',
      {
        HEADS: c.heads,
        KV_HEADS: c.kvHeads,
        HEAD_DIM: c.headDim,
        CONTEXT: model.context,
        Q_STRIDE: model.probeAccess.qStride,
        SCALE: 1 / Math.sqrt(c.headDim),
        MAX_SLOTS: maxSlots(model),
      },
      { kvCache: model.kvCache.dtype },
    );
    const reduce = await kernels.pipeline('attention_stats_reduce.wgsl', { HEADS: c.heads });
    return new AttentionStatsPass(device, perQuery, reduce, c, model);
  }

  /** Runs `ids` from position 0 through the model with the stats kernel in every layer (see ../probe-hooks.ts). */
  async run(ids: number[], queryBinEdges: number[] | undefined, isCancelled: () => boolean): Promise<AttentionStats> {
    const { c, model, device } = this;
    if (ids.length > model.context) throw new Error(`the input has ${ids.length} tokens; the context holds ${model.context}`);
    const result = emptyAttentionStats({ layers: c.layers, heads: c.heads, tokens: ids.length, queryBinEdges });
    const bins = result.queryBinEdges.length - 1;
    const buckets = distanceBucketCount(ids.length);
    const slots = buckets + EXTRA_SLOTS;
    const bytes = c.layers * c.heads * bins * slots * 4;
    this.ensureStats(bytes);
    device.queue.writeBuffer(
      this.binOf,
      0,
      Uint32Array.from(ids, (_, pos) => binIndex(result.queryBinEdges, pos)),
    );
    // StatsLayer (shaders/lib/stats_layer.wgsl): layer, query bins, distance buckets, padding
    this.layerInfo.forEach((b, layer) => device.queue.writeBuffer(b, 0, Uint32Array.of(layer, bins, buckets, 0)));
    clearBuffer(device, this.stats!, bytes);

    for (let i = 0; i < ids.length; i += model.batch) {
      if (i > 0) await model.idle();
      if (isCancelled()) throw new Error('the attention statistics were cancelled');
      model.forward(ids.slice(i, i + model.batch), i, 'none', { layers: this.layers });
    }
    const cells = new Float32Array(await readBuffer(device, this.stats!, bytes, 'attention stats readback'));
    for (let cell = 0; cell < c.layers * c.heads * bins; cell++) {
      result.bucketMass.set(cells.subarray(cell * slots, cell * slots + buckets), cell * buckets);
      result.entropy[cell] = cells[cell * slots + buckets];
      result.sinkMass[cell] = cells[cell * slots + buckets + 1];
    }
    return result;
  }

  private ensureStats(bytes: number): void {
    if (this.stats && this.stats.size >= bytes) return;
    this.stats?.destroy();
    this.stats = storageBuffer(this.device, bytes, 'attention stats (layers, heads, bins, buckets + 2)');
    const { step, q, kCache } = this.model.probeAccess;
    const heads = this.c.heads;
    const perLayer = kCache.map((k, layer): Dispatch[] => [
      {
        label: `attention_stats ${layer}`,
        pipeline: this.perQuery,
        bindGroup: bindGroup(this.device, this.perQuery, [step, this.layerInfo[layer], q, k, this.queryCells], `attention_stats ${layer}`),
        grid: (nTokens) => [heads, nTokens, 1],
      },
      {
        label: `attention_stats_reduce ${layer}`,
        pipeline: this.reduce,
        bindGroup: bindGroup(
          this.device,
          this.reduce,
          [step, this.layerInfo[layer], this.queryCells, this.binOf, this.stats!],
          `attention_stats_reduce ${layer}`,
        ),
        grid: () => [groupsOf64(heads * maxSlots(this.model)), 1, 1],
      },
    ]);
    this.layers = this.model.layersWith((layer, at) => (at === 'afterRope' ? perLayer[layer] : []));
  }

  destroy(): void {
    for (const b of [this.stats, this.binOf, this.queryCells, ...this.layerInfo]) b?.destroy();
  }
}
