// Per-head RMSNorm (Qwen3's and Gemma 3's q/k norm): each head's HEAD_DIM values of a token become
// x / sqrt(mean(x²) + eps) ⊙ weight, weight shared by every head, in place. One workgroup of WG threads
// per (token, head): strided sums of squares, then a tree reduction in workgroup memory, as rmsnorm.wgsl.

override HEADS: u32;
override HEAD_DIM: u32;
override STRIDE: u32; // floats between consecutive tokens
override EPS: f32;
override WG: u32 = 64u; // a power of two

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>; // (HEAD_DIM)

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wg.x;
  if (t >= step.n_tokens || wg.y >= HEADS) {
    return;
  }
  let base = t * STRIDE + wg.y * HEAD_DIM;
  var ss = 0.0;
  for (var i = lid; i < HEAD_DIM; i += WG) {
    ss += x[base + i] * x[base + i];
  }
  partial[lid] = ss;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  let scale = inverseSqrt(partial[0] / f32(HEAD_DIM) + EPS);
  for (var i = lid; i < HEAD_DIM; i += WG) {
    x[base + i] = x[base + i] * scale * weight[i];
  }
}
