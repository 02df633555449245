// dot32 for F16 rows (padded to 32 values): a group is 4 words of 16 bytes, 8 halves each.
fn f16x4(lo: u32, hi: u32) -> vec4<f32> {
  return vec4<f32>(unpack2x16float(lo), unpack2x16float(hi));
}

fn dot32(row: u32, g: u32, xs: X32) -> f32 {
  let base = row * (ROW_WORDS / 4u) + 4u * g;
  let a = weights4[base];
  let b = weights4[base + 1u];
  let c = weights4[base + 2u];
  let d = weights4[base + 3u];
  return dot(f16x4(a.x, a.y), xs.v0) + dot(f16x4(a.z, a.w), xs.v1) + dot(f16x4(b.x, b.y), xs.v2) + dot(f16x4(b.z, b.w), xs.v3)
       + dot(f16x4(c.x, c.y), xs.v4) + dot(f16x4(c.z, c.w), xs.v5) + dot(f16x4(d.x, d.y), xs.v6) + dot(f16x4(d.z, d.w), xs.v7);
}
