// y = W·x for ONE token (a decode step) when W's 32-value groups are whole 16-byte words — F32, F16,
// and Q8_0/Q4_0 in the split row layout (gpu/weights.ts). The decode hot path is a memory stream (each
// weight is read once for 2 FLOPs), so the kernel is built around its loads:
//   - a workgroup of 256 threads is 8 slots × 32 lanes; a slot owns RPT consecutive output rows and its
//     lanes take the rows' 32-value groups in turn (lane, lane + 32, …), so one warp-wide load of a row
//     covers 512 (Q4_0) to 4096 (F32) contiguous bytes, in 16-byte pieces (array<vec4<u32>>);
//   - x is staged in workgroup memory a tile of 64 groups at a time, loaded once per workgroup with
//     coalesced reads (a lane reading its own 32 values straight from memory would touch a separate
//     cache line per lane and load); each staged group takes 9 vec4 slots, so the 8 vec4 reads of the
//     lanes of a warp fall in different banks;
//   - a lane multiplies its group of x into all its rows, whose weight loads are independent
//     (quant/dot32_<type>.wgsl supplies dot32, quant/x32.wgsl the X32 it takes);
//   - the partial sums go to the same workgroup memory, and lane j of each slot sums row j's 32.
// With NORM, the input is the residual stream and the kernel applies RMSNorm itself: it stages x·g (g the
// norm's weights) and sums x² while staging, and scales each dot product by 1/rms(x) at the end — the
// same result as rmsnorm.wgsl followed by the product, one dispatch fewer.
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
override NORM: bool = false;   // apply RMSNorm with weights `norm` to x first
override DIM: u32 = 0u;        // NORM: values of x (the rest of the padded row is zero)
override EPS: f32 = 0.0;       // NORM: the norm's epsilon

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights4: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> y2: array<f32>;
@group(0) @binding(5) var<storage, read_write> y3: array<f32>;
@group(0) @binding(6) var<storage, read> norm: array<f32>; // (DIM) RMSNorm weights, with NORM

const TILE_GROUPS: u32 = 64u; // groups of x staged per tile: 2048 values
const PADDED: u32 = 9u;       // vec4 slots per staged group

// x tiles (TILE_GROUPS, PADDED), then the partial sums (8 accumulators and Σx², WG) as 576 vec4
var<workgroup> stage: array<vec4<f32>, 576>;

// Element i of the norm's weights, zero past DIM (where x is zero too).
fn norm_at(i: u32) -> f32 {
  return select(0.0, norm[min(i, DIM - 1u)], i < DIM);
}

fn norm4(q: u32) -> vec4<f32> {
  return vec4<f32>(norm_at(4u * q), norm_at(4u * q + 1u), norm_at(4u * q + 2u), norm_at(4u * q + 3u));
}

fn put_partial(j: u32, lid: u32, v: f32) {
  let p = j * WG + lid;
  stage[p / 4u][p % 4u] = v;
}

// Weight row (in the buffer) of output row r, or of its up row in MODE 1; rows past the matrix read its
// last row (in bounds, never written) so the walk has no per-row branches.
fn weight_row(r: u32, up: bool) -> u32 {
  return ROW_OFFSET + min(r, ROWS - 1u) + select(0u, ROWS, up);
}

fn row_sum(j: u32, slot: u32) -> f32 {
  let first = (j * WG + slot * LANES) / 4u;
  var s = vec4<f32>(0.0);
  for (var i = 0u; i < LANES / 4u; i++) {
    s += stage[first + i];
  }
  return s.x + s.y + s.z + s.w;
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
  var squares = 0.0; // Σx² over what this thread staged (NORM)
  for (var t0 = 0u; t0 < GROUPS; t0 += TILE_GROUPS) {
    workgroupBarrier(); // the previous tile has been read
    for (var i = lid; i < TILE_GROUPS * 8u; i += WG) {
      let g = t0 + i / 8u;
      var v = vec4<f32>(0.0);
      if (g < GROUPS) {
        v = x[8u * g + i % 8u];
        if (NORM) {
          squares += dot(v, v);
          v *= norm4(8u * g + i % 8u);
        }
      }
      stage[(i / 8u) * PADDED + i % 8u] = v;
    }
    workgroupBarrier();
    if (r0 < ROWS) {
      for (var k = lane; k < min(TILE_GROUPS, GROUPS - t0); k += LANES) {
        let b = k * PADDED;
        let xs = X32(stage[b], stage[b + 1u], stage[b + 2u], stage[b + 3u], stage[b + 4u], stage[b + 5u], stage[b + 6u], stage[b + 7u]);
        let g = t0 + k;
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
  }
  workgroupBarrier(); // the last tile has been read: the stage now takes the partial sums
  put_partial(0u, lid, a0);
  put_partial(1u, lid, a1);
  put_partial(2u, lid, a2);
  put_partial(3u, lid, a3);
  put_partial(4u, lid, u0);
  put_partial(5u, lid, u1);
  put_partial(6u, lid, u2);
  put_partial(7u, lid, u3);
  put_partial(8u, lid, squares);
  workgroupBarrier();
  let r = r0 + lane;
  if (lane >= RPT || r >= ROWS) {
    return;
  }
  var scale = 1.0;
  if (NORM) {
    var total = vec4<f32>(0.0);
    for (var i = 0u; i < WG / 4u; i++) {
      total += stage[(8u * WG) / 4u + i];
    }
    scale = inverseSqrt((total.x + total.y + total.z + total.w) / f32(DIM) + EPS);
  }
  let s = scale * row_sum(lane, slot);
  if (gated) {
    y[r] = s / (1.0 + exp(-s)) * scale * row_sum(4u + lane, slot);
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
