// KV cache layout 'f32' (LoadOptions.kvCache): every key and value stored as an f32, the exact oracle.
// The cache kernels (rope_store, attention, attention_prefill, and the probes' row_score) index the cache
// in pairs (dims 2i, 2i+1: a rotary pair) or quads of one head's row and convert through these functions,
// so the same kernel source reads either layout; lib/kv_f16.wgsl is the other one, chosen in composeKernel.

alias KvPair = vec2<f32>; // cache element holding dims (2i, 2i+1) of a row
alias KvQuad = vec4<f32>; // cache element holding dims 4i … 4i+3 of a row

fn kv_pack2(v: vec2<f32>) -> KvPair {
  return v;
}

fn kv_unpack2(w: KvPair) -> vec2<f32> {
  return w;
}

fn kv_unpack4(w: KvQuad) -> vec4<f32> {
  return w;
}

// Dim `odd` (0 or 1) of a pair, by a select: indexing a vector value with a runtime index can compile
// to a copy through slow local memory.
fn kv_unpack1(w: KvPair, odd: u32) -> f32 {
  let v = kv_unpack2(w);
  return select(v.x, v.y, odd == 1u);
}
