// dot32 for F32 rows (padded to 32 values): a group is 8 words of 16 bytes.
fn dot32(row: u32, g: u32, xs: X32) -> f32 {
  let base = row * (ROW_WORDS / 4u) + 8u * g;
  return dot(bitcast<vec4<f32>>(weights4[base]), xs.v0) + dot(bitcast<vec4<f32>>(weights4[base + 1u]), xs.v1)
       + dot(bitcast<vec4<f32>>(weights4[base + 2u]), xs.v2) + dot(bitcast<vec4<f32>>(weights4[base + 3u]), xs.v3)
       + dot(bitcast<vec4<f32>>(weights4[base + 4u]), xs.v4) + dot(bitcast<vec4<f32>>(weights4[base + 5u]), xs.v5)
       + dot(bitcast<vec4<f32>>(weights4[base + 6u]), xs.v6) + dot(bitcast<vec4<f32>>(weights4[base + 7u]), xs.v7);
}
