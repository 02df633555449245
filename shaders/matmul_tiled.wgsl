// Y = W·X for a batch of tokens on a GPU: a register-tiled matrix product, any weight type (the quant
// library composed before this file supplies dequant_row8). Prompt processing is compute-bound, so the
// kernel is built to reuse what it loads:
//   - a workgroup of 256 threads computes a tile of BM = 128 weight rows × BN = 64 tokens, walking the
//     row length in steps of BK = 16 values;
//   - per step, each thread dequantizes one 8-value chunk of W and loads one vec4 of X into workgroup
//     memory, stored k-major (ws[k][row], xs[k][token]) so the inner loop reads them as vec4s;
//   - each thread then accumulates an 8-row × 4-token block in registers: 3 vec4 loads from workgroup
//     memory per 32 FMAs, so each dequantized weight is used by 64 tokens and each input value by 128 rows;
//   - thread tx's rows are 4·tx … 4·tx + 3 and 64 + 4·tx … 64 + 4·tx + 3, so the 16 row vec4s a warp reads
//     per step are 16 neighbouring slots, two passes through the 32 banks; rows 8·tx … 8·tx + 7 (every
//     other slot) took four, and the kernel ran 24–46% slower on an H100 (8192×2048 × 512 tokens: 20.9
//     against 30.5 TFLOP/s).
// Q, K and V stacked in one buffer are one dispatch: rows [0, SPLIT1) go to y, [SPLIT1, SPLIT2) to y2 and
// the rest to y3 (each with its own token stride), so the small K and V products share the Q product's grid.
// GATED: gate and up stacked (up's rows ROWS after gate's) make y = silu(W_gate·x)·(W_up·x), swiglu.wgsl
// fused: a tile is 64 gate rows and the same 64 up rows, so a thread's two row quads are a gate quad and
// its up quad, and the gate and up products never go to memory.
// Split-K: with a grid z of S > 1, workgroup z sums only the z-th of S slices of the row length; slice 0
// goes to the outputs as usual and slices 1 … S−1 to `partial`, (S − 1, n_tokens, ROWS), which
// matmul_partials.wgsl then adds in. Products with few tiles (2048 rows × 512 tokens is 128 workgroups
// for an H100's 132 SMs) keep the GPU busy that way: 24 → 28–30 TFLOP/s for S = 2–3 there.
// matmul.wgsl (8 tokens per workgroup, no tiling of rows) stays as CPU rasterizers' kernel and the
// benchmark's baseline. Workgroup memory: 16·128·4 + 16·64·4 = 12 KiB.
// Grid: x = row tiles (ROWS / 128, GATED ROWS / 64), y = token tiles (n_tokens / 64), z = K slices.

const BM: u32 = 128u;
const BN: u32 = 64u;
const BK: u32 = 16u;

override CHUNKS: u32;          // chunks of 8 values per row (padded row length / 8)
override ROWS: u32;            // output features
override ROW_WORDS: u32;       // u32 words per weight row
override ROW_OFFSET: u32 = 0u; // rows of the buffer before this matrix (Q, K and V share one buffer)
override IN_STRIDE: u32;       // floats between consecutive tokens' input vectors (multiple of 32)
override OUT_STRIDE: u32;      // floats between consecutive tokens' outputs
override ACCUMULATE: bool;     // add into Y (the residual stream) instead of overwriting it
override SPLIT1: u32 = 0xffffffffu; // first row written to y2 (Q/K/V stacked); by default every row goes to y
override SPLIT2: u32 = 0xffffffffu; // first row written to y3
override OUT_STRIDE2: u32 = 0u;     // token stride of y2 and y3
override GATED: bool = false;       // ROWS gate rows then ROWS up rows: y = silu(gate)·up

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> y2: array<f32>;
@group(0) @binding(5) var<storage, read_write> y3: array<f32>;
@group(0) @binding(6) var<storage, read_write> partial: array<f32>; // split-K: (grid z − 1, n_tokens, ROWS)

var<workgroup> ws: array<vec4<f32>, 512>; // (BK, BM / 4): W transposed, k-major
var<workgroup> xs: array<vec4<f32>, 256>; // (BK, BN / 4): X transposed, k-major

fn put_w(k: u32, r: u32, v: f32) {
  ws[k * (BM / 4u) + r / 4u][r % 4u] = v;
}

fn put_x(k: u32, t: u32, v: f32) {
  xs[k * (BN / 4u) + t / 4u][t % 4u] = v;
}

// The tile row of thread tx's accumulator i.
fn row_of(tx: u32, i: u32) -> u32 {
  return select(4u * tx + i, BM / 2u + 4u * tx + i - 4u, i >= 4u);
}

// The output row of row r of tile `tile` (GATED: its gate rows and up rows both give outputs tile·64 …).
fn output_row(tile: u32, r: u32) -> u32 {
  if (GATED) {
    return tile * (BM / 2u) + r % (BM / 2u);
  }
  return tile * BM + r;
}

// The matrix row that row r of tile `tile` reads (GATED: up rows are ROWS after their gate rows).
fn matrix_row(tile: u32, r: u32) -> u32 {
  return ROW_OFFSET + output_row(tile, r) + select(0u, ROWS, GATED && r >= BM / 2u);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t0 = wg.y * BN;
  let n = step.n_tokens;
  let tx = lid % 16u; // rows 4·tx … 4·tx + 3 and 64 + 4·tx … 64 + 4·tx + 3 of the tile
  let ty = lid / 16u; // tokens ty·4 … ty·4 + 3 of the tile
  // what this thread loads: chunk (lid % 2) of the step for tile row lid / 2; vec4 (lid % 4) for token lid / 4
  let load_out = output_row(wg.x, lid / 2u);
  let load_row = matrix_row(wg.x, lid / 2u);
  let load_chunk = lid % 2u;
  let load_t = t0 + lid / 4u;
  let load_q = lid % 4u;
  // this workgroup's slice of the row length: steps of BK / 8 chunks, split evenly over grid z
  let per_slice = (CHUNKS / (BK / 8u) + groups.z - 1u) / groups.z * (BK / 8u);
  let c_begin = wg.z * per_slice;
  let c_end = min(c_begin + per_slice, CHUNKS);

  var acc: array<vec4<f32>, 8>; // acc[i][j]: tile row row_of(tx, i), token ty·4 + j
  for (var c0 = c_begin; c0 < c_end; c0 += BK / 8u) {
    let c = c0 + load_chunk;
    var w = Eight(vec4<f32>(0.0), vec4<f32>(0.0));
    if (load_out < ROWS && c < CHUNKS) {
      w = dequant_row8(load_row, c);
    }
    let kw = load_chunk * 8u;
    for (var j = 0u; j < 4u; j++) {
      put_w(kw + j, lid / 2u, w.lo[j]);
      put_w(kw + 4u + j, lid / 2u, w.hi[j]);
    }
    var xv = vec4<f32>(0.0);
    if (load_t < n) {
      xv = x[(load_t * IN_STRIDE) / 4u + c0 * 2u + load_q];
    }
    for (var j = 0u; j < 4u; j++) {
      put_x(load_q * 4u + j, lid / 4u, xv[j]);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      let a0 = ws[k * (BM / 4u) + tx];
      let a1 = ws[k * (BM / 4u) + BM / 8u + tx];
      let b = xs[k * (BN / 4u) + ty];
      acc[0] += a0.x * b;
      acc[1] += a0.y * b;
      acc[2] += a0.z * b;
      acc[3] += a0.w * b;
      acc[4] += a1.x * b;
      acc[5] += a1.y * b;
      acc[6] += a1.z * b;
      acc[7] += a1.w * b;
    }
    workgroupBarrier();
  }

  // constant trip counts and no early exit, so the loops unroll and acc stays in registers
  for (var i = 0u; i < 8u; i++) {
    let row = output_row(wg.x, row_of(tx, i));
    for (var j = 0u; j < 4u; j++) {
      let t = t0 + ty * 4u + j;
      if (row < ROWS && t < n) {
        if (GATED) {
          if (i < 4u) { // acc[i + 4] is the up row of gate row acc[i]
            let g = acc[i][j];
            y[t * OUT_STRIDE + row] = g / (1.0 + exp(-g)) * acc[i + 4u][j];
          }
        } else if (wg.z > 0u) {
          partial[((wg.z - 1u) * n + t) * ROWS + row] = acc[i][j];
        } else if (row >= SPLIT2) {
          y3[t * OUT_STRIDE2 + row - SPLIT2] = acc[i][j];
        } else if (row >= SPLIT1) {
          y2[t * OUT_STRIDE2 + row - SPLIT1] = acc[i][j];
        } else {
          let o = t * OUT_STRIDE + row;
          var sum = acc[i][j];
          if (ACCUMULATE) {
            sum += y[o];
          }
          y[o] = sum;
        }
      }
    }
  }
}
