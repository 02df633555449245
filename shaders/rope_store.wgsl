// Rotary position embedding of the batch's queries and keys, fused with appending keys and values to
// one layer's KV cache (one dispatch instead of three). Pair i of every head turns by angle p·θ_i at
// position p = pos0 + t; the pair is dims (2i, 2i+1) (llama.cpp's "normal" mode, Llama) or, with NEOX,
// dims (i, i + R) for R rotated pairs (llama.cpp's NEOX mode: Qwen, Gemma, Phi). A layer without RoPE
// (ROTATE false: SmolLM3's NoPE layers) only stores k and v. cos and sin are scaled by the attention
// factor (yarn's mscale). θ comes from a small
// per-pair table, so changing RoPE at run time rewrites only that table and this uniform; pairs past
// `rotated_pairs` (partial rotary) pass through unscaled.
// cos/sin are computed here, not with the builtins: Vulkan lets those be off by 2⁻¹¹ (SwiftShader
// is), which moves logits by 1e-4 relative. The angle is reduced in turns — fract(p·θ/2π), then to an
// octant [−π/4, π/4] plus a quadrant — where short Taylor series are exact to f32 (error < 2e−9).
// Threads: per token, HEADS·PAIRS query pairs, then KV_HEADS·PAIRS key/value pairs. A query thread
// rotates its pair in place (with NEOX, threads i ≥ R have nothing to do: those dims pass through); a
// key thread writes cache word i, dims (2i, 2i+1), which NEOX takes from two pairs, each read from k.
// Cache layout (kv_heads, context, head_dim), so attention reads one head's keys contiguously; each
// thread's pair is one KvPair, stored as f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl).

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;
override Q_STRIDE: u32;  // floats between consecutive tokens' queries
override KV_STRIDE: u32; // floats between consecutive tokens' keys (and values)
override NEOX: bool = false;  // pairs (i, i + R) instead of (2i, 2i + 1)
override ROTATE: bool = true; // false: a NoPE layer, q and k pass through

struct Rope {
  attention_factor: f32,
  rotated_pairs: u32,
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> rope: Rope;
@group(0) @binding(2) var<storage, read> inv_freq: array<f32>; // θ_i, HEAD_DIM / 2 entries
@group(0) @binding(3) var<storage, read_write> q: array<f32>;
@group(0) @binding(4) var<storage, read> k: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read_write> k_cache: array<KvPair>; // (kv_heads, CONTEXT, HEAD_DIM / 2)
@group(0) @binding(7) var<storage, read_write> v_cache: array<KvPair>;

const INV_TWO_PI: f32 = 0.15915494309189535;
const TWO_PI: f32 = 6.283185307179586;

// (cos, sin) of 2π·turns.
fn cos_sin_turns(turns: f32) -> vec2<f32> {
  let r = fract(turns);                   // [0, 1)
  let quadrant = round(r * 4.0);          // 0…4
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

// The pair (a, b) rotated by pair i's angle at position pos (identity past the rotated pairs).
fn rotate(a: f32, b: f32, i: u32, pos: u32) -> vec2<f32> {
  if (!ROTATE || i >= rope.rotated_pairs) {
    return vec2<f32>(a, b);
  }
  let cs = cos_sin_turns(f32(pos) * (inv_freq[i] * INV_TWO_PI)) * rope.attention_factor;
  return vec2<f32>(a * cs.x - b * cs.y, a * cs.y + b * cs.x);
}

// Dim d of the key head at k[head …] after NEOX rotation: the first (d < R) or second half of pair d mod R.
fn neox_dim(head: u32, d: u32, pos: u32) -> f32 {
  let r = rope.rotated_pairs;
  if (d < r) {
    return rotate(k[head + d], k[head + d + r], d, pos).x;
  }
  if (d < 2u * r) {
    return rotate(k[head + d - r], k[head + d], d - r, pos).y;
  }
  return k[head + d];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pairs = HEAD_DIM / 2u;
  let per_token = (HEADS + KV_HEADS) * pairs;
  let t = gid.x / per_token;
  let slot = gid.x % per_token;
  let pos = step.pos0 + t;
  if (t >= step.n_tokens) {
    return;
  }
  let i = slot % pairs;
  if (slot < HEADS * pairs) {
    let head = t * Q_STRIDE + (slot / pairs) * HEAD_DIM;
    if (NEOX) {
      if (i < rope.rotated_pairs) {
        let j = head + i;
        let j2 = j + rope.rotated_pairs;
        let r = rotate(q[j], q[j2], i, pos);
        q[j] = r.x;
        q[j2] = r.y;
      }
    } else {
      let j = head + 2u * i;
      let r = rotate(q[j], q[j + 1u], i, pos);
      q[j] = r.x;
      q[j + 1u] = r.y;
    }
  } else if (pos < CONTEXT) {
    let h = (slot - HEADS * pairs) / pairs;
    let src = t * KV_STRIDE + h * HEAD_DIM;
    let dst = (h * CONTEXT + pos) * pairs + i;
    if (NEOX) {
      k_cache[dst] = kv_pack2(vec2<f32>(neox_dim(src, 2u * i, pos), neox_dim(src, 2u * i + 1u, pos)));
    } else {
      k_cache[dst] = kv_pack2(rotate(k[src + 2u * i], k[src + 2u * i + 1u], i, pos));
    }
    v_cache[dst] = kv_pack2(vec2<f32>(v[src + 2u * i], v[src + 2u * i + 1u]));
  }
}
