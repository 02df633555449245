// dot32 for Q8_0 in the split row layout: a row is GROUPS pairs of 16-byte words of int8 quants, then
// the f16 scales two per word. i8x4 comes from quant/i8x4.wgsl.
fn dot32(row: u32, g: u32, xs: X32) -> f32 {
  let base = row * (ROW_WORDS / 4u);
  let a = weights4[base + 2u * g];
  let b = weights4[base + 2u * g + 1u];
  let d = group_scale(base + 2u * GROUPS, g);
  let s = dot(i8x4(a.x), xs.v0) + dot(i8x4(a.y), xs.v1) + dot(i8x4(a.z), xs.v2) + dot(i8x4(a.w), xs.v3)
        + dot(i8x4(b.x), xs.v4) + dot(i8x4(b.y), xs.v5) + dot(i8x4(b.z), xs.v6) + dot(i8x4(b.w), xs.v7);
  return d * s;
}
