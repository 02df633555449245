// One head's full causal attention map for short inputs (the attentionMap probe), written right after the
// chosen layer's rope_store: one workgroup per query t of the batch (position pos = pos0 + t) recomputes
// the scores s_k = SCALE · q·k_k over cache positions k = 0 … pos twice — pass 1 the softmax max and
// sum (an online (m, l) per thread, merged across the workgroup), pass 2 the weights e^(s_k − m)/l into
// row pos of the (WIDTH, WIDTH) map. Entries above the diagonal are never written (the host clears them).

const WG: u32 = 64u;
const MAX_HEAD_DIM: u32 = 256u;

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
@group(0) @binding(3) var<storage, read> k_cache: array<f32>;
@group(0) @binding(4) var<storage, read_write> attn_map: array<f32>;

var<workgroup> q_row: array<f32, MAX_HEAD_DIM>;
var<workgroup> part_m: array<f32, WG>;
var<workgroup> part_l: array<f32, WG>;

fn score(kv_head: u32, key: u32) -> f32 {
  let base = (kv_head * CONTEXT + key) * HEAD_DIM;
  var dot = 0.0;
  for (var d = 0u; d < HEAD_DIM; d++) {
    dot += q_row[d] * k_cache[base + d];
  }
  return dot * SCALE;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x;
  let head = target_head.head;
  let kv_head = head / (HEADS / KV_HEADS);
  let pos = step.pos0 + t;
  for (var d = lid; d < HEAD_DIM; d += WG) {
    q_row[d] = q[t * Q_STRIDE + head * HEAD_DIM + d];
  }
  workgroupBarrier();

  var m = -3.0e38;
  var l = 0.0;
  for (var key = lid; key <= pos; key += WG) {
    let s = score(kv_head, key);
    if (s > m) {
      l *= exp(m - s);
      m = s;
    }
    l += exp(s - m);
  }
  part_m[lid] = m;
  part_l[lid] = l;
  workgroupBarrier();
  var row_m = -3.0e38;
  for (var i = 0u; i < WG; i++) {
    row_m = max(row_m, part_m[i]);
  }
  var row_l = 0.0;
  for (var i = 0u; i < WG; i++) {
    row_l += part_l[i] * exp(part_m[i] - row_m); // threads without keys have l = 0
  }

  for (var key = lid; key <= pos; key += WG) {
    attn_map[pos * target_head.width + key] = exp(score(kv_head, key) - row_m) / row_l;
  }
}
