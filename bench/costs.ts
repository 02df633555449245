// Bytes moved and floating-point operations of each kernel dispatch of a forward pass, from the model's
// shapes: what turns a kernel's GPU time into achieved GB/s and GFLOP/s. Bytes are the unique bytes a
// kernel must touch (weights once, the KV cache positions it attends to once), not what caches re-fetch,
// so GB/s compares directly with the copy kernel's bandwidth.
import { GGMLType, ggmlTypeName } from '../src/gguf/index.ts';
import { repack } from '../src/engine/gpu/weights.ts';
import type { PlannedTensor } from './shapes.ts';

export interface ModelDims {
  dim: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnDim: number;
  vocab: number;
  /** Bytes per stored K or V element (4 for an f32 cache, 2 for f16). */
  kvBytes: number;
}

export interface MatrixCost {
  rows: number;
  cols: number;
  type: GGMLType;
  /** Bytes of the matrix as the GPU holds it (blocks padded to whole words: weights.ts's repack). */
  gpuBytes: number;
}

export interface DispatchCost {
  /** The kernel's name for aggregation: the label, with a matmul's layer number dropped. */
  kernel: string;
  bytesRead: number;
  bytesWritten: number;
  flops: number;
}

/** Bytes of a (rows, cols) matrix of `type` in the GPU layout, from repacking one row. */
export function gpuMatrixBytes(type: GGMLType, rows: number, cols: number): number {
  const { rowWords } = repack('row', type, new Uint8Array(rowBytesInFile(type, cols)), 1, cols);
  return rowWords * 4 * rows;
}

function rowBytesInFile(type: GGMLType, cols: number): number {
  switch (type) {
    case GGMLType.F32:
      return cols * 4;
    case GGMLType.F16:
      return cols * 2;
    case GGMLType.Q4_0:
      return (cols / 32) * 18;
    case GGMLType.Q8_0:
      return (cols / 32) * 34;
    case GGMLType.Q6_K:
      return (cols / 256) * 210;
    default:
      throw new Error(`no byte count for ${ggmlTypeName(type)} rows`);
  }
}

/** The matrices of a planned model by tensor name. */
export function matrixCosts(tensors: readonly PlannedTensor[]): Map<string, MatrixCost> {
  const out = new Map<string, MatrixCost>();
  for (const t of tensors) {
    if (t.dims.length !== 2) continue;
    const [cols, rows] = t.dims;
    out.set(t.name, { rows, cols, type: t.type, gpuBytes: gpuMatrixBytes(t.type, rows, cols) });
  }
  return out;
}

/** 'blk.3.ffn_up.weight' → 'ffn_up'; 'output.weight' → 'output'. */
const tensorRole = (name: string) => name.replace(/^blk\.\d+\./, '').replace(/\.weight$/, '');

/** Matmuls that add into the residual stream read their output too (matmul.wgsl's ACCUMULATE). */
const ACCUMULATING = new Set(['attn_output', 'ffn_down']);

/**
 * The cost of one dispatch labelled `label` (model.ts's dispatch labels) running `n` tokens from
 * position `pos0`. `grid` is the dispatch's workgroup grid, whose x is attention's number of KV splits; for
 * attention_combine, pass the grid of the attention dispatch before it (the splits it combines).
 */
export function dispatchCost(
  label: string,
  n: number,
  pos0: number,
  grid: readonly number[],
  d: ModelDims,
  matrices: Map<string, MatrixCost>,
): DispatchCost {
  const f32 = 4;
  const qDim = d.heads * d.headDim;
  const kvDim = d.kvHeads * d.headDim;
  const positions = pos0 + n; // keys the last token attends to
  // Σ over the n queries of the keys each attends to (causal)
  const attendedPairs = n * pos0 + (n * (n + 1)) / 2;
  const kvRead = positions * kvDim * 2 * d.kvBytes;
  if (label.startsWith('matmul ')) {
    // 'matmul <tensor>', or a decode step's fused product of stacked tensors: 'matmul <q>+<k>+<v>', 'matmul <gate>+<up>'
    const names = label.slice('matmul '.length).split('+');
    const ms = names.map((name) => {
      const m = matrices.get(name);
      if (!m) throw new Error(`no shape for matrix ${name}`);
      return m;
    });
    const roles = names.map(tensorRole).join('+');
    const rows = ms.reduce((sum, m) => sum + m.rows, 0);
    const gated = roles === 'ffn_gate+ffn_up'; // writes silu(gate)·up: one output per pair of rows
    const kernel = `matmul ${roles === 'token_embd' ? 'output (tied token_embd)' : roles} ${ggmlTypeName(ms[0].type)}`;
    const accumulate = ACCUMULATING.has(roles) ? n * rows * f32 : 0;
    return {
      kernel,
      bytesRead: ms.reduce((sum, m) => sum + m.gpuBytes, 0) + n * ms[0].cols * f32 + accumulate,
      bytesWritten: n * (gated ? ms[0].rows : rows) * f32,
      flops: 2 * n * rows * ms[0].cols + (gated ? 5 * n * ms[0].rows : 0),
    };
  }
  if (label.startsWith('split-K sum ')) {
    // matmul_partials.wgsl: reads the S − 1 later slices and the output, writes the output; grid x·y·64 ≥ n·rows
    const slices = Number(label.slice('split-K sum '.length));
    const values = grid[0] * grid[1] * 64;
    return { kernel: 'split-K sum', bytesRead: slices * values * f32, bytesWritten: values * f32, flops: (slices - 1) * values };
  }
  switch (label) {
    case 'embed': {
      const e = matrices.get('token_embd.weight')!;
      return { kernel: label, bytesRead: n * (e.gpuBytes / e.rows), bytesWritten: n * d.dim * f32, flops: n * d.dim };
    }
    case 'rmsnorm':
      return { kernel: label, bytesRead: (n + 1) * d.dim * f32, bytesWritten: n * d.dim * f32, flops: 4 * n * d.dim };
    case 'rope_store': {
      const rotated = n * (qDim + kvDim);
      return {
        kernel: label,
        bytesRead: n * (qDim + 2 * kvDim) * f32,
        bytesWritten: n * qDim * f32 + n * 2 * kvDim * d.kvBytes,
        flops: 3 * rotated,
      };
    }
    case 'attention': // split-K partials: per query, head and split a running max, a sum and head_dim accumulators
      return {
        kernel: label,
        bytesRead: n * qDim * f32 + kvRead,
        bytesWritten: n * d.heads * grid[0] * (d.headDim + 2) * f32,
        flops: 4 * d.heads * d.headDim * attendedPairs,
      };
    case 'attention_combine': // reads the partials `attention` wrote
      return {
        kernel: label,
        bytesRead: n * d.heads * grid[0] * (d.headDim + 2) * f32,
        bytesWritten: n * qDim * f32,
        flops: 2 * n * d.heads * grid[0] * d.headDim,
      };
    case 'attention_prefill':
      return {
        kernel: label,
        bytesRead: n * qDim * f32 + kvRead,
        bytesWritten: n * qDim * f32,
        flops: 4 * d.heads * d.headDim * attendedPairs,
      };
    case 'swiglu':
      return { kernel: label, bytesRead: 2 * n * d.ffnDim * f32, bytesWritten: n * d.ffnDim * f32, flops: 5 * n * d.ffnDim };
    case 'argmax':
    case 'sample':
      return { kernel: label, bytesRead: d.vocab * f32, bytesWritten: 4, flops: d.vocab };
    case 'logprob':
      return { kernel: label, bytesRead: n * d.vocab * f32, bytesWritten: n * f32, flops: 3 * n * d.vocab };
    default:
      return { kernel: label, bytesRead: 0, bytesWritten: 0, flops: 0 };
  }
}

/** Weight and KV cache bytes one decode step at `context` positions must read: the roofline's numerator. */
export function decodeBytesPerToken(
  matrices: Map<string, MatrixCost>,
  d: ModelDims,
  layers: number,
  context: number,
  tiedOutput: boolean,
): number {
  let weights = 0;
  for (const [name, m] of matrices) if (name !== 'token_embd.weight' || tiedOutput) weights += m.gpuBytes;
  const embedRow = matrices.get('token_embd.weight')!;
  return weights + embedRow.gpuBytes / embedRow.rows + layers * context * d.kvHeads * d.headDim * 2 * d.kvBytes;
}
