// matvec_vec4.wgsl and matvec_int8.wgsl against dequantize + a CPU matvec, in their three modes (plain
// with a row offset into a stacked buffer and accumulation; gate/up with SwiGLU; Q/K/V split into three
// outputs, the last two with the RMSNorm fused), for each weight type they read, on seeded random shapes
// whose row counts do not fill the last workgroup. matvec_int8.wgsl rounds x to 8 bits per group first
// (reference.ts quantizeActivations), after x·g and before 1/rms with the norm, as the kernel does.
import { ROW_ALIGN, roundUp, repack } from '../../src/engine/gpu/weights.ts';
import { GGMLType, dequantize, ggmlTypeName, typeInfo } from '../../src/gguf/index.ts';
import { quantizeActivations } from '../../src/engine/reference.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';
import { randomTensor } from './engine-random-tensors.ts';

const VEC4_TYPES = [GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0];

interface Stack {
  data: Uint8Array;
  rowWords: number;
  chunks: number;
  values: Float32Array[];
}

/** Matrices of `rows[i]` × cols, packed and stacked in one buffer as gpu/weights.ts uploadStack does. */
function stackOf(type: GGMLType, rows: number[], cols: number, random: () => number): Stack {
  const packed = rows.map((r) => {
    const bytes = randomTensor(type, r * cols, random);
    return { ...repack('w', type, bytes, r, cols), values: dequantize(type, bytes, r * cols) };
  });
  const data = new Uint8Array(packed.reduce((n, p) => n + p.data.byteLength, 0));
  packed.reduce((offset, p) => (data.set(p.data, offset), offset + p.data.byteLength), 0);
  return { data, rowWords: packed[0].rowWords, chunks: packed[0].chunks, values: packed.map((p) => p.values) };
}

/**
 * w·x for row `r` of a (·, cols) matrix, and the tolerance's scale: Σ|w·x| plus, where x was rounded to
 * 8 bits, one rounding step (`step`, the largest group scale) times max|w|, over 1e-5 — the GPU's division
 * may put a value on the other side of a rounding boundary (reference.ts quantizeActivations).
 */
function rowDot(w: Float32Array, r: number, x: Float32Array, cols: number, step = 0): [number, number] {
  let dot = 0,
    scale = 0,
    wMax = 0;
  for (let c = 0; c < cols; c++) {
    dot += w[r * cols + c] * x[c];
    scale += Math.abs(w[r * cols + c] * x[c]);
    wMax = Math.max(wMax, Math.abs(w[r * cols + c]));
  }
  return [dot, scale + (step * wMax) / 1e-5];
}

/** x rounded as matvec_int8.wgsl rounds it, and the largest step of that rounding (max|x| of a group / 127). */
function int8Rounded(x: Float32Array): [Float32Array, number] {
  const out = new Float32Array(x.length);
  quantizeActivations(out, x);
  let step = 0;
  for (let g = 0; g < x.length; g += 32) step = Math.max(step, x.subarray(g, g + 32).reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127);
  return [out, step];
}

const grid = (rows: number, rpt: number): [number, number, number] => [Math.ceil(rows / (8 * rpt)), 1, 1];

const MATVEC_KERNELS = [
  ...VEC4_TYPES.map((type) => ({ kernel: 'matvec_vec4.wgsl', type, int8: false })),
  { kernel: 'matvec_int8.wgsl', type: GGMLType.Q4_0, int8: true },
  { kernel: 'matvec_int8.wgsl', type: GGMLType.Q8_0, int8: true },
];

export const decodeMatvecCases = MATVEC_KERNELS.map(({ kernel, type, int8 }, i): KernelCase => {
  const name = int8
    ? `${kernel} ${ggmlTypeName(type)}: modes plain (row offset, accumulate), SwiGLU and Q/K/V on x rounded to int8 equal the CPU on x rounded alike (|err| ≤ 1e-5·Σ|w·x̃| + one rounding step·max|w|)`
    : `${kernel} ${ggmlTypeName(type)}: modes plain (row offset, accumulate), SwiGLU and Q/K/V equal the CPU (|err| ≤ 1e-5·Σ|w·x|)`;
  return {
    kernel,
    name,
    run: async (device) => {
      const random = rng(400 + i);
      const block = typeInfo(type).blockSize;
      // past one 64-group tile of staged x (2048 values); F32/F16 rows that need padding to 32 values
      const cols = block === 1 ? 8 * (260 + Math.floor(random() * 40)) + 3 : 32 * (70 + Math.floor(random() * 30));
      const x = new Float32Array(roundUp(cols, ROW_ALIGN));
      x.set(randomF32(cols, random));
      // RMSNorm as reference.ts computes it: x·g/√(mean(x²) + ε)
      const g = randomF32(cols, random);
      const eps = 1e-5;
      const invRms = 1 / Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / cols + eps);
      // the reference's inputs: x, and x normalized (for int8, x·g rounded, then scaled by 1/rms)
      const [xPlain, plainStep] = int8 ? int8Rounded(x) : [x, 0];
      const [xgRounded, normStep] = int8 ? int8Rounded(x.map((v, i) => (i < cols ? v * g[i] : 0))) : [new Float32Array(0), 0];
      const xn = int8 ? xgRounded.map((v) => v * invRms) : x.map((v, i) => (i < cols ? v * invRms * g[i] : 0));
      const xnStep = normStep * invRms;
      const norm = { NORM: true, DIM: cols, EPS: eps };
      const check = new ErrorTracker(`${cols} columns`);
      const run = (
        stack: Stack,
        constants: Record<string, number | boolean>,
        outs: { rows: number; init?: Float32Array }[],
        grid: [number, number, number],
      ) =>
        runKernelOn(device, {
          kernel,
          weightType: type,
          step: { n_tokens: 1 },
          constants: { GROUPS: stack.chunks / 4, ROW_WORDS: stack.rowWords, ...constants },
          bindings: [{ data: stack.data }, { data: x }, ...outs.map((o) => ({ outBytes: o.rows * 4, init: o.init })), { data: g }],
          grid,
        }).then((bufs) => bufs.map((b) => new Float32Array(b)));

      // mode 0: the second matrix of a stack (ROW_OFFSET), added to y
      const plainRows = 13 + Math.floor(random() * 30);
      const plain = stackOf(type, [5, plainRows], cols, random);
      const y0 = randomF32(plainRows, random);
      // matvec_int8.wgsl without NORM rounds x in one whole-row tile here (what the engine sets where workgroup
      // memory holds it), and again with XT past the row (the tile clipped to it); with NORM (modes 1 and 2
      // below) in tiles of 64 groups, XT's default
      const tiles: Record<string, number>[] = int8 ? [{ XT: plain.chunks / 4 }, { XT: 160 }] : [{}];
      for (const tile of tiles) {
        const [y] = await run(
          plain,
          { RPT: 2, ROWS: plainRows, ROW_OFFSET: 5, ACCUMULATE: true, ...tile },
          [{ rows: plainRows, init: y0 }, { rows: 1 }, { rows: 1 }],
          grid(plainRows, 2),
        );
        for (let r = 0; r < plainRows; r++) {
          const [dot, scale] = rowDot(plain.values[1], r, xPlain, cols, plainStep);
          check.compare(y[r], y0[r] + dot, 1e-5 * (scale + Math.abs(y0[r])) + 1e-30, `plain row ${r}${tile.XT ? ` (XT ${tile.XT})` : ''}`);
        }
      }

      // mode 1: silu(gate)·up with gate and up stacked, on the normalized input
      const ffn = 9 + Math.floor(random() * 30);
      const ffnStack = stackOf(type, [ffn, ffn], cols, random);
      const ffnRpt = int8 ? 4 : 1; // matvec_int8.wgsl: 4 rows a slot prefetched (PREFETCH·RPT·2 = 8 registers)
      const [gated] = await run(
        ffnStack,
        { RPT: ffnRpt, ROWS: ffn, MODE: 1, ...norm },
        [{ rows: ffn }, { rows: 1 }, { rows: 1 }],
        grid(ffn, ffnRpt),
      );
      for (let r = 0; r < ffn; r++) {
        const [gate, gScale] = rowDot(ffnStack.values[0], r, xn, cols, xnStep);
        const [u, uScale] = rowDot(ffnStack.values[1], r, xn, cols, xnStep);
        const silu = gate / (1 + Math.exp(-gate));
        check.compare(gated[r], silu * u, 1e-5 * (gScale * Math.abs(u) + uScale * Math.abs(silu)) + 1e-30, `swiglu row ${r}`);
      }

      // mode 2: Q, K and V rows into three outputs, on the normalized input
      const [qRows, kvRows] = [16 + Math.floor(random() * 20), 4 + Math.floor(random() * 8)];
      const qkv = stackOf(type, [qRows, kvRows, kvRows], cols, random);
      const total = qRows + 2 * kvRows;
      const outs = await run(
        qkv,
        { RPT: 4, ROWS: total, MODE: 2, SPLIT1: qRows, SPLIT2: qRows + kvRows, ...norm },
        [{ rows: qRows }, { rows: kvRows }, { rows: kvRows }],
        grid(total, 4),
      );
      outs.forEach((out, m) => {
        for (let r = 0; r < out.length; r++) {
          const [dot, scale] = rowDot(qkv.values[m], r, xn, cols, xnStep);
          check.compare(out[r], dot, 1e-5 * scale + 1e-30, `${'qkv'[m]} row ${r}`);
        }
      });
      return check.result(name);
    },
  };
});
