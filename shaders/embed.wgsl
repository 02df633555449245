// Embedding lookup with dequantization: x[t] = token_embd[tokens[t]] for each token of the batch,
// any weight type (the quant library composed before this file supplies dequant_row8). One workgroup per
// token; its threads stride over the row in chunks of 8 values.

override CHUNKS: u32;     // chunks of 8 values per row
override ROW_WORDS: u32;  // u32 words per embedding row
override OUT_STRIDE: u32; // floats between consecutive tokens in x
override VOCAB: u32;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> tokens: array<u32>;
@group(0) @binding(3) var<storage, read_write> x: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wg.x;
  if (t >= step.n_tokens) {
    return;
  }
  let token = min(tokens[t], VOCAB - 1u);
  for (var c = lid; c < CHUNKS; c += 64u) {
    let v = dequant_row8(token, c);
    let o = (t * OUT_STRIDE) / 4u + c * 2u;
    x[o] = v.lo;
    x[o + 1u] = v.hi;
  }
}
