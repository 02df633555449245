// matmul_tiled.wgsl against dequantize + a CPU matmul, per weight type, on seeded random shapes that
// leave the last 128-row and 64-token tiles partly empty, with a row offset into a stacked buffer and
// accumulation into Y, and split into three outputs as Q/K/V are.
import { ROW_ALIGN, roundUp, repack } from '../src/engine/gpu/weights.ts';
import { GGMLType, dequantize, ggmlTypeName, typeInfo } from '../src/gguf/index.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';
import { randomTensor } from './engine-random-tensors.ts';

const TYPES = [GGMLType.F32, GGMLType.F16, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K];

export const matmulTiledCases = TYPES.map((type, i): KernelCase => {
  const name = `matmul_tiled.wgsl ${ggmlTypeName(type)}: random shape, row offset, accumulate equals dequantize + CPU matmul (|err| ≤ 1e-5·Σ|w·x|)`;
  return { kernel: 'matmul_tiled.wgsl', name, run: async (device) => {
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
    const y0 = randomF32(tokens * rows, random);
    const [out] = await runKernelOn(device, {
      kernel: 'matmul_tiled.wgsl', weightType: packed.type, step: { n_tokens: tokens },
      constants: { CHUNKS: packed.chunks, ROWS: rows, ROW_WORDS: packed.rowWords, ROW_OFFSET: offset, IN_STRIDE: stride, OUT_STRIDE: rows, ACCUMULATE: true },
      bindings: [{ data }, { data: x }, { outBytes: tokens * rows * 4, init: y0 }, { outBytes: 4 }, { outBytes: 4 }],
      grid: [Math.ceil(rows / 128), Math.ceil(tokens / 64), 1],
    });
    const y = new Float32Array(out);
    const check = new ErrorTracker(`${rows}×${cols} weights, ${tokens} tokens`);
    for (let t = 0; t < tokens; t++)
      for (let r = 0; r < rows; r++) {
        let dot = y0[t * rows + r];
        let scale = Math.abs(dot);
        for (let c = 0; c < cols; c++) {
          dot += w[r * cols + c] * x[t * stride + c];
          scale += Math.abs(w[r * cols + c] * x[t * stride + c]);
        }
        check.compare(y[t * rows + r], dot, 1e-5 * scale + 1e-30, `token ${t} row ${r}`);
      }
    // the same rows as Q/K/V: [0, q) to y (stride rows), [q, q + kv) and the rest to y2, y3 (stride kv)
    const [qRows, kvRows] = [rows - 2 * 40, 40];
    const outs = (await runKernelOn(device, {
      kernel: 'matmul_tiled.wgsl', weightType: packed.type, step: { n_tokens: tokens },
      constants: { CHUNKS: packed.chunks, ROWS: rows, ROW_WORDS: packed.rowWords, ROW_OFFSET: offset, IN_STRIDE: stride, OUT_STRIDE: qRows, ACCUMULATE: false,
        SPLIT1: qRows, SPLIT2: qRows + kvRows, OUT_STRIDE2: kvRows },
      bindings: [{ data }, { data: x }, { outBytes: tokens * qRows * 4 }, { outBytes: tokens * kvRows * 4 }, { outBytes: tokens * kvRows * 4 }],
      grid: [Math.ceil(rows / 128), Math.ceil(tokens / 64), 1],
    })).map((b) => new Float32Array(b));
    for (let t = 0; t < tokens; t++)
      for (let r = 0; r < rows; r++) {
        let dot = 0, scale = 0;
        for (let c = 0; c < cols; c++) {
          dot += w[r * cols + c] * x[t * stride + c];
          scale += Math.abs(w[r * cols + c] * x[t * stride + c]);
        }
        const [out, at] = r < qRows ? [outs[0], t * qRows + r] : r < qRows + kvRows ? [outs[1], t * kvRows + r - qRows] : [outs[2], t * kvRows + r - qRows - kvRows];
        check.compare(out[at], dot, 1e-5 * scale + 1e-30, `split token ${t} row ${r}`);
      }
    return check.result(name);
  } };
});
