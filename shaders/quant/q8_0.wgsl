// Q8_0 (ggml block_q8_0): 32 values = f16 scale d + 32 int8 q; value = d·q.
// Split row layout (gpu/weights.ts): the row's blocks' quants, 8 words each, then the scales two per
// word — so a block's quants are two aligned 16-byte loads (see quant/dot32_q8_0.wgsl). i8x4 comes from quant/i8x4.wgsl.
const BLOCK_ELEMS: u32 = 32u;

fn q8_0_scale(row_base: u32, b: u32) -> f32 {
  return f16_half(row_base + (CHUNKS / 4u) * 8u + (b >> 1u), b & 1u);
}

fn dequant_row8(row: u32, c: u32) -> Eight {
  let base = row * ROW_WORDS;
  let d = q8_0_scale(base, c >> 2u);
  let w = base + 2u * c; // block b's quants start at word 8b, chunk c of the row at word 2c
  return Eight(d * i8x4(weights[w]), d * i8x4(weights[w + 1u]));
}
