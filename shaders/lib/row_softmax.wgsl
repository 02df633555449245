// Pass 1 of a two-pass softmax over one query's scores (attention_map.wgsl): the max m and sum
// l = Σ e^(s_k − m) over keys 0 … pos, each thread an online (m, l) over its strided keys, merged across
// the workgroup (a thread's l rescaled by e^(m_thread − m)). score() comes from lib/row_score.wgsl.

var<workgroup> part_m: array<f32, WG>;
var<workgroup> part_l: array<f32, WG>;

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
