// Y = W·X for a batch of token vectors: the fused dequantize-and-multiply kernel of every projection
// (Q/K/V/O, gate/up/down, LM head), any weight type (the quant library composed before this file
// supplies dequant_row8). A workgroup of 64 threads owns 64/TPR weight rows and a tile of up to TILE_T
// tokens; the TPR threads of a row stride over it in chunks of 8 values, dequantize each chunk ONCE
// and multiply it into every token of the tile (so prompt processing reuses each dequantized chunk
// TILE_T times), then a tree reduction in workgroup memory sums the TPR partials of each row.
// TPR trades parallelism per row against barriers: GPUs want many threads per row; a CPU rasterizer
// (SwiftShader), where each barrier costs microseconds, wants few.
// Grid: x·y = row groups (y > 1 only past 65535 groups), z = token tiles.

const WG: u32 = 64u;
const TILE_T: u32 = 8u;

override TPR: u32 = 8u;    // threads per row, a power of two ≤ 64
override CHUNKS: u32;      // chunks of 8 values per row (padded row length / 8)
override ROWS: u32;        // output features
override ROW_WORDS: u32;   // u32 words per weight row
override ROW_OFFSET: u32 = 0u; // rows of the buffer before this matrix (Q, K and V share one buffer)
override IN_STRIDE: u32;   // floats between consecutive tokens' input vectors (multiple of 8)
override OUT_STRIDE: u32;  // floats between consecutive tokens' outputs
override ACCUMULATE: bool; // add into Y (the residual stream) instead of overwriting it

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

var<workgroup> partial: array<f32, 512>; // (TILE_T, WG)

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let lane = lid % TPR;
  let row = (wg.x + wg.y * groups.x) * (WG / TPR) + lid / TPR;
  let t0 = wg.z * TILE_T;
  var tokens = 0u; // uniform across the workgroup: it bounds the barrier loops below
  if (t0 < step.n_tokens) {
    tokens = min(step.n_tokens - t0, TILE_T);
  }
  var acc: array<f32, 8>;
  if (row < ROWS) {
    for (var c = lane; c < CHUNKS; c += TPR) {
      let w = dequant_row8(ROW_OFFSET + row, c);
      for (var t = 0u; t < tokens; t++) {
        let xi = ((t0 + t) * IN_STRIDE) / 4u + c * 2u;
        acc[t] += dot(w.lo, x[xi]) + dot(w.hi, x[xi + 1u]);
      }
    }
  }
  if (TPR > 1u) {
    for (var t = 0u; t < tokens; t++) {
      partial[t * WG + lid] = acc[t];
    }
    workgroupBarrier();
    for (var half = TPR / 2u; half > 0u; half >>= 1u) {
      if (lane < half) {
        for (var t = 0u; t < tokens; t++) {
          partial[t * WG + lid] += partial[t * WG + lid + half];
        }
      }
      workgroupBarrier();
    }
    for (var t = 0u; t < tokens; t++) {
      acc[t] = partial[t * WG + lid];
    }
  }
  if (row < ROWS && lane == 0u) {
    for (var t = 0u; t < tokens; t++) {
      let o = (t0 + t) * OUT_STRIDE + row;
      var sum = acc[t];
      if (ACCUMULATE) {
        sum += y[o];
      }
      y[o] = sum;
    }
  }
}
