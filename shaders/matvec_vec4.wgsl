// y = W·x for ONE token (a decode step) when W's 32-value groups are whole 16-byte words — F32, F16,
// and Q8_0/Q4_0 in the split row layout (gpu/weights.ts). The decode hot path is a memory stream (each
// weight is read once for 2 FLOPs), so the kernel is built around its loads:
//   - a workgroup of 256 threads is 8 slots × 32 lanes; a slot owns RPT consecutive output rows and its
//     lanes take the rows' 32-value groups in turn (lane, lane + 32, …), so one warp-wide load of a row
//     covers 512 (Q4_0) to 4096 (F32) contiguous bytes, in 16-byte pieces (array<vec4<u32>>);
//   - per group a lane loads x's 32 values once (8 vec4, from cache) and multiplies them into all its
//     rows, whose weight loads are independent (quant/dot32_<type>.wgsl supplies dot32, quant/x32.wgsl
//     the X32 it takes);
//   - one barrier, then lane j of each slot sums row j's 32 partials from workgroup memory.
// MODE fuses what follows the product into the same dispatch (each dispatch costs microseconds):
//   0  y[r] = W_r·x, or y[r] += W_r·x with ACCUMULATE (the residual stream)
//   1  y[r] = silu(W_r·x)·(W_{r+ROWS}·x): gate and up stacked in one buffer, SwiGLU applied
//   2  rows [0, SPLIT1) → y, [SPLIT1, SPLIT2) → y2, [SPLIT2, ROWS) → y3: Q, K and V stacked
// Grid: x·y = row groups of 8·RPT rows (y > 1 only past 65535 groups).

const WG: u32 = 256u;
const LANES: u32 = 32u;
const SLOTS: u32 = 8u; // WG / LANES

override RPT: u32 = 1u;        // output rows per slot: 1, 2 or 4
override GROUPS: u32;          // 32-value groups per row
override ROWS: u32;            // output rows
override ROW_WORDS: u32;       // u32 words per weight row, a multiple of 4
override ROW_OFFSET: u32 = 0u; // rows of the buffer before this matrix
override ACCUMULATE: bool = false;
override MODE: u32 = 0u;
override SPLIT1: u32 = 0u;     // MODE 2: first K row
override SPLIT2: u32 = 0u;     // MODE 2: first V row

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights4: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> y2: array<f32>;
@group(0) @binding(5) var<storage, read_write> y3: array<f32>;

var<workgroup> partial: array<f32, 2048>; // (8 accumulators, WG)

// Weight row (in the buffer) of output row r, or of its up row in MODE 1; rows past the matrix read its
// last row (in bounds, never written) so the walk has no per-row branches.
fn weight_row(r: u32, up: bool) -> u32 {
  return ROW_OFFSET + min(r, ROWS - 1u) + select(0u, ROWS, up);
}

fn row_sum(j: u32, slot: u32) -> f32 {
  var s = 0.0;
  for (var i = 0u; i < LANES; i++) {
    s += partial[j * WG + slot * LANES + i];
  }
  return s;
}

// Accumulators are named variables, not an indexed array (which a compiler may put in slow local memory);
// RPT and MODE are overrides, so the branches on them are resolved when the pipeline is made.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  if (step.n_tokens != 1u) {
    return; // a batch: matmul.wgsl's job (uniform: every invocation returns)
  }
  let lane = lid % LANES;
  let slot = lid / LANES;
  let r0 = ((wg.x + wg.y * groups.x) * SLOTS + slot) * RPT;
  let gated = MODE == 1u;
  var a0 = 0.0; var a1 = 0.0; var a2 = 0.0; var a3 = 0.0; // rows r0 … r0 + 3
  var u0 = 0.0; var u1 = 0.0; var u2 = 0.0; var u3 = 0.0; // their up rows (MODE 1)
  if (r0 < ROWS) {
    for (var g = lane; g < GROUPS; g += LANES) {
      let xs = X32(x[8u * g], x[8u * g + 1u], x[8u * g + 2u], x[8u * g + 3u],
                   x[8u * g + 4u], x[8u * g + 5u], x[8u * g + 6u], x[8u * g + 7u]);
      a0 += dot32(weight_row(r0, false), g, xs);
      if (gated) { u0 += dot32(weight_row(r0, true), g, xs); }
      if (RPT > 1u) {
        a1 += dot32(weight_row(r0 + 1u, false), g, xs);
        if (gated) { u1 += dot32(weight_row(r0 + 1u, true), g, xs); }
      }
      if (RPT > 2u) {
        a2 += dot32(weight_row(r0 + 2u, false), g, xs);
        a3 += dot32(weight_row(r0 + 3u, false), g, xs);
        if (gated) {
          u2 += dot32(weight_row(r0 + 2u, true), g, xs);
          u3 += dot32(weight_row(r0 + 3u, true), g, xs);
        }
      }
    }
  }
  partial[lid] = a0;
  partial[WG + lid] = a1;
  partial[2u * WG + lid] = a2;
  partial[3u * WG + lid] = a3;
  partial[4u * WG + lid] = u0;
  partial[5u * WG + lid] = u1;
  partial[6u * WG + lid] = u2;
  partial[7u * WG + lid] = u3;
  workgroupBarrier();
  let r = r0 + lane;
  if (lane >= RPT || r >= ROWS) {
    return;
  }
  let s = row_sum(lane, slot);
  if (gated) {
    y[r] = s / (1.0 + exp(-s)) * row_sum(4u + lane, slot);
  } else if (MODE == 2u) {
    if (r < SPLIT1) {
      y[r] = s;
    } else if (r < SPLIT2) {
      y2[r - SPLIT1] = s;
    } else {
      y3[r - SPLIT2] = s;
    }
  } else if (ACCUMULATE) {
    y[r] += s;
  } else {
    y[r] = s;
  }
}
