// dotq for Q8_0 in the split row layout (as dot32_q8_0.wgsl) against a group of x rounded to int8
// (matvec_int8.wgsl): the group's 32 int8 weights are two 16-byte words in the order x's `lo` and `hi`
// hold their values, so eight dot4I8Packed give Σ w·q exactly, with no per-weight unpacking.

// A row's 32-value group as loaded: weights 0..15 in `a`, 16..31 in `b`, and its scale.
struct WQ { a: vec4<u32>, b: vec4<u32>, d: f32 }

fn load_group(row: u32, g: u32) -> WQ {
  let base = row * (ROW_WORDS / 4u);
  return WQ(weights4[base + 2u * g], weights4[base + 2u * g + 1u], group_scale(base + 2u * GROUPS, g));
}

fn dotq(w: WQ, xs: XQ) -> f32 {
  let s = dot4I8Packed(w.a.x, xs.lo.x) + dot4I8Packed(w.a.y, xs.lo.y) + dot4I8Packed(w.a.z, xs.lo.z) + dot4I8Packed(w.a.w, xs.lo.w)
        + dot4I8Packed(w.b.x, xs.hi.x) + dot4I8Packed(w.b.y, xs.hi.y) + dot4I8Packed(w.b.z, xs.hi.z) + dot4I8Packed(w.b.w, xs.hi.w);
  return w.d * xs.d * f32(s);
}
