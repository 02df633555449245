// dot32 for Q4_0 in the split row layout: a row is GROUPS 16-byte blocks of quants (word j holds values
// 4j..4j+3 in its low nibbles and 16+4j..16+4j+3 in its high nibbles), then the f16 scales two per word.
fn q4_lo(w: u32) -> vec4<f32> {
  return vec4<f32>(vec4<u32>(w, w >> 8u, w >> 16u, w >> 24u) & vec4<u32>(0xfu)) - 8.0;
}

fn q4_hi(w: u32) -> vec4<f32> {
  return vec4<f32>(vec4<u32>(w >> 4u, w >> 12u, w >> 20u, w >> 28u) & vec4<u32>(0xfu)) - 8.0;
}

fn dot32(row: u32, g: u32, xs: X32) -> f32 {
  let base = row * (ROW_WORDS / 4u);
  let q = weights4[base + g];
  let d = half_of(pick4(weights4[base + GROUPS + g / 8u], (g / 2u) % 4u), g & 1u);
  let s = dot(q4_lo(q.x), xs.v0) + dot(q4_lo(q.y), xs.v1) + dot(q4_lo(q.z), xs.v2) + dot(q4_lo(q.w), xs.v3)
        + dot(q4_hi(q.x), xs.v4) + dot(q4_hi(q.y), xs.v5) + dot(q4_hi(q.z), xs.v6) + dot(q4_hi(q.w), xs.v7);
  return d * s;
}
