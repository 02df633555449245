// What the decode matvec kernels (matvec_vec4.wgsl, matvec_int8.wgsl) share: their overrides, bindings and
// workgroup `stage`, the row walk, the staging of x (times the norm's weights), and the epilogue that sums
// the lanes' partial dot products and writes each row as MODE says.

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
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>; // (GROUPS·8) the input, as f32
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> y2: array<f32>;
@group(0) @binding(5) var<storage, read_write> y3: array<f32>;
// binding 6, the RMSNorm weights (with NORM), is each kernel's own, with its norm4(q): the weights of x[q]

const TILE_GROUPS: u32 = 64u; // groups of x staged per tile: 2048 values
const PADDED: u32 = 9u;       // vec4 slots per staged group

// x tiles (TILE_GROUPS, PADDED), then the partial sums (8 accumulators and Σx², WG) as 576 vec4
var<workgroup> stage: array<vec4<f32>, 576>;

// Groups t0 … t0 + n − 1 of x (times the norm's weights with NORM) into `stage`, n ≤ TILE_GROUPS, a vec4
// per thread in turn so a warp's reads are coalesced; returns this thread's share of Σx² (NORM).
fn stage_x(t0: u32, n: u32, lid: u32) -> f32 {
  var squares = 0.0;
  for (var i = lid; i < 8u * n; i += WG) {
    var v = x[8u * t0 + i];
    if (NORM) {
      squares += dot(v, v);
      v *= norm4(8u * t0 + i);
    }
    stage[(i / 8u) * PADDED + i % 8u] = v;
  }
  return squares;
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

// The epilogue: every thread's partials (rows a, up rows u, Σx²) go to `stage`, and lane j of each slot
// sums row r0 + j's, scales it by 1/rms(x) with NORM, and writes it as MODE says. Called in uniform control
// flow (it holds barriers).
fn store_rows(lid: u32, r0: u32, a: vec4<f32>, u: vec4<f32>, squares: f32) {
  let lane = lid % LANES;
  let slot = lid / LANES;
  let gated = MODE == 1u;
  workgroupBarrier(); // the last tile has been read: the stage now takes the partial sums
  put_partial(0u, lid, a.x);
  put_partial(1u, lid, a.y);
  put_partial(2u, lid, a.z);
  put_partial(3u, lid, a.w);
  put_partial(4u, lid, u.x);
  put_partial(5u, lid, u.y);
  put_partial(6u, lid, u.z);
  put_partial(7u, lid, u.w);
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
