// Shared by the probe kernels that recompute one query's attention scores over the KV cache
// (attention_stats.wgsl, attention_map.wgsl): the query in workgroup memory and its scores
// s_k = SCALE · q·k_k, read four dimensions at a time (HEAD_DIM is a multiple of 4; the host checks)
// as one KvQuad of f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl, composed before this file).
// The including kernel declares HEAD_DIM, CONTEXT, SCALE and `k_cache: array<KvQuad>`, and fills q_row
// (with load_q_row) before calling score.

const MAX_HEAD_DIM: u32 = 256u;

var<workgroup> q_row: array<vec4<f32>, MAX_HEAD_DIM / 4u>;

/// Copies query (t, head) of the batch's rotated q into q_row; every invocation must call it.
fn load_q_row(q_base: u32, lid: u32) {
  for (var d4 = lid; d4 < HEAD_DIM / 4u; d4 += WG) {
    let at = q_base + 4u * d4;
    q_row[d4] = vec4<f32>(q[at], q[at + 1u], q[at + 2u], q[at + 3u]);
  }
  workgroupBarrier();
}

fn score(kv_head: u32, key: u32) -> f32 {
  let base = (kv_head * CONTEXT + key) * (HEAD_DIM / 4u);
  var acc = vec4<f32>(0.0);
  for (var d4 = 0u; d4 < HEAD_DIM / 4u; d4++) {
    acc += q_row[d4] * kv_unpack4(k_cache[base + d4]);
  }
  return (acc.x + acc.y + acc.z + acc.w) * SCALE;
}
