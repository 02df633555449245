// Bias add: y[t, i] += bias[i] for every token t of the batch and i < DIM (Qwen2's q, k and v biases,
// added after the projection, before the q/k norm and RoPE). One thread per element; rows STRIDE apart.

override DIM: u32;
override STRIDE: u32; // floats between consecutive tokens of y

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.x + gid.y * groups.x * 64u; // grid2d: rows of workgroups when one row cannot hold them all
  let t = e / DIM;
  if (t >= step.n_tokens) {
    return;
  }
  let i = e % DIM;
  y[t * STRIDE + i] += bias[i];
}
