// Q5_K (ggml block_q5_K): as Q4_K plus a fifth bit per value: qh[32] bytes, value l of sub-block s has
// its high bit in bit s of qh[l]. value = d·sc·(q + 16·hb) − dmin·m.
// 176 bytes, word aligned: [d|dmin] [scales×3] [qh×8] [qs×32] = 44 words.
const BLOCK_ELEMS: u32 = 256u;
const BLOCK_WORDS: u32 = 44u;

// scale_min_k4 comes from quant/k_scales.wgsl.
fn dequant8(block: u32, chunk: u32) -> Eight {
  let dm = unpack2x16float(weights[block]);
  let sub = chunk >> 2u;
  let sm = scale_min_k4(block + 1u, sub);
  let scale = dm.x * sm.x;
  let offset = dm.y * sm.y;
  let l0 = (chunk & 3u) * 8u;          // position within the sub-block
  let byte0 = (sub >> 1u) * 32u + l0;
  let shift = (sub & 1u) * 4u;
  let a = (bytes4(block + 12u, byte0) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let b = (bytes4(block + 12u, byte0 + 4u) >> vec4<u32>(shift)) & vec4<u32>(0xfu);
  let ha = ((bytes4(block + 4u, l0) >> vec4<u32>(sub)) & vec4<u32>(1u)) << vec4<u32>(4u);
  let hb = ((bytes4(block + 4u, l0 + 4u) >> vec4<u32>(sub)) & vec4<u32>(1u)) << vec4<u32>(4u);
  return Eight(scale * vec4<f32>(a | ha) - offset, scale * vec4<f32>(b | hb) - offset);
}
