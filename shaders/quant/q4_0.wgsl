// Q4_0 (ggml block_q4_0): 32 values = f16 scale d + 16 bytes; byte j holds value j in its low nibble
// and value j+16 in its high nibble; value = d·(nibble − 8).
// Split row layout (gpu/weights.ts): the row's blocks' quants, 4 words each, then the scales two per
// word — so a block's quants are one aligned 16-byte load (see quant/dot32_q4_0.wgsl).
const BLOCK_ELEMS: u32 = 32u;

fn q4_0_scale(row_base: u32, b: u32) -> f32 {
  return f16_half(row_base + (CHUNKS / 4u) * 4u + (b >> 1u), b & 1u);
}

fn dequant_row8(row: u32, c: u32) -> Eight {
  let base = row * ROW_WORDS;
  let b = c >> 2u;
  let sub = c & 3u;
  let d = q4_0_scale(base, b);
  // Chunks 0,1 of a block are the low nibbles of bytes 0..15, chunks 2,3 the high nibbles.
  let shift = (sub >> 1u) * 4u;
  let byte0 = (sub & 1u) * 8u;
  let a = (bytes4(base + 4u * b, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let h = (bytes4(base + 4u * b, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  return Eight(d * (vec4<f32>(a) - 8.0), d * (vec4<f32>(h) - 8.0));
}
