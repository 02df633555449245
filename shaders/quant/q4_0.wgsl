// Q4_0 (ggml block_q4_0): 32 values = f16 scale d + 16 bytes; byte j holds value j in its low nibble
// and value j+16 in its high nibble; value = d·(nibble − 8). The loader pads d to a word: 5 words.
const BLOCK_ELEMS: u32 = 32u;
const BLOCK_WORDS: u32 = 5u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let d = f16_low(block);
  // Chunks 0,1 are the low nibbles of bytes 0..15, chunks 2,3 the high nibbles.
  let shift = (chunk >> 1u) * 4u;
  let byte0 = (chunk & 1u) * 8u;
  let a = (bytes4(block + 1u, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let b = (bytes4(block + 1u, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  return Eight(d * (vec4<f32>(a) - 8.0), d * (vec4<f32>(b) - 8.0));
}
