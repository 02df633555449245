// KV cache layout 'f16' (LoadOptions.kvCache): keys and values rounded to IEEE half when stored, two per
// u32 (pack2x16float: the low half is the even dim), so the cache takes half the memory and attention
// reads half the bytes — llama.cpp's default cache type. WGSL's f16 type needs the shader-f16 feature,
// which many adapters (SwiftShader among them) lack; packed u32 words need nothing. Same interface as
// lib/kv_f32.wgsl: a pair of dims is one word, a quad two. Values past the largest half saturate there
// (pack2x16float leaves them undefined; llama.cpp's cache would hold ±inf), as the CPU reference's
// roundToF16 does.

alias KvPair = u32;
alias KvQuad = vec2<u32>;

const F16_MAX: f32 = 65504.0;

fn kv_pack2(v: vec2<f32>) -> KvPair {
  return pack2x16float(clamp(v, vec2<f32>(-F16_MAX), vec2<f32>(F16_MAX)));
}

fn kv_unpack2(w: KvPair) -> vec2<f32> {
  return unpack2x16float(w);
}

fn kv_unpack4(w: KvQuad) -> vec4<f32> {
  return vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y));
}

// Dim `odd` (0 or 1) of a pair, by a select: indexing a vector value with a runtime index can compile
// to a copy through slow local memory.
fn kv_unpack1(w: KvPair, odd: u32) -> f32 {
  let v = kv_unpack2(w);
  return select(v.x, v.y, odd == 1u);
}
