// Q4_1 (ggml block_q4_1): 32 values = f16 scale d, f16 minimum m, 16 bytes of nibbles laid out as in
// Q4_0; value = d·nibble + m. 20 bytes: already word aligned, 5 words.
const BLOCK_ELEMS: u32 = 32u;
const BLOCK_WORDS: u32 = 5u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let dm = unpack2x16float(weights[block]);
  let shift = (chunk >> 1u) * 4u;
  let byte0 = (chunk & 1u) * 8u;
  let a = (bytes4(block + 1u, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let b = (bytes4(block + 1u, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  return Eight(dm.x * vec4<f32>(a) + dm.y, dm.x * vec4<f32>(b) + dm.y);
}
