// 32 consecutive input values as eight named vec4s (v0 = values 0..3, …, v7 = 28..31): a struct rather
// than an array, so the dot32 functions index it statically and it stays in registers.
struct X32 {
  v0: vec4<f32>, v1: vec4<f32>, v2: vec4<f32>, v3: vec4<f32>,
  v4: vec4<f32>, v5: vec4<f32>, v6: vec4<f32>, v7: vec4<f32>,
}

// Component i of v, and the f16 half h of word w, by selects: indexing a vector VALUE with a runtime index
// can compile to a copy through slow local memory.
fn pick4(v: vec4<u32>, i: u32) -> u32 {
  return select(select(v.x, v.y, i == 1u), select(v.z, v.w, i == 3u), i >= 2u);
}

fn half_of(w: u32, h: u32) -> f32 {
  let pair = unpack2x16float(w);
  return select(pair.x, pair.y, h == 1u);
}

// The f16 scale of group g of a split Q4_0/Q8_0 row (gpu/weights.ts) whose scales start at vec4 `scales`:
// two per word, eight per vec4.
fn group_scale(scales: u32, g: u32) -> f32 {
  return half_of(pick4(weights4[scales + g / 8u], (g / 2u) % 4u), g & 1u);
}
