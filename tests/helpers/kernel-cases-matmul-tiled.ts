// matmul_tiled.wgsl against dequantize + a CPU matmul, per weight type, on seeded random shapes that
// leave the last 128-row and 64-token tiles partly empty, with a row offset into a stacked buffer and
// accumulation into Y, split into three outputs as Q/K/V are, split along K into three slices (the
// slices' sum is the product), and GATED (silu(gate)·up of stacked gate and up rows). Then
// matmul_partials.wgsl, which adds split-K slices into routed outputs, against a CPU sum.
import { ROW_ALIGN, roundUp, repack } from '../../src/engine/gpu/weights.ts';
import { swiglu } from '../../src/engine/reference.ts';
import { GGMLType, dequantize, ggmlTypeName, typeInfo } from '../../src/gguf/index.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';
import { randomTensor } from './engine-random-tensors.ts';

const TYPES = [GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K];

export const matmulTiledCases = TYPES.map((type, i): KernelCase => {
  const name = `matmul_tiled.wgsl ${ggmlTypeName(type)}: random shape, row offset, accumulate, Q/K/V split, 3 K slices and GATED equal dequantize + CPU matmul (|err| ≤ 1e-5·Σ|w·x|)`;
  return {
    kernel: 'matmul_tiled.wgsl',
    name,
    run: async (device) => {
      const random = rng(500 + i);
      const block = typeInfo(type).blockSize;
      // F32/F16: an odd number of 8-value chunks; quantized: 1–3 blocks
      const cols = block === 1 ? 8 * (3 + 2 * Math.floor(random() * 6)) + 5 : block * (1 + Math.floor(random() * (block === 256 ? 2 : 4)));
      const offset = 3;
      const rows = 129 + Math.floor(random() * 100);
      const tokens = 65 + Math.floor(random() * 40);
      const prefix = repack('p', type, randomTensor(type, offset * cols, random), offset, cols);
      const bytes = randomTensor(type, rows * cols, random);
      const w = dequantize(type, bytes, rows * cols);
      const packed = repack('w', type, bytes, rows, cols);
      const data = new Uint8Array(prefix.data.byteLength + packed.data.byteLength);
      data.set(prefix.data);
      data.set(packed.data, prefix.data.byteLength);
      const stride = roundUp(cols, ROW_ALIGN);
      const x = new Float32Array(tokens * stride);
      for (let t = 0; t < tokens; t++) x.set(randomF32(cols, random), t * stride);
      // (rows, tokens) exact products and their scales Σ|w·x|
      const dots = new Float64Array(tokens * rows);
      const scales = new Float64Array(tokens * rows);
      for (let t = 0; t < tokens; t++)
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            dots[t * rows + r] += w[r * cols + c] * x[t * stride + c];
            scales[t * rows + r] += Math.abs(w[r * cols + c] * x[t * stride + c]);
          }
      const base = { CHUNKS: packed.chunks, ROW_WORDS: packed.rowWords, ROW_OFFSET: offset, IN_STRIDE: stride };
      const run = (
        constants: Record<string, number | boolean>,
        outputs: { outBytes: number; init?: Float32Array }[],
        grid: [number, number, number],
      ) =>
        runKernelOn(device, {
          kernel: 'matmul_tiled.wgsl',
          weightType: packed.type,
          step: { n_tokens: tokens },
          constants: { ...base, ...constants },
          bindings: [{ data }, { data: x }, ...outputs],
          grid,
        }).then((outs) => outs.map((b) => new Float32Array(b)));
      const check = new ErrorTracker(`${rows}×${cols} weights, ${tokens} tokens`);

      const y0 = randomF32(tokens * rows, random);
      const tiles: [number, number] = [Math.ceil(rows / 128), Math.ceil(tokens / 64)];
      const [y] = await run(
        { ROWS: rows, OUT_STRIDE: rows, ACCUMULATE: true },
        [{ outBytes: tokens * rows * 4, init: y0 }, { outBytes: 4 }, { outBytes: 4 }, { outBytes: 4 }],
        [...tiles, 1],
      );
      for (let e = 0; e < tokens * rows; e++)
        check.compare(y[e], y0[e] + dots[e], 1e-5 * (scales[e] + Math.abs(y0[e])) + 1e-30, `token ${Math.floor(e / rows)} row ${e % rows}`);

      // the same rows as Q/K/V: [0, q) to y (stride rows), [q, q + kv) and the rest to y2, y3 (stride kv)
      const [qRows, kvRows] = [rows - 2 * 40, 40];
      const outs = await run(
        { ROWS: rows, OUT_STRIDE: qRows, ACCUMULATE: false, SPLIT1: qRows, SPLIT2: qRows + kvRows, OUT_STRIDE2: kvRows },
        [{ outBytes: tokens * qRows * 4 }, { outBytes: tokens * kvRows * 4 }, { outBytes: tokens * kvRows * 4 }, { outBytes: 4 }],
        [...tiles, 1],
      );
      for (let t = 0; t < tokens; t++)
        for (let r = 0; r < rows; r++) {
          const [out, at] =
            r < qRows
              ? [outs[0], t * qRows + r]
              : r < qRows + kvRows
                ? [outs[1], t * kvRows + r - qRows]
                : [outs[2], t * kvRows + r - qRows - kvRows];
          check.compare(out[at], dots[t * rows + r], 1e-5 * scales[t * rows + r] + 1e-30, `split token ${t} row ${r}`);
        }

      // three K slices: slice 0 accumulates into y, slices 1 and 2 go to `partial`; together they are the product
      const [ySliced, , , partial] = await run(
        { ROWS: rows, OUT_STRIDE: rows, ACCUMULATE: true },
        [{ outBytes: tokens * rows * 4, init: y0 }, { outBytes: 4 }, { outBytes: 4 }, { outBytes: 2 * tokens * rows * 4 }],
        [...tiles, 3],
      );
      for (let e = 0; e < tokens * rows; e++)
        check.compare(
          ySliced[e] + partial[e] + partial[tokens * rows + e],
          y0[e] + dots[e],
          1e-5 * (scales[e] + Math.abs(y0[e])) + 1e-30,
          `K slices token ${Math.floor(e / rows)} row ${e % rows}`,
        );

      // GATED: gate rows [0, g), up rows [g, 2g) of the same buffer; y = silu(gate)·up, token stride g + 5
      const g = Math.floor(rows / 2);
      const outStride = g + 5;
      const [gated] = await run(
        { ROWS: g, OUT_STRIDE: outStride, ACCUMULATE: false, GATED: true },
        [{ outBytes: tokens * outStride * 4 }, { outBytes: 4 }, { outBytes: 4 }, { outBytes: 4 }],
        [Math.ceil(g / 64), tiles[1], 1],
      );
      for (let t = 0; t < tokens; t++) {
        const gate = Float32Array.from({ length: g }, (_, r) => dots[t * rows + r]);
        const up = Float32Array.from({ length: g }, (_, r) => dots[t * rows + g + r]);
        const h = gate.slice();
        swiglu(h, up);
        for (let r = 0; r < g; r++) {
          // h = silu(a)·b: silu's slope is at most 1.1, so a's error counts 1.1·|b| times, b's |silu(a)| times
          const silu = gate[r] / (1 + Math.exp(-gate[r]));
          const allowed = 1e-5 * (1.1 * Math.abs(up[r]) * scales[t * rows + r] + Math.abs(silu) * scales[t * rows + g + r]) + 1e-30;
          check.compare(gated[t * outStride + r], h[r], allowed, `GATED token ${t} row ${r}`);
        }
      }
      return check.result(name);
    },
  };
});

export const matmulPartialsCase: KernelCase = {
  kernel: 'matmul_partials.wgsl',
  name: 'matmul_partials.wgsl: 2 split-K slices added into Q/K/V-routed outputs equal the CPU sum (|err| ≤ 1e-6·Σ|v|)',
  run: async (device) => {
    const random = rng(560);
    const tokens = 3 + Math.floor(random() * 20);
    const [qRows, kvRows] = [40 + Math.floor(random() * 30), 8 + Math.floor(random() * 8)];
    const rows = qRows + 2 * kvRows;
    const parts = 2;
    const partial = randomF32(parts * tokens * rows, random);
    const inits = [randomF32(tokens * qRows, random), randomF32(tokens * kvRows, random), randomF32(tokens * kvRows, random)];
    const outs = (
      await runKernelOn(device, {
        kernel: 'matmul_partials.wgsl',
        step: { n_tokens: tokens },
        constants: { ROWS: rows, PARTS: parts, OUT_STRIDE: qRows, SPLIT1: qRows, SPLIT2: qRows + kvRows, OUT_STRIDE2: kvRows },
        bindings: [{ data: partial }, ...inits.map((init) => ({ outBytes: init.byteLength, init }))],
        grid: [Math.ceil((tokens * rows) / 64), 1, 1],
      })
    ).map((b) => new Float32Array(b));
    const check = new ErrorTracker(`${tokens} tokens, rows ${qRows} + 2 × ${kvRows}`);
    for (let t = 0; t < tokens; t++)
      for (let r = 0; r < rows; r++) {
        const [o, at] =
          r < qRows ? [0, t * qRows + r] : r < qRows + kvRows ? [1, t * kvRows + r - qRows] : [2, t * kvRows + r - qRows - kvRows];
        let want = inits[o][at];
        let scale = Math.abs(want);
        for (let p = 0; p < parts; p++) {
          want += partial[(p * tokens + t) * rows + r];
          scale += Math.abs(partial[(p * tokens + t) * rows + r]);
        }
        check.compare(outs[o][at], want, 1e-6 * scale, `token ${t} row ${r}`);
      }
    return check.result(matmulPartialsCase.name);
  },
};
