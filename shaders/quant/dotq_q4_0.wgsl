// dotq for Q4_0 in the split row layout (as dot32_q4_0.wgsl) against a group of x rounded to int8
// (matvec_int8.wgsl). Masking a quant word gives four nibbles as four bytes 0..15, which dot4I8Packed
// reads as the int8 they equal; the −8 of Q4_0 comes out of the sum as −8·Σq.

// A row's 32-value group as loaded: 16 bytes of nibbles (values 0..15 low, 16..31 high) and its scale.
struct WQ { q: vec4<u32>, d: f32 }

fn load_group(row: u32, g: u32) -> WQ {
  let base = row * (ROW_WORDS / 4u);
  return WQ(weights4[base + g], group_scale(base + GROUPS, g));
}

fn dotq(w: WQ, xs: XQ) -> f32 {
  let lo = w.q & vec4<u32>(0x0f0f0f0fu); // values 0..15 of the group, a nibble per byte
  let hi = (w.q >> vec4<u32>(4u)) & vec4<u32>(0x0f0f0f0fu); // values 16..31
  let s = dot4I8Packed(lo.x, xs.lo.x) + dot4I8Packed(lo.y, xs.lo.y) + dot4I8Packed(lo.z, xs.lo.z) + dot4I8Packed(lo.w, xs.lo.w)
        + dot4I8Packed(hi.x, xs.hi.x) + dot4I8Packed(hi.y, xs.hi.y) + dot4I8Packed(hi.z, xs.hi.z) + dot4I8Packed(hi.w, xs.hi.w);
  return w.d * xs.d * f32(s - 8 * xs.sum);
}
