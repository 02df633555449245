// Four signed bytes of a word as floats: shift each byte to the top, then arithmetic shift down.
fn i8x4(w: u32) -> vec4<f32> {
  let s = bitcast<vec4<i32>>(vec4<u32>(w << 24u, w << 16u, w << 8u, w));
  return vec4<f32>(s >> vec4<u32>(24u));
}
