// Each WGSL kernel against the CPU reference's ops (src/engine/reference.ts) on seeded random shapes,
// as plain functions of a device: tests/engine/kernels.test.ts runs them on Dawn in Node,
// e2e/kernels.spec.ts in Chromium (e2e/fixtures/kernels.html). No Node or Vitest imports here.
// Tolerances are stated in each name, relative to the scale of the values involved.
import { ROW_ALIGN, roundUp, repack } from '../../src/engine/gpu/weights.ts';
import { applyRope, attention, logProb, rmsnorm, roundToF16, swiglu } from '../../src/engine/reference.ts';
import type { RotationPairing } from '../../src/engine/architectures.ts';
import type { KvCacheType } from '../../src/engine/types.ts';
import { GGMLType, dequantize, f16ToF32, f32ToF16, ggmlTypeName, typeInfo } from '../../src/gguf/index.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { tiledPrefillAttentionCases } from './kernel-cases-attention-tiled.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';
import { randomTensor } from './engine-random-tensors.ts';
import { matmulPartialsCase, matmulTiledCases } from './kernel-cases-matmul-tiled.ts';
import { decodeMatvecCases } from './kernel-cases-matvec.ts';
import { biasAddCase, headRmsnormCase } from './kernel-cases-families.ts';

const WEIGHT_TYPES = [
  GGMLType.F32,
  GGMLType.F16,
  GGMLType.BF16,
  GGMLType.Q8_0,
  GGMLType.Q4_0,
  GGMLType.Q4_1,
  GGMLType.Q5_0,
  GGMLType.Q4_K,
  GGMLType.Q5_K,
  GGMLType.Q6_K,
];

const matmulCases = WEIGHT_TYPES.map((type, i): KernelCase => {
  const name = `matmul.wgsl ${ggmlTypeName(type)}: random shape equals dequantize + CPU matmul (|err| ≤ 1e-5·Σ|w·x|)`;
  return {
    kernel: 'matmul.wgsl',
    name,
    run: async (device) => {
      const random = rng(100 + i);
      const block = typeInfo(type).blockSize;
      const cols = block === 1 ? 5 + Math.floor(random() * 90) : block * (1 + Math.floor(random() * (block === 256 ? 3 : 6)));
      const rows = 3 + Math.floor(random() * 70);
      const tokens = 1 + Math.floor(random() * 11); // crosses the 8-token tile
      const bytes = randomTensor(type, rows * cols, random);
      const w = dequantize(type, bytes, rows * cols);
      const packed = repack('w', type, bytes, rows, cols);
      const stride = roundUp(cols, ROW_ALIGN);
      const x = new Float32Array(tokens * stride);
      for (let t = 0; t < tokens; t++) x.set(randomF32(cols, random), t * stride);
      const y0 = randomF32(tokens * rows, random);
      const check = new ErrorTracker(`${rows}×${cols} weights, ${tokens} tokens`);
      for (const [tpr, accumulate] of [
        [1, false],
        [8, true],
      ] as const) {
        const [out] = await runKernelOn(device, {
          kernel: 'matmul.wgsl',
          weightType: packed.type,
          step: { n_tokens: tokens },
          constants: {
            TPR: tpr,
            CHUNKS: packed.chunks,
            ROWS: rows,
            ROW_WORDS: packed.rowWords,
            IN_STRIDE: stride,
            OUT_STRIDE: rows,
            ACCUMULATE: accumulate,
          },
          bindings: [{ data: packed.data }, { data: x }, { outBytes: tokens * rows * 4, init: y0 }],
          grid: [Math.ceil(rows / (64 / tpr)), 1, Math.ceil(tokens / 8)],
        });
        const y = new Float32Array(out);
        for (let t = 0; t < tokens; t++)
          for (let r = 0; r < rows; r++) {
            let dot = accumulate ? y0[t * rows + r] : 0;
            let scale = Math.abs(dot);
            for (let c = 0; c < cols; c++) {
              dot += w[r * cols + c] * x[t * stride + c];
              scale += Math.abs(w[r * cols + c] * x[t * stride + c]);
            }
            check.compare(y[t * rows + r], dot, 1e-5 * scale + 1e-30, `TPR ${tpr} token ${t} row ${r}`);
          }
      }
      return check.result(name);
    },
  };
});

const matvecCases = WEIGHT_TYPES.map((type, i): KernelCase => {
  const name = `matvec.wgsl ${ggmlTypeName(type)}: one token, random shape equals dequantize + CPU matvec (|err| ≤ 1e-5·Σ|w·x|)`;
  return {
    kernel: 'matvec.wgsl',
    name,
    run: async (device) => {
      const random = rng(200 + i);
      const block = typeInfo(type).blockSize;
      // rows past one workgroup's 8, and rows long enough for the 4-chunk unrolled steps plus a remainder
      const cols =
        block === 1
          ? 8 * (40 + Math.floor(random() * 30)) + 3
          : block * (block === 256 ? 2 + Math.floor(random() * 3) : 9 + Math.floor(random() * 8));
      const rows = 9 + Math.floor(random() * 40);
      const bytes = randomTensor(type, rows * cols, random);
      const w = dequantize(type, bytes, rows * cols);
      const packed = repack('w', type, bytes, rows, cols);
      const x = new Float32Array(roundUp(cols, ROW_ALIGN));
      x.set(randomF32(cols, random));
      const y0 = randomF32(rows, random);
      const check = new ErrorTracker(`${rows}×${cols} weights`);
      for (const [tpr, accumulate] of [
        [32, false],
        [8, true],
      ] as const) {
        const [out] = await runKernelOn(device, {
          kernel: 'matvec.wgsl',
          weightType: packed.type,
          step: { n_tokens: 1 },
          constants: { TPR: tpr, CHUNKS: packed.chunks, ROWS: rows, ROW_WORDS: packed.rowWords, ACCUMULATE: accumulate },
          bindings: [{ data: packed.data }, { data: x }, { outBytes: rows * 4, init: y0 }],
          grid: [Math.ceil(rows / (256 / tpr)), 1, 1],
        });
        const y = new Float32Array(out);
        for (let r = 0; r < rows; r++) {
          let dot = accumulate ? y0[r] : 0;
          let scale = Math.abs(dot);
          for (let c = 0; c < cols; c++) {
            dot += w[r * cols + c] * x[c];
            scale += Math.abs(w[r * cols + c] * x[c]);
          }
          check.compare(y[r], dot, 1e-5 * scale + 1e-30, `TPR ${tpr} row ${r}`);
        }
      }
      return check.result(name);
    },
  };
});

const embedCases = [GGMLType.F16, GGMLType.Q5_0, GGMLType.Q6_K].map((type): KernelCase => {
  const name = `embed.wgsl ${ggmlTypeName(type)}: rows of the dequantized table, exactly`;
  return {
    kernel: 'embed.wgsl',
    name,
    run: async (device) => {
      const random = rng(7 + type);
      const block = typeInfo(type).blockSize;
      const dim = block === 1 ? 44 : block * 2;
      const vocab = 37;
      const bytes = randomTensor(type, vocab * dim, random);
      const table = dequantize(type, bytes, vocab * dim);
      const packed = repack('emb', type, bytes, vocab, dim);
      const ids = Uint32Array.of(0, 36, 5, 5, 20);
      const stride = roundUp(dim, ROW_ALIGN);
      const [out] = await runKernelOn(device, {
        kernel: 'embed.wgsl',
        weightType: packed.type,
        step: { n_tokens: ids.length },
        constants: { CHUNKS: packed.chunks, ROW_WORDS: packed.rowWords, OUT_STRIDE: stride, VOCAB: vocab },
        bindings: [{ data: packed.data }, { data: ids }, { outBytes: ids.length * stride * 4 }],
        grid: [ids.length, 1, 1],
      });
      const x = new Float32Array(out);
      const check = new ErrorTracker(`${vocab}×${dim} table, ${ids.length} ids`);
      ids.forEach((id, t) => {
        for (let d = 0; d < dim; d++) check.compare(x[t * stride + d], table[id * dim + d], 0, `token ${t} (id ${id}) value ${d}`);
      });
      return check.result(name);
    },
  };
});

const rmsnormCase: KernelCase = {
  kernel: 'rmsnorm.wgsl',
  name: 'rmsnorm.wgsl equals the reference (|err| ≤ 1e-5·max|out|)',
  run: async (device) => {
    const random = rng(3);
    const dim = 77,
      stride = 80,
      tokens = 3;
    const x = new Float32Array(tokens * stride);
    for (let t = 0; t < tokens; t++) x.set(randomF32(dim, random, 3), t * stride);
    const weight = randomF32(dim, random);
    const [out] = await runKernelOn(device, {
      kernel: 'rmsnorm.wgsl',
      constants: { DIM: dim, STRIDE: stride, EPS: 1e-5 },
      step: { n_tokens: tokens },
      bindings: [{ data: x }, { data: weight }, { outBytes: tokens * stride * 4 }],
      grid: [tokens, 1, 1],
    });
    const gpu = new Float32Array(out);
    const check = new ErrorTracker(`dim ${dim}, ${tokens} tokens`);
    for (let t = 0; t < tokens; t++) {
      const ref = new Float32Array(dim);
      rmsnorm(ref, x.subarray(t * stride, t * stride + dim), weight, 1e-5);
      const scale = Math.max(...ref.map(Math.abs));
      ref.forEach((v, i) => check.compare(gpu[t * stride + i], v, 1e-5 * scale, `token ${t} value ${i}`));
    }
    return check.result(rmsnormCase.name);
  },
};

const swigluCase: KernelCase = {
  kernel: 'swiglu.wgsl',
  name: 'swiglu.wgsl equals the reference (|err| ≤ 1e-6·max|out|)',
  run: async (device) => {
    const random = rng(4);
    const dim = 50,
      stride = 56,
      tokens = 2;
    const gate = randomF32(tokens * stride, random, 6);
    const up = randomF32(tokens * stride, random, 2);
    const [out] = await runKernelOn(device, {
      kernel: 'swiglu.wgsl',
      constants: { DIM: dim, STRIDE: stride },
      step: { n_tokens: tokens },
      bindings: [{ outBytes: gate.byteLength, init: gate }, { data: up }],
      grid: [Math.ceil((tokens * dim) / 64), 1, 1],
    });
    const gpu = new Float32Array(out);
    const check = new ErrorTracker(`dim ${dim}, ${tokens} tokens`);
    for (let t = 0; t < tokens; t++) {
      const g = gate.slice(t * stride, t * stride + dim);
      swiglu(g, up.subarray(t * stride, t * stride + dim));
      const scale = Math.max(...g.map(Math.abs));
      g.forEach((v, i) => check.compare(gpu[t * stride + i], v, 1e-6 * scale, `token ${t} value ${i}`));
    }
    return check.result(swigluCase.name);
  },
};

// ---- KV cache kernels, for each cache layout (LoadOptions.kvCache)

const KV_LAYOUTS: readonly KvCacheType[] = ['f32', 'f16'];

/** A random cache (kv_heads, context, head_dim) as `layout` stores it, and the values it holds (f16: rounded). */
function randomCache(n: number, random: () => number, layout: KvCacheType): { data: ArrayBufferView; values: Float32Array } {
  const values = randomF32(n, random);
  if (layout === 'f32') return { data: values, values };
  roundToF16(values);
  // pack2x16float: dim 2i in the low half of word i, i.e. element 2i of a little-endian Uint16Array
  return { data: Uint16Array.from(values, (x) => f32ToF16(x)), values };
}

/** A cache read back from the GPU as f32 values. */
function cacheValues(bytes: ArrayBuffer, layout: KvCacheType): Float32Array {
  return layout === 'f32' ? new Float32Array(bytes) : Float32Array.from(new Uint16Array(bytes), f16ToF32);
}

/** Half the spacing of halves around |x|: what rounding to f16 may move a value (normal range). */
const halfUlpF16 = (x: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(x), 2 ** -14))) - 11);

const ropeStoreCase = (layout: KvCacheType, pairing: RotationPairing): KernelCase => {
  const f16 = layout === 'f16';
  const neox = pairing === 'neox';
  const name =
    `rope_store.wgsl, ${layout} cache, ${neox ? 'NEOX pairs (i, i + R)' : 'adjacent pairs'}: rotates q in place and stores rotated k and v in the cache; partial rotary, attention factor, far positions ` +
    `(|err| ≤ (1e-6 + 1e-7·pos)·1.25${f16 ? ' + half an f16 ulp; v = its nearest half, ties to even, exactly' : ''})`;
  return {
    kernel: 'rope_store.wgsl',
    name,
    run: async (device) => {
      const random = rng(5);
      const heads = 3,
        kvHeads = 2,
        headDim = 12,
        pairs = headDim / 2,
        rotated = 4,
        tokens = 4,
        pos0 = 40_000,
        context = 40_010;
      const qStride = 40,
        kvStride = 32;
      const invFreq = Float32Array.from({ length: pairs }, (_, i) => (i < rotated ? 10_000 ** (-i / rotated) : 0));
      const q = new Float32Array(tokens * qStride);
      const k = new Float32Array(tokens * kvStride);
      const v = new Float32Array(tokens * kvStride);
      for (let t = 0; t < tokens; t++) {
        q.set(randomF32(heads * headDim, random), t * qStride);
        k.set(randomF32(kvHeads * headDim, random), t * kvStride);
        v.set(randomF32(kvHeads * headDim, random), t * kvStride);
      }
      // values whose rounding to half is a tie (to even: down, then up), just past a tie, or past the largest half
      v.set([1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 2 ** -11 + 2 ** -20), 70_000, -1e6, 2 ** -20], 0);
      const ropeUniform = new ArrayBuffer(8);
      new Float32Array(ropeUniform, 0, 1)[0] = 1.25;
      new Uint32Array(ropeUniform, 4, 1)[0] = rotated;
      const cacheBytes = kvHeads * context * headDim * (f16 ? 2 : 4);
      const [qOut, kCache, vCache] = await runKernelOn(device, {
        kernel: 'rope_store.wgsl',
        kvCache: layout,
        step: { n_tokens: tokens, pos0 },
        constants: {
          HEADS: heads,
          KV_HEADS: kvHeads,
          HEAD_DIM: headDim,
          CONTEXT: context,
          Q_STRIDE: qStride,
          KV_STRIDE: kvStride,
          NEOX: neox,
        },
        bindings: [
          { data: new Uint8Array(ropeUniform), uniform: true },
          { data: invFreq },
          { outBytes: q.byteLength, init: q },
          { data: k },
          { data: v },
          { outBytes: cacheBytes },
          { outBytes: cacheBytes },
        ],
        grid: [Math.ceil((tokens * (heads + kvHeads) * pairs) / 64), 1, 1],
      });
      const gq = new Float32Array(qOut),
        gk = cacheValues(kCache, layout),
        gv = cacheValues(vCache, layout);
      const storedV = f16 ? roundToF16(v.slice()) : v;
      const check = new ErrorTracker(`${heads} q / ${kvHeads} kv heads of ${headDim}, ${tokens} tokens from position ${pos0}`);
      for (let t = 0; t < tokens; t++) {
        const tol = (1e-6 + 1e-7 * (pos0 + t)) * 1.25;
        const rq = q.slice(t * qStride, t * qStride + heads * headDim);
        applyRope(rq, heads, headDim, pos0 + t, invFreq.subarray(0, rotated), 1.25, pairing);
        rq.forEach((x, i) => check.compare(gq[t * qStride + i], x, tol, `q token ${t} value ${i}`));
        const rk = k.slice(t * kvStride, t * kvStride + kvHeads * headDim);
        applyRope(rk, kvHeads, headDim, pos0 + t, invFreq.subarray(0, rotated), 1.25, pairing);
        for (let h = 0; h < kvHeads; h++)
          for (let d = 0; d < headDim; d++) {
            const at = (h * context + pos0 + t) * headDim + d;
            const want = rk[h * headDim + d];
            check.compare(gk[at], want, tol + (f16 ? halfUlpF16(Math.abs(want) + tol) : 0), `k cache token ${t} head ${h} value ${d}`);
            check.compare(gv[at], storedV[t * kvStride + h * headDim + d], 0, `v cache token ${t} head ${h} value ${d}`);
          }
      }
      return check.result(name);
    },
  };
};

// in this order so that each runner (kernelCasesFor alternates) takes both pairings and both layouts
const ropeStoreCases = [
  ropeStoreCase('f32', 'adjacent'),
  ropeStoreCase('f32', 'neox'),
  ropeStoreCase('f16', 'neox'),
  ropeStoreCase('f16', 'adjacent'),
];

/**
 * Decode attention's shapes: 32-position chunks (part of a tile each, 19 of them: a batch of 16 and a rest in
 * the combine); 256-position chunks (tiles of 64, the last partial) with head dim 128; one query head per KV
 * head with an odd count of dim quads.
 */
const SPLIT_SHAPES = [
  { heads: 6, kvHeads: 2, headDim: 16, chunk: 32 },
  { heads: 8, kvHeads: 2, headDim: 128, chunk: 256 },
  { heads: 3, kvHeads: 3, headDim: 12, chunk: 128 },
];

const splitAttentionCases = KV_LAYOUTS.flatMap((layout) =>
  SPLIT_SHAPES.map(({ heads, kvHeads, headDim, chunk }, shape): KernelCase => {
    const context = 700,
      tokens = 3,
      pos0 = 600,
      splits = Math.ceil((pos0 + tokens) / chunk);
    const name = `attention.wgsl + attention_combine.wgsl, ${layout} cache: split-K, ${heads} q / ${kvHeads} kv heads of ${headDim}, ${splits} chunks of ${chunk}, equals the reference softmax attention (|err| ≤ 1e-5·max|v|)`;
    return {
      kernel: 'attention.wgsl + attention_combine.wgsl',
      name,
      run: async (device) => {
        const random = rng(6 + shape);
        const qStride = heads * headDim;
        const q = randomF32(tokens * qStride, random, 2);
        const kCache = randomCache(kvHeads * context * headDim, random, layout);
        const vCache = randomCache(kvHeads * context * headDim, random, layout);
        const [ml, acc] = await runKernelOn(device, {
          kernel: 'attention.wgsl',
          kvCache: layout,
          step: { n_tokens: tokens, pos0, attn_chunk: chunk },
          constants: {
            HEADS: heads,
            KV_HEADS: kvHeads,
            HEAD_DIM: headDim,
            CONTEXT: context,
            SPLITS: splits,
            Q_STRIDE: qStride,
            SCALE: 1 / Math.sqrt(headDim),
          },
          bindings: [
            { data: q },
            { data: kCache.data },
            { data: vCache.data },
            { outBytes: tokens * heads * splits * 8 },
            { outBytes: tokens * heads * splits * headDim * 4 },
          ],
          grid: [Math.ceil((pos0 + tokens) / chunk), kvHeads, tokens],
        });
        const [out] = await runKernelOn(device, {
          kernel: 'attention_combine.wgsl',
          step: { n_tokens: tokens, pos0, attn_chunk: chunk },
          constants: { HEADS: heads, HEAD_DIM: headDim, SPLITS: splits, OUT_STRIDE: qStride },
          bindings: [{ data: new Float32Array(ml) }, { data: new Float32Array(acc) }, { outBytes: tokens * qStride * 4 }],
          grid: [Math.ceil((tokens * qStride) / 64), 1, 1],
        });
        const gpu = new Float32Array(out);
        const check = new ErrorTracker(`${heads} q / ${kvHeads} kv heads of ${headDim}, ${tokens} tokens from position ${pos0}`);
        for (let t = 0; t < tokens; t++) {
          const ref = new Float32Array(qStride);
          attention(
            ref,
            q.subarray(t * qStride, (t + 1) * qStride),
            kCache.values,
            vCache.values,
            heads,
            kvHeads,
            headDim,
            context,
            pos0 + t,
          );
          ref.forEach((v, i) => check.compare(gpu[t * qStride + i], v, 1e-5, `token ${t} value ${i}`));
        }
        return check.result(name);
      },
    };
  }),
);

const prefillAttentionCases = KV_LAYOUTS.map((layout): KernelCase => {
  const name = `attention_prefill.wgsl, ${layout} cache: a 19-token block from position 50 (3 query blocks, 2 key tiles) equals the reference (|err| ≤ 1e-5)`;
  return {
    kernel: 'attention_prefill.wgsl',
    name,
    run: async (device) => {
      const random = rng(9);
      const heads = 4,
        kvHeads = 2,
        headDim = 24,
        context = 80,
        tokens = 19,
        pos0 = 50;
      const qStride = heads * headDim + 8; // padded, as the engine's buffers are
      const q = randomF32(tokens * qStride, random, 2);
      const kCache = randomCache(kvHeads * context * headDim, random, layout);
      const vCache = randomCache(kvHeads * context * headDim, random, layout);
      const [out] = await runKernelOn(device, {
        kernel: 'attention_prefill.wgsl',
        kvCache: layout,
        step: { n_tokens: tokens, pos0 },
        constants: {
          HEADS: heads,
          KV_HEADS: kvHeads,
          HEAD_DIM: headDim,
          CONTEXT: context,
          Q_STRIDE: qStride,
          OUT_STRIDE: qStride,
          SCALE: 1 / Math.sqrt(headDim),
        },
        bindings: [{ data: q }, { data: kCache.data }, { data: vCache.data }, { outBytes: tokens * qStride * 4 }],
        grid: [heads, Math.ceil(tokens / 8), 1],
      });
      const gpu = new Float32Array(out);
      const check = new ErrorTracker(`${heads} q / ${kvHeads} kv heads of ${headDim}, ${tokens} tokens from position ${pos0}`);
      for (let t = 0; t < tokens; t++) {
        const ref = new Float32Array(heads * headDim);
        attention(
          ref,
          q.subarray(t * qStride, t * qStride + heads * headDim),
          kCache.values,
          vCache.values,
          heads,
          kvHeads,
          headDim,
          context,
          pos0 + t,
        );
        ref.forEach((v, i) => check.compare(gpu[t * qStride + i], v, 1e-5, `token ${t} value ${i}`));
      }
      return check.result(name);
    },
  };
});

// Two rows of random logits, shared by the logprob and argmax cases.
const VOCAB = 300;
const logits = randomF32(2 * VOCAB, rng(8), 8);

const logprobCase: KernelCase = {
  kernel: 'logprob.wgsl',
  name: 'logprob.wgsl equals log-softmax in float64 (|err| ≤ 1e-5)',
  run: async (device) => {
    const targets = Uint32Array.of(17, 299);
    const [out] = await runKernelOn(device, {
      kernel: 'logprob.wgsl',
      constants: { VOCAB, STRIDE: VOCAB },
      step: { n_tokens: 2, out_offset: 3 },
      bindings: [{ data: logits }, { data: targets }, { outBytes: 5 * 4 }],
      grid: [2, 1, 1],
    });
    const gpu = new Float32Array(out);
    const check = new ErrorTracker(`vocab ${VOCAB}, 2 rows written from offset 3`);
    for (let t = 0; t < 2; t++)
      check.compare(gpu[3 + t], logProb(logits.subarray(t * VOCAB, (t + 1) * VOCAB), targets[t]), 1e-5, `row ${t}`);
    return check.result(logprobCase.name);
  },
};

const argmaxCase: KernelCase = {
  kernel: 'argmax.wgsl',
  name: 'argmax.wgsl picks the first maximum of the sample row',
  run: async (device) => {
    const row = logits.slice(VOCAB);
    row[123] = 50;
    row[200] = 50;
    const [out] = await runKernelOn(device, {
      kernel: 'argmax.wgsl',
      constants: { VOCAB, STRIDE: VOCAB },
      step: { sample_row: 1 },
      bindings: [{ data: Float32Array.of(...logits.subarray(0, VOCAB), ...row) }, { outBytes: 4 }],
      grid: [1, 1, 1],
    });
    const check = new ErrorTracker(`vocab ${VOCAB}, maximum 50 at 123 and 200 of row 1`);
    check.compare(new Uint32Array(out)[0], 123, 0, 'the id picked');
    return check.result(argmaxCase.name);
  },
};

export const KERNEL_CASES: readonly KernelCase[] = [
  ...matmulCases,
  ...matmulTiledCases,
  matmulPartialsCase,
  ...matvecCases,
  ...decodeMatvecCases,
  ...embedCases,
  rmsnormCase,
  swigluCase,
  ...ropeStoreCases,
  biasAddCase,
  headRmsnormCase,
  ...splitAttentionCases,
  ...prefillAttentionCases,
  ...tiledPrefillAttentionCases,
  logprobCase,
  argmaxCase,
];

/**
 * The cases one runner takes: every case runs once, in Node (Dawn, tests/engine/kernels.test.ts) or in
 * Chromium (e2e/kernels.spec.ts), never both, since compiling each case's pipelines on SwiftShader is
 * what costs. Each kernel's cases alternate between the two, so every kernel is proven in both; a
 * kernel with a single case (a second or so) runs in both.
 */
export function kernelCasesFor(runner: 'node' | 'browser'): KernelCase[] {
  const total = new Map<string, number>();
  for (const c of KERNEL_CASES) total.set(c.kernel, (total.get(c.kernel) ?? 0) + 1);
  const seen = new Map<string, number>();
  return KERNEL_CASES.filter((c) => {
    const index = seen.get(c.kernel) ?? 0;
    seen.set(c.kernel, index + 1);
    return total.get(c.kernel) === 1 || (index % 2 === 0) === (runner === 'node');
  });
}
