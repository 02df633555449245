// Q4_K (ggml block_q4_K): 256 values in 8 sub-blocks of 32. Header: f16 d, f16 dmin, 12 bytes packing
// 8 six-bit scales and 8 six-bit mins; then 128 bytes of nibbles: bytes 32g..32g+31 hold sub-block 2g
// in their low nibbles and sub-block 2g+1 in their high nibbles. value = d·sc·q − dmin·m.
// 144 bytes, word aligned: [d|dmin] [scales×3] [qs×32] = 36 words.
const BLOCK_ELEMS: u32 = 256u;
const BLOCK_WORDS: u32 = 36u;

// scale_min_k4 comes from quant/k_scales.wgsl.
fn dequant8(block: u32, chunk: u32) -> Eight {
  let dm = unpack2x16float(weights[block]);
  let sub = chunk >> 2u;               // sub-block 0..7
  let sm = scale_min_k4(block + 1u, sub);
  let scale = dm.x * sm.x;
  let offset = dm.y * sm.y;
  let byte0 = (sub >> 1u) * 32u + (chunk & 3u) * 8u;
  let shift = (sub & 1u) * 4u;
  let a = (bytes4(block + 4u, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let b = (bytes4(block + 4u, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  return Eight(scale * vec4<f32>(a) - offset, scale * vec4<f32>(b) - offset);
}
