// Q6_K (ggml block_q6_K): 256 values, 6 bits each: ql[128] low nibbles, qh[64] high 2-bit pairs,
// scales[16] int8 (one per 16 values), f16 d at the end; value = d·sc·(q − 32). Value e lives in
// half n = e/128, quarter k = (e%128)/32, lane l = e%32: low nibble (k<2) or high nibble of
// ql[64n + l + 32(k&1)], bits 2k..2k+1 of qh[32n + l], scale sc[8n + l/16 + 2k].
// 210 bytes; the loader appends 2 bytes of padding: 53 words, d in the low half of word 52.
const BLOCK_ELEMS: u32 = 256u;
const BLOCK_WORDS: u32 = 53u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let e0 = chunk * 8u;
  let n = e0 >> 7u;
  let k = (e0 & 127u) >> 5u;
  let l0 = e0 & 31u;
  let d = f16_low(block + 52u);
  let sc_byte = byte_at(block, 192u + n * 8u + (l0 >> 4u) + 2u * k);
  let sc = f32(bitcast<i32>(sc_byte << 24u) >> 24u);
  let ql0 = n * 64u + l0 + (k & 1u) * 32u;
  let qshift = (k >> 1u) * 4u;
  let qh0 = 128u + n * 32u + l0;
  let hshift = 2u * k;
  let a = ((bytes4(block, ql0) >> vec4<u32>(qshift)) & vec4<u32>(0xfu)) | (((bytes4(block, qh0) >> vec4<u32>(hshift)) & vec4<u32>(3u)) << vec4<u32>(4u));
  let b = ((bytes4(block, ql0 + 4u) >> vec4<u32>(qshift)) & vec4<u32>(0xfu)) | (((bytes4(block, qh0 + 4u) >> vec4<u32>(hshift)) & vec4<u32>(3u)) << vec4<u32>(4u));
  let s = d * sc;
  return Eight(s * (vec4<f32>(a) - 32.0), s * (vec4<f32>(b) - 32.0));
}
