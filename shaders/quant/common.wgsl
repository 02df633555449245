// Shared helpers of the dequantization libraries (quant/<type>.wgsl). Weights live in a storage buffer
// `weights: array<u32>` declared by the kernel that includes a library, with the overrides ROW_WORDS
// (u32 words per row) and CHUNKS (8-value chunks per row); every library exposes
//   const BLOCK_ELEMS: u32                     elements per block (8 for F32/F16, 32 for the _0/_1 types, 256 for K-quants)
//   fn dequant_row8(row: u32, c: u32) -> Eight  elements [8c, 8c + 8) of weight row `row`
// so a kernel walks any row as chunks of 8 values without knowing the type or its layout. Block
// layouts define dequant8(block word, chunk in block) and get dequant_row8 from quant/blocked.wgsl.

struct Eight {
  lo: vec4<f32>,
  hi: vec4<f32>,
}

// Byte `i` (little-endian) counted from the start of word `base`.
fn byte_at(base: u32, i: u32) -> u32 {
  return (weights[base + (i >> 2u)] >> ((i & 3u) * 8u)) & 0xffu;
}

// Four consecutive bytes starting at byte `i` (i a multiple of 4) as a vec4 of unsigned values.
fn bytes4(base: u32, i: u32) -> vec4<u32> {
  let w = weights[base + (i >> 2u)];
  return vec4<u32>(w & 0xffu, (w >> 8u) & 0xffu, (w >> 16u) & 0xffu, w >> 24u);
}

// The f16 in the low half of word `base` (the block scale d).
fn f16_low(base: u32) -> f32 {
  return unpack2x16float(weights[base]).x;
}

fn f16_high(base: u32) -> f32 {
  return unpack2x16float(weights[base]).y;
}

// The f16 half h (0 low, 1 high) of word `at`, by a select (see quant/x32.wgsl's half_of on why not [h]).
fn f16_half(at: u32, h: u32) -> f32 {
  let pair = unpack2x16float(weights[at]);
  return select(pair.x, pair.y, h == 1u);
}
