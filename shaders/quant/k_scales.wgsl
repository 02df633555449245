// Shared by Q4_K and Q5_K (whose blocks pack scales the same way): ggml's get_scale_min_k4, the six-bit
// scale and min of sub-block j from the 12 packed bytes starting at word `scales`.
fn scale_min_k4(scales: u32, j: u32) -> vec2<f32> {
  if (j < 4u) {
    return vec2<f32>(f32(byte_at(scales, j) & 63u), f32(byte_at(scales, j + 4u) & 63u));
  }
  let sc = (byte_at(scales, j + 4u) & 0xfu) | ((byte_at(scales, j - 4u) >> 6u) << 4u);
  let m = (byte_at(scales, j + 4u) >> 4u) | ((byte_at(scales, j) >> 6u) << 4u);
  return vec2<f32>(f32(sc), f32(m));
}

