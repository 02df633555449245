// Kernel cases of shaders/attention_prefill_tiled.wgsl (the 64-row × 32-key tiled prompt attention)
// against the CPU reference's attention, one query token at a time, on seeded random shapes chosen to
// reach every path of the kernel: grouped heads (1, 2, 3 and 4 query heads per kv head; 3 makes one
// token's heads straddle two workgroups), several workgroups of rows, blocks starting at position 0
// and past it, row counts that are no multiple of 64, key ranges that are no multiple of 32, head_dim
// 8 / 64 / 128 (the fast shapes), 18 (a partial score chunk and a partial dim quad) and 256 (V staged 8
// keys at a time, 4 dim quads per thread). Each shape runs on both KV cache layouts. Listed in
// tests/helpers/kernel-cases.ts, so it runs on Dawn in Node and in Chromium like every other kernel case.
import { attention, roundToF16 } from '../../src/engine/reference.ts';
import type { KvCacheType } from '../../src/engine/types.ts';
import { f32ToF16 } from '../../src/gguf/index.ts';
import { randomInt } from '../../src/probes/random.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';

const KERNEL = 'attention_prefill_tiled.wgsl';
const ROWS_PER_WORKGROUP = 64;
/** Written over the whole output first: values outside the block's rows must keep it. */
const UNTOUCHED = 1234.5;

interface Shape {
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Inclusive ranges the seeded generator draws the block's length and first position from. */
  tokens: [number, number];
  pos0: [number, number];
}

const SHAPES: readonly Shape[] = [
  { heads: 4, kvHeads: 4, headDim: 64, tokens: [65, 90], pos0: [20, 60] }, // no grouping, 2 row workgroups per head
  { heads: 4, kvHeads: 2, headDim: 128, tokens: [33, 50], pos0: [1, 40] }, // 2 heads per kv head
  { heads: 8, kvHeads: 2, headDim: 8, tokens: [17, 40], pos0: [0, 0] }, // 4 heads per kv head, the prompt's first block
  { heads: 6, kvHeads: 2, headDim: 18, tokens: [22, 40], pos0: [30, 70] }, // 3 heads per kv head
  { heads: 2, kvHeads: 1, headDim: 256, tokens: [3, 9], pos0: [25, 45] },
];

/** A random cache (kv_heads, context, head_dim) as `layout` stores it, and the values it holds (f16: rounded). */
function randomCache(n: number, random: () => number, layout: KvCacheType): { data: ArrayBufferView; values: Float32Array } {
  const values = randomF32(n, random);
  if (layout === 'f32') return { data: values, values };
  roundToF16(values);
  // pack2x16float: dim 2i in the low half of word i, i.e. element 2i of a little-endian Uint16Array
  return { data: Uint16Array.from(values, (x) => f32ToF16(x)), values };
}

const roundUp8 = (n: number) => Math.ceil(n / 8) * 8;

export const tiledPrefillAttentionCases: readonly KernelCase[] = SHAPES.flatMap((shape, s) =>
  (['f32', 'f16'] as const).map((layout): KernelCase => {
    const { heads, kvHeads, headDim } = shape;
    const name =
      `${KERNEL}, ${layout} cache: ${heads} q / ${kvHeads} kv heads of ${headDim}, random block and start, equals the reference ` +
      `and writes nothing else (|err| ≤ 1e-5·max|v| = 1e-5)`;
    return {
      kernel: KERNEL,
      name,
      run: async (device) => {
        const random = rng(900 + s);
        const tokens = randomInt(random, ...shape.tokens);
        const pos0 = randomInt(random, ...shape.pos0);
        const context = pos0 + tokens + randomInt(random, 0, 5); // cache rows past the block exist, unread
        const width = heads * headDim;
        const qStride = roundUp8(width) + 8; // padded, as the engine's buffers are, and unlike the output's
        const outStride = roundUp8(width) + 16;
        const q = randomF32(tokens * qStride, random, 2);
        const kCache = randomCache(kvHeads * context * headDim, random, layout);
        const vCache = randomCache(kvHeads * context * headDim, random, layout);
        const group = heads / kvHeads;
        const [out] = await runKernelOn(device, {
          kernel: KERNEL,
          kvCache: layout,
          step: { n_tokens: tokens, pos0 },
          constants: {
            HEADS: heads,
            KV_HEADS: kvHeads,
            HEAD_DIM: headDim,
            CONTEXT: context,
            Q_STRIDE: qStride,
            OUT_STRIDE: outStride,
            SCALE: 1 / Math.sqrt(headDim),
          },
          bindings: [
            { data: q },
            { data: kCache.data },
            { data: vCache.data },
            { outBytes: tokens * outStride * 4, init: new Float32Array(tokens * outStride).fill(UNTOUCHED) },
          ],
          grid: [Math.ceil((tokens * group) / ROWS_PER_WORKGROUP), kvHeads, 1],
        });
        const gpu = new Float32Array(out);
        const check = new ErrorTracker(
          `${heads} q / ${kvHeads} kv heads of ${headDim}, ${tokens} tokens from position ${pos0}, context ${context}`,
        );
        const ref = new Float32Array(width);
        for (let t = 0; t < tokens; t++) {
          // |v| ≤ 1, and each output is a convex combination of values
          attention(
            ref,
            q.subarray(t * qStride, t * qStride + width),
            kCache.values,
            vCache.values,
            heads,
            kvHeads,
            headDim,
            context,
            pos0 + t,
          );
          ref.forEach((v, i) =>
            check.compare(gpu[t * outStride + i], v, 1e-5, `token ${t} head ${Math.floor(i / headDim)} dim ${i % headDim}`),
          );
          for (let i = width; i < outStride; i++) check.compare(gpu[t * outStride + i], UNTOUCHED, 0, `token ${t} padding ${i}`);
        }
        return check.result(name);
      },
    };
  }),
);
