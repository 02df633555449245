// RMSNorm: out[t] = x[t] / sqrt(mean(x[t]²) + eps) ⊙ weight, one workgroup per token: each of the WG
// threads sums squares over a strided slice, a tree reduction in workgroup memory gives the mean.
// WG is large (256) because at decode one workgroup does the whole vector: with 64 threads each thread
// waited on 32 dependent loads in turn (~30 µs on an H100); with 256 it is 8.

override DIM: u32;
override STRIDE: u32; // floats between consecutive tokens (x and out)
override EPS: f32;
override WG: u32 = 256u; // a power of two

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wg.x;
  if (t >= step.n_tokens) {
    return;
  }
  let base = t * STRIDE;
  var ss = 0.0;
  for (var i = lid; i < DIM; i += WG) {
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
  let scale = inverseSqrt(partial[0] / f32(DIM) + EPS);
  for (var i = lid; i < DIM; i += WG) {
    out[base + i] = x[base + i] * scale * weight[i];
  }
}
