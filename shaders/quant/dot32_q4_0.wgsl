// dot32 for Q4_0 in the split row layout: a row is GROUPS 16-byte blocks of quants (word j holds values
// 4j..4j+3 in its low nibbles and 16+4j..16+4j+3 in its high nibbles), then the f16 scales two per word.
// Nibbles become floats without an int→float conversion (a quarter-rate instruction on NVIDIA, which made
// this kernel compute-bound): a value v < 2^23 OR'd into the mantissa of 2^23 is the float 2^23 + v
// exactly, so subtracting 2^23 + 8 leaves the signed quant n − 8 — one integer op and one float add.
const Q4_MAGIC: u32 = 0x4b000000u; // the bits of 2^23
const Q4_MAGIC_BIAS: f32 = 8388616.0; // 2^23 + 8

// The four bytes of m (each a nibble, 0..15) as the quants n − 8.
fn q4_bytes(m: u32) -> vec4<f32> {
  let bytes = vec4<u32>(m, m >> 8u, m >> 16u, m >> 24u) & vec4<u32>(0xffu);
  return bitcast<vec4<f32>>(bytes | vec4<u32>(Q4_MAGIC)) - Q4_MAGIC_BIAS;
}

fn dot32(row: u32, g: u32, xs: X32) -> f32 {
  let base = row * (ROW_WORDS / 4u);
  let q = weights4[base + g];
  let lo = q & vec4<u32>(0x0f0f0f0fu); // values 0..15 of the group, a nibble per byte
  let hi = (q >> vec4<u32>(4u)) & vec4<u32>(0x0f0f0f0fu); // values 16..31
  let d = group_scale(base + GROUPS, g);
  let s = dot(q4_bytes(lo.x), xs.v0) + dot(q4_bytes(lo.y), xs.v1) + dot(q4_bytes(lo.z), xs.v2) + dot(q4_bytes(lo.w), xs.v3)
        + dot(q4_bytes(hi.x), xs.v4) + dot(q4_bytes(hi.y), xs.v5) + dot(q4_bytes(hi.z), xs.v6) + dot(q4_bytes(hi.w), xs.v7);
  return d * s;
}
