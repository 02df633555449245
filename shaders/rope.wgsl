// Rotary position embedding, in place on the query or key vectors of a batch. Adjacent pairs
// (2i, 2i+1) of every head (llama.cpp's "normal" mode, which GGUF llama models use) turn by angle
// p·θ_i at position p = pos0 + t; cos and sin are scaled by the attention factor (yarn's mscale).
// θ comes from a small per-pair table, so changing RoPE at run time rewrites only that table (and this
// uniform); pairs past `rotated_pairs` (partial rotary) pass through unscaled.
// The angle is range-reduced in turns (fract) before cos/sin: GPU sin/cos are only accurate near
// [−π, π], and positions reach 10⁵.

override HEADS: u32;
override HEAD_DIM: u32;
override PAIRS: u32;  // HEAD_DIM / 2
override STRIDE: u32; // floats between consecutive tokens

struct Rope {
  attention_factor: f32,
  rotated_pairs: u32,
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> rope: Rope;
@group(0) @binding(2) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(3) var<storage, read_write> vec: array<f32>;

const INV_TWO_PI: f32 = 0.15915494309189535;
const TWO_PI: f32 = 6.283185307179586;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x % PAIRS;
  let h = (gid.x / PAIRS) % HEADS;
  let t = gid.x / (PAIRS * HEADS);
  if (t >= step.n_tokens || i >= rope.rotated_pairs) {
    return;
  }
  let turns = f32(step.pos0 + t) * (inv_freq[i] * INV_TWO_PI);
  let angle = fract(turns) * TWO_PI;
  let c = cos(angle) * rope.attention_factor;
  let s = sin(angle) * rope.attention_factor;
  let j = t * STRIDE + h * HEAD_DIM + 2u * i;
  let a = vec[j];
  let b = vec[j + 1u];
  vec[j] = a * c - b * s;
  vec[j + 1u] = a * s + b * c;
}
