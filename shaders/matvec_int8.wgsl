// y = W·x for ONE token (a decode step) with Q4_0 weights and x rounded to 8 bits, products by integer
// dot products — what llama.cpp does for Q4_0 on every backend (Q8_0/Q8_1 activations). matvec_vec4.wgsl
// turns every nibble into a float and multiplies it in f32: ~5 instructions a weight, which left it
// compute-bound at ~0.46 of the memory bandwidth on an H100. Here a 32-value group of x becomes 32 int8
// q = round(x / d) with d = max|x| / 127 (llama.cpp's Q8_0, the scale kept in f32), and a group of weights
// (16 bytes: nibbles n) meets it in eight dot4I8Packed, four products each:
//   Σ (n − 8)·d_w·q·d_x = d_w·d_x·(Σ n·q − 8·Σ q), Σ n·q and Σ q exact integers,
// so the result is W·x̃ up to f32 rounding of the sums, x̃ the rounded x — what the CPU reference computes
// with ReferenceOptions.int8Activations. Layout, threads, RPT, NORM and MODEs are matvec_vec4.wgsl's
// (lib/matvec_rows.wgsl); the difference is the staging: each tile of x is staged as f32 (x·g with NORM,
// Σx² summed), then thread j < 64 rounds group j into `xq` (8 packed words) and `xd` (d, Σq), and the
// lanes read their groups there (quant/dotq_q4_0.wgsl supplies dotq). With NORM the rounding applies to
// x·g and 1/rms(x) scales the sums, as matvec_vec4.wgsl does.
// The walk below repeats matvec_vec4.wgsl's on purpose: as one shared function returning the rows' sums,
// the gate+up product (MODE 1) ran 22% slower on an H100 (1.84 against 1.51 ms per 8B decode step).
// (Rounding x once in a dispatch of its own, read by every workgroup from memory, made the products
// 15–30% faster but cost more than it saved: 4 more dispatches a layer, ~5 µs each on an H100.)

@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;

var<workgroup> xq: array<vec4<u32>, 128>; // (TILE_GROUPS, 2): group j's 32 q, four per word (values 0..15, 16..31)
var<workgroup> xd: array<vec2<f32>, 64>;  // (TILE_GROUPS): group j's d and Σq

fn quantize4(v: vec4<f32>, inv_d: f32) -> vec4<i32> {
  return vec4<i32>(round(v * inv_d));
}

// Group j of the staged tile into xq and xd.
fn quantize_group(j: u32) {
  let b = j * PADDED;
  var amax = vec4<f32>(0.0);
  for (var i = 0u; i < 8u; i++) {
    amax = max(amax, abs(stage[b + i]));
  }
  let d = max(max(amax.x, amax.y), max(amax.z, amax.w)) / 127.0;
  let inv_d = select(0.0, 1.0 / d, d > 0.0);
  let q0 = quantize4(stage[b], inv_d);
  let q1 = quantize4(stage[b + 1u], inv_d);
  let q2 = quantize4(stage[b + 2u], inv_d);
  let q3 = quantize4(stage[b + 3u], inv_d);
  let q4 = quantize4(stage[b + 4u], inv_d);
  let q5 = quantize4(stage[b + 5u], inv_d);
  let q6 = quantize4(stage[b + 6u], inv_d);
  let q7 = quantize4(stage[b + 7u], inv_d);
  let s = q0 + q1 + q2 + q3 + q4 + q5 + q6 + q7;
  xq[2u * j] = vec4<u32>(pack4xI8(q0), pack4xI8(q1), pack4xI8(q2), pack4xI8(q3));
  xq[2u * j + 1u] = vec4<u32>(pack4xI8(q4), pack4xI8(q5), pack4xI8(q6), pack4xI8(q7));
  xd[j] = vec2<f32>(d, f32(s.x + s.y + s.z + s.w));
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
    if (lid < TILE_GROUPS) {
      quantize_group(lid);
    }
    workgroupBarrier();
    if (r0 < ROWS) {
      for (var k = lane; k < min(TILE_GROUPS, GROUPS - t0); k += LANES) {
        let xs = XQ(xq[2u * k], xq[2u * k + 1u], xd[k].x, i32(xd[k].y));
        let g = t0 + k;
        a0 += dotq(weight_row(r0, false), g, xs);
        if (gated) { u0 += dotq(weight_row(r0, true), g, xs); }
        if (RPT > 1u) {
          a1 += dotq(weight_row(r0 + 1u, false), g, xs);
          if (gated) { u1 += dotq(weight_row(r0 + 1u, true), g, xs); }
        }
        if (RPT > 2u) {
          a2 += dotq(weight_row(r0 + 2u, false), g, xs);
          a3 += dotq(weight_row(r0 + 3u, false), g, xs);
          if (gated) {
            u2 += dotq(weight_row(r0 + 2u, true), g, xs);
            u3 += dotq(weight_row(r0 + 3u, true), g, xs);
          }
        }
      }
    }
  }
  store_rows(lid, r0, vec4<f32>(a0, a1, a2, a3), vec4<f32>(u0, u1, u2, u3), squares);
}
