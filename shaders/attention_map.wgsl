// One head's full causal attention map for short inputs (the attentionMap probe), written right after the
// chosen layer's rope_store: one workgroup per query t of the batch (position pos = pos0 + t) recomputes
// the scores s_k = SCALE · q·k_k over cache positions k = 0 … pos twice — pass 1 the softmax max and
// sum (an online (m, l) per thread, merged across the workgroup), pass 2 the weights e^(s_k − m)/l into
// row pos of the (WIDTH, WIDTH) map. Entries above the diagonal are never written (the host clears them).
// q_row, score() come from lib/row_score.wgsl, pass 1 (row_softmax) from lib/row_softmax.wgsl.

const WG: u32 = 64u;

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;   // cache positions per kv head
override Q_STRIDE: u32;  // floats between consecutive tokens' queries
override SCALE: f32;     // 1/√head_dim, as attention.wgsl

struct MapTarget {
  head: u32,
  width: u32, // tokens of the input: the map is (width, width)
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> target_head: MapTarget;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k_cache: array<KvQuad>; // (kv_heads, CONTEXT, HEAD_DIM / 4): f32 or packed f16
@group(0) @binding(4) var<storage, read_write> attn_map: array<f32>;


@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x;
  let head = target_head.head;
  let kv_head = head / (HEADS / KV_HEADS);
  let pos = step.pos0 + t;
  load_q_row(t * Q_STRIDE + head * HEAD_DIM, lid);

  let ml = row_softmax(kv_head, pos, lid);
  let row_m = ml.x;
  let row_l = ml.y;

  for (var key = lid; key <= pos; key += WG) {
    attn_map[pos * target_head.width + key] = exp(score(kv_head, key) - row_m) / row_l;
  }
}
