// Q8_0 (ggml block_q8_0): 32 values = f16 scale d + 32 int8 q; value = d·q. The loader pads d to a
// full word, so a block is 9 words: [d | pad] [q0..q3] … [q28..q31].
const BLOCK_ELEMS: u32 = 32u;
const BLOCK_WORDS: u32 = 9u;

fn i8x4(w: u32) -> vec4<f32> {
  // Sign-extend each byte: shift it to the top, then arithmetic shift down.
  let s = bitcast<vec4<i32>>(vec4<u32>(w << 24u, w << 16u, w << 8u, w));
  return vec4<f32>(s >> vec4<u32>(24u));
}

fn dequant8(block: u32, chunk: u32) -> Eight {
  let d = f16_low(block);
  let w = block + 1u + chunk * 2u;
  return Eight(d * i8x4(weights[w]), d * i8x4(weights[w + 1u]));
}
