// Rotary position embedding, in place on the query or key vectors of a batch. Adjacent pairs
// (2i, 2i+1) of every head (llama.cpp's "normal" mode, which GGUF llama models use) turn by angle
// p·θ_i at position p = pos0 + t; cos and sin are scaled by the attention factor (yarn's mscale).
// θ comes from a small per-pair table, so changing RoPE at run time rewrites only that table (and this
// uniform); pairs past `rotated_pairs` (partial rotary) pass through unscaled.
// cos/sin are computed here, not with the builtins: Vulkan lets those be off by 2⁻¹¹ (SwiftShader
// is), which moves logits by 1e-4 relative. The angle is reduced in turns — fract(p·θ/2π), then to an
// octant [−π/4, π/4] plus a quadrant — where short Taylor series are exact to f32 (error < 2e−9).

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

// (cos, sin) of 2π·turns.
fn cos_sin_turns(turns: f32) -> vec2<f32> {
  let r = fract(turns);                 // [0, 1)
  let quadrant = round(r * 4.0);        // 0…4
  let a = (r - quadrant * 0.25) * TWO_PI; // [−π/4, π/4]
  let a2 = a * a;
  let s = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362880.0)))));
  let c = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0))));
  switch (u32(quadrant) & 3u) {
    case 1u: { return vec2<f32>(-s, c); }
    case 2u: { return vec2<f32>(-c, -s); }
    case 3u: { return vec2<f32>(s, -c); }
    default: { return vec2<f32>(c, s); }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x % PAIRS;
  let h = (gid.x / PAIRS) % HEADS;
  let t = gid.x / (PAIRS * HEADS);
  if (t >= step.n_tokens || i >= rope.rotated_pairs) {
    return;
  }
  let cs = cos_sin_turns(f32(step.pos0 + t) * (inv_freq[i] * INV_TWO_PI)) * rope.attention_factor;
  let c = cs.x;
  let s = cs.y;
  let j = t * STRIDE + h * HEAD_DIM + 2u * i;
  let a = vec[j];
  let b = vec[j + 1u];
  vec[j] = a * c - b * s;
  vec[j + 1u] = a * s + b * c;
}
