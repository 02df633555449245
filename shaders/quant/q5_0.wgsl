// Q5_0 (ggml block_q5_0): 32 values = f16 scale d, 32 high bits qh (u32), 16 bytes of low nibbles as in
// Q4_0; value j = d·((nibble | bit_j(qh) << 4) − 16). The loader pads d to a word: [d|pad] [qh] [qs×4].
const BLOCK_ELEMS: u32 = 32u;
const BLOCK_WORDS: u32 = 6u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let d = f16_low(block);
  let qh = weights[block + 1u];
  let shift = (chunk >> 1u) * 4u;
  let byte0 = (chunk & 1u) * 8u;
  let e0 = chunk * 8u; // index of the first value, also its bit in qh
  let a = (bytes4(block + 2u, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let b = (bytes4(block + 2u, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let ha = ((vec4<u32>(qh) >> (vec4<u32>(e0) + vec4<u32>(0u, 1u, 2u, 3u))) & vec4<u32>(1u)) << vec4<u32>(4u);
  let hb = ((vec4<u32>(qh) >> (vec4<u32>(e0 + 4u) + vec4<u32>(0u, 1u, 2u, 3u))) & vec4<u32>(1u)) << vec4<u32>(4u);
  return Eight(d * (vec4<f32>(a | ha) - 16.0), d * (vec4<f32>(b | hb) - 16.0));
}
