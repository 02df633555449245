// Shared by the probe kernels that recompute one query's attention row over the KV cache
// (attention_stats.wgsl, attention_map.wgsl): the query in workgroup memory, its scores
// s_k = SCALE · q·k_k, and pass 1 of their two-pass softmax — the max m and sum l = Σ e^(s_k − m) over
// keys 0 … pos, each thread an online (m, l) over its strided keys, merged across the workgroup (a
// thread's l rescaled by e^(m_thread − m)). The including kernel declares WG, HEAD_DIM, CONTEXT, SCALE
// and the k_cache binding, and fills q_row before calling row_softmax.

const MAX_HEAD_DIM: u32 = 256u;

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

/// (m, l) of the row of keys 0 … pos; every invocation of the workgroup must call it.
fn row_softmax(kv_head: u32, pos: u32, lid: u32) -> vec2<f32> {
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
  return vec2<f32>(row_m, row_l);
}
