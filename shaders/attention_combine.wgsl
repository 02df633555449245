// Second half of split-K attention: merges the partial softmaxes of a (token, head)'s chunks.
// With M = max_s m_s: out = Σ_s e^(m_s − M)·acc_s / Σ_s e^(m_s − M)·l_s. One thread per output value.

override HEADS: u32;
override HEAD_DIM: u32;
override SPLITS: u32;
override OUT_STRIDE: u32; // floats between consecutive tokens' outputs

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> part_ml: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> part_acc: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let d = gid.x % HEAD_DIM;
  let h = (gid.x / HEAD_DIM) % HEADS;
  let t = gid.x / (HEAD_DIM * HEADS);
  if (t >= step.n_tokens) {
    return;
  }
  let used = (step.pos0 + t) / step.attn_chunk + 1u; // chunks holding positions 0 … pos0 + t
  let base = (t * HEADS + h) * SPLITS;
  // Eight chunks per iteration, their loads independent: walked one at a time, each thread waited on every
  // load in turn (with 65 chunks at 4K tokens this kernel cost the 8B's decode a third as much as attention).
  var m = -1e30;
  var s = 0u;
  for (; s + 8u <= used; s += 8u) {
    let b = base + s;
    m = max(m, max(max(max(part_ml[b].x, part_ml[b + 1u].x), max(part_ml[b + 2u].x, part_ml[b + 3u].x)),
                   max(max(part_ml[b + 4u].x, part_ml[b + 5u].x), max(part_ml[b + 6u].x, part_ml[b + 7u].x))));
  }
  for (; s < used; s++) {
    m = max(m, part_ml[base + s].x);
  }
  var l = 0.0;
  var acc = 0.0;
  s = 0u;
  for (; s + 8u <= used; s += 8u) {
    for (var i = 0u; i < 8u; i++) { // a constant trip count, which the compiler can unroll
      let ml = part_ml[base + s + i];
      let w = exp(ml.x - m);
      l += w * ml.y;
      acc += w * part_acc[(base + s + i) * HEAD_DIM + d];
    }
  }
  for (; s < used; s++) {
    let ml = part_ml[base + s];
    let w = exp(ml.x - m);
    l += w * ml.y;
    acc += w * part_acc[(base + s) * HEAD_DIM + d];
  }
  out[t * OUT_STRIDE + h * HEAD_DIM + d] = acc / l;
}
