// Appends the batch's keys and values to one layer's KV cache at positions pos0 … pos0 + n − 1.
// Cache layout (kv_heads, context, head_dim), so attention reads one head's keys contiguously.

override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;
override STRIDE: u32; // floats between consecutive tokens in k and v

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> k_cache: array<f32>;
@group(0) @binding(4) var<storage, read_write> v_cache: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let d = gid.x % HEAD_DIM;
  let h = (gid.x / HEAD_DIM) % KV_HEADS;
  let t = gid.x / (HEAD_DIM * KV_HEADS);
  let pos = step.pos0 + t;
  if (t >= step.n_tokens || pos >= CONTEXT) {
    return;
  }
  let src = t * STRIDE + h * HEAD_DIM + d;
  let dst = (h * CONTEXT + pos) * HEAD_DIM + d;
  k_cache[dst] = k[src];
  v_cache[dst] = v[src];
}
