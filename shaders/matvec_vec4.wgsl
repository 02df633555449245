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
// (Overrides, bindings and the epilogue are in lib/matvec_rows.wgsl, shared with matvec_int8.wgsl.)
//   - the partial sums go to the same workgroup memory, and lane j of each slot sums row j's 32.
// With NORM, the input is the residual stream and the kernel applies RMSNorm itself: it stages x·g (g the
// norm's weights) and sums x² while staging, and scales each dot product by 1/rms(x) at the end — the
// same result as rmsnorm.wgsl followed by the product, one dispatch fewer.
// MODE fuses what follows the product into the same dispatch (each dispatch costs microseconds):
//   0  y[r] = W_r·x, or y[r] += W_r·x with ACCUMULATE (the residual stream)
//   1  y[r] = silu(W_r·x)·(W_{r+ROWS}·x): gate and up stacked in one buffer, SwiGLU applied
//   2  rows [0, SPLIT1) → y, [SPLIT1, SPLIT2) → y2, [SPLIT2, ROWS) → y3: Q, K and V stacked
// Grid: x·y = row groups of 8·RPT rows (y > 1 only past 65535 groups).

@group(0) @binding(6) var<storage, read> norm: array<f32>; // (DIM) RMSNorm weights, with NORM

// Element i of the norm's weights, zero past DIM (where x is zero too: F32/F16 rows may end mid-group).
fn norm_at(i: u32) -> f32 {
  return select(0.0, norm[min(i, DIM - 1u)], i < DIM);
}

fn norm4(q: u32) -> vec4<f32> {
  return vec4<f32>(norm_at(4u * q), norm_at(4u * q + 1u), norm_at(4u * q + 2u), norm_at(4u * q + 3u));
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
    squares += stage_x(t0, min(TILE_GROUPS, GROUPS - t0), lid);
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
  store_rows(lid, r0, vec4<f32>(a0, a1, a2, a3), vec4<f32>(u0, u1, u2, u3), squares);
}
