// SwiGLU gating of the feed-forward block, in place: gate = silu(gate) ⊙ up, silu(g) = g·σ(g).

override DIM: u32;
override STRIDE: u32;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read_write> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;

// Grid: x·y = groups of 64 elements (y > 1 past 65535 groups: a batch of 512 tokens × FFN 8192).
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.x + gid.y * groups.x * 64u;
  let i = e % DIM;
  let t = e / DIM;
  if (t >= step.n_tokens) {
    return;
  }
  let j = t * STRIDE + i;
  let g = gate[j];
  gate[j] = g / (1.0 + exp(-g)) * up[j];
}
