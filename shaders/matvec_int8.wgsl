// y = W·x for ONE token (a decode step) with Q4_0 or Q8_0 weights and x rounded to 8 bits, products by
// integer dot products — what llama.cpp does for both on every backend (Q8_0/Q8_1 activations).
// matvec_vec4.wgsl turns every weight into a float and multiplies it in f32: ~5 instructions a Q4_0 weight,
// which left it compute-bound at ~0.46 of the memory bandwidth on an H100. Here a 32-value group of x
// becomes 32 int8 q = round(x / d) with d = max|x| / 127 (llama.cpp's Q8_0, the scale kept in f32), and a
// group of weights meets it in eight dot4I8Packed, four products each (quant/dotq_<type>.wgsl), e.g. Q4_0
// (nibbles n):  Σ (n − 8)·d_w·q·d_x = d_w·d_x·(Σ n·q − 8·Σ q), Σ n·q and Σ q exact integers,
// so the result is W·x̃ up to f32 rounding of the sums, x̃ the rounded x — what the CPU reference computes
// with ReferenceOptions.int8Activations. Layout, threads, RPT, NORM and MODEs are matvec_vec4.wgsl's
// (lib/matvec_rows.wgsl). What differs is x, rounded per tile of XT groups into `xq` (8 packed words a
// group) and `xd` (d, Σq) before the weights are read (round_tile):
//   - without NORM, thread j rounds group j straight from memory, and the host makes XT the whole row
//     wherever workgroup memory holds it, so a workgroup rounds x once and its weights then stream with no
//     barrier. On an H100 that took the 8B's ffn_down (4096×14336) from 25.8 to 20.2 µs, with 4 rows a
//     slot (128 workgroups), and attn_output (4096×4096) from 7.7 to 7.0;
//   - with NORM, x·g is staged in `stage` 64 groups at a time first, as matvec_vec4.wgsl does, and Σx²
//     summed; the rounding applies to x·g and 1/rms(x) scales the sums;
//   - before rounding, each lane loads its first PREFETCH groups of every row, so memory is busy while x
//     is read and rounded (the 32000×4096 LM head: 36.2 → 31.9 µs).
// The walk below repeats matvec_vec4.wgsl's on purpose: as one shared function returning the rows' sums,
// the gate+up product (MODE 1) ran 22% slower on an H100 (1.84 against 1.51 ms per 8B decode step). For
// the same reason the prefetched groups and the rest have a block each.
// (Rounding x once in a dispatch of its own, read by every workgroup from memory, made the products
// 15–30% faster but cost more than it saved: 4 more dispatches a layer, ~5 µs each on an H100.)

// (DIM / 4) RMSNorm weights, with NORM: Q4_0/Q8_0 rows are whole groups, so DIM = 32·GROUPS and every
// group of x has its eight vec4 of weights
@group(0) @binding(6) var<storage, read> norm: array<vec4<f32>>;

fn norm4(q: u32) -> vec4<f32> {
  return norm[q];
}

override XT: u32 = 64u; // groups of x rounded per tile: with NORM ≤ TILE_GROUPS (the stage's), else as many as fit
// groups of each row a lane loads before x is rounded: PREFETCH·RPT·(1 + gated) ≤ 8 registers of WQ
override PREFETCH: u32 = select(2u, 1u, MODE == 1u);

var<workgroup> xq: array<vec4<u32>, 2u * XT>; // (XT, 2): group j's 32 q, four per word (values 0..15, 16..31)
var<workgroup> xd: array<vec2<f32>, XT>;      // (XT): group j's d and Σq

fn round4(v: vec4<f32>, inv_d: f32) -> vec4<i32> {
  return vec4<i32>(round(v * inv_d));
}

// Group j of the tile (x's 32 values in v0 … v7) rounded into xq and xd.
fn round_group(j: u32, v0: vec4<f32>, v1: vec4<f32>, v2: vec4<f32>, v3: vec4<f32>,
               v4: vec4<f32>, v5: vec4<f32>, v6: vec4<f32>, v7: vec4<f32>) {
  let amax = max(max(max(abs(v0), abs(v1)), max(abs(v2), abs(v3))), max(max(abs(v4), abs(v5)), max(abs(v6), abs(v7))));
  let d = max(max(amax.x, amax.y), max(amax.z, amax.w)) / 127.0;
  let inv_d = select(0.0, 1.0 / d, d > 0.0);
  let q0 = round4(v0, inv_d); let q1 = round4(v1, inv_d); let q2 = round4(v2, inv_d); let q3 = round4(v3, inv_d);
  let q4 = round4(v4, inv_d); let q5 = round4(v5, inv_d); let q6 = round4(v6, inv_d); let q7 = round4(v7, inv_d);
  let s = q0 + q1 + q2 + q3 + q4 + q5 + q6 + q7;
  xq[2u * j] = vec4<u32>(pack4xI8(q0), pack4xI8(q1), pack4xI8(q2), pack4xI8(q3));
  xq[2u * j + 1u] = vec4<u32>(pack4xI8(q4), pack4xI8(q5), pack4xI8(q6), pack4xI8(q7));
  xd[j] = vec2<f32>(d, f32(s.x + s.y + s.z + s.w));
}

// The tile of x from group t0 (n groups) into xq and xd; returns this thread's share of Σx² (NORM).
// Without NORM, thread j reads group j and rounds it. With NORM, all threads first stage x·g in `stage`
// (stage_x, as matvec_vec4.wgsl does; XT ≤ TILE_GROUPS), then thread j rounds group j from there:
// rounding x·g straight from memory (a thread per group) measured no faster on an H100.
fn round_tile(t0: u32, n: u32, lid: u32) -> f32 {
  var squares = 0.0;
  if (NORM) {
    squares = stage_x(t0, n, lid);
    workgroupBarrier();
    if (lid < n) {
      let b = lid * PADDED;
      round_group(lid, stage[b], stage[b + 1u], stage[b + 2u], stage[b + 3u], stage[b + 4u], stage[b + 5u], stage[b + 6u], stage[b + 7u]);
    }
  } else {
    for (var j = lid; j < n; j += WG) {
      let b = 8u * (t0 + j);
      round_group(j, x[b], x[b + 1u], x[b + 2u], x[b + 3u], x[b + 4u], x[b + 5u], x[b + 6u], x[b + 7u]);
    }
  }
  return squares;
}

fn staged(k: u32) -> XQ {
  return XQ(xq[2u * k], xq[2u * k + 1u], xd[k].x, i32(xd[k].y));
}

// Where prefetch p of row r0 + i (its up row with `up`) is kept.
fn held(p: u32, i: u32, up: bool) -> u32 {
  return (p * RPT + i) * select(1u, 2u, MODE == 1u) + select(0u, 1u, up);
}

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
  var squares = 0.0; // Σx² over the groups this thread rounded (NORM)
  for (var t0 = 0u; t0 < GROUPS; t0 += XT) {
    let n = min(XT, GROUPS - t0);
    var w: array<WQ, 8>;
    for (var p = 0u; p < PREFETCH; p++) {
      let g = t0 + min(lane + p * LANES, n - 1u);
      for (var i = 0u; i < 4u; i++) {
        if (i < RPT) {
          w[held(p, i, false)] = load_group(weight_row(r0 + i, false), g);
          if (gated) { w[held(p, i, true)] = load_group(weight_row(r0 + i, true), g); }
        }
      }
    }
    workgroupBarrier(); // the previous tile has been read
    squares += round_tile(t0, n, lid);
    workgroupBarrier();
    if (r0 < ROWS) {
      for (var p = 0u; p < PREFETCH; p++) {
        let k = lane + p * LANES;
        if (k < n) {
          let xs = staged(k);
          a0 += dotq(w[held(p, 0u, false)], xs);
          if (gated) { u0 += dotq(w[held(p, 0u, true)], xs); }
          if (RPT > 1u) {
            a1 += dotq(w[held(p, 1u, false)], xs);
            if (gated) { u1 += dotq(w[held(p, 1u, true)], xs); }
          }
          if (RPT > 2u) {
            a2 += dotq(w[held(p, 2u, false)], xs);
            a3 += dotq(w[held(p, 3u, false)], xs);
            if (gated) {
              u2 += dotq(w[held(p, 2u, true)], xs);
              u3 += dotq(w[held(p, 3u, true)], xs);
            }
          }
        }
      }
      for (var k = lane + PREFETCH * LANES; k < n; k += LANES) {
        let xs = staged(k);
        let g = t0 + k;
        a0 += dotq(load_group(weight_row(r0, false), g), xs);
        if (gated) { u0 += dotq(load_group(weight_row(r0, true), g), xs); }
        if (RPT > 1u) {
          a1 += dotq(load_group(weight_row(r0 + 1u, false), g), xs);
          if (gated) { u1 += dotq(load_group(weight_row(r0 + 1u, true), g), xs); }
        }
        if (RPT > 2u) {
          a2 += dotq(load_group(weight_row(r0 + 2u, false), g), xs);
          a3 += dotq(load_group(weight_row(r0 + 3u, false), g), xs);
          if (gated) {
            u2 += dotq(load_group(weight_row(r0 + 2u, true), g), xs);
            u3 += dotq(load_group(weight_row(r0 + 3u, true), g), xs);
          }
        }
      }
    }
  }
  store_rows(lid, r0, vec4<f32>(a0, a1, a2, a3), vec4<f32>(u0, u1, u2, u3), squares);
}
