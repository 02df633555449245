// Attention statistics for the attention-over-distance probe, per query of the batch (dispatched right after
// a layer's rope_store, in the probe variant of a forward pass only; attention_stats_reduce.wgsl then adds
// the cells into the layer's stats). One workgroup per (query head h, query t of the batch) at position
// pos = pos0 + t, with scores s_k = SCALE · q·k_k over cache positions k = 0 … pos, two passes over the keys:
//   1. the softmax max m and sum l = Σ e^(s_k − m) (row_softmax);
//   2. p_k = e^(s_k − m)/l, walked bucket by bucket: bucket b holds distances pos − k in [2^(b−1), 2^b)
//      (bucket 0 the token itself), the contiguous keys [pos − 2^b + 1, pos − 2^(b−1)], so each thread's
//      share of a bucket's mass is a plain strided sum, stored at (bucket, thread) in workgroup memory
//      with no dynamically indexed private array. −p_k ln p_k goes to the entropy (p_k = 0 adds nothing)
//      and p_0 to the sink.
// One thread per slot then sums the threads' shares into the query's cell of scratch
// (tokens in batch, heads, BUCKETS + 2): bucket masses, then entropy, then sink.
// q_row, score() and pass 1 (row_softmax) come from lib/row_softmax.wgsl.

const WG: u32 = 64u;

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;   // cache positions per kv head
override Q_STRIDE: u32;  // floats between consecutive tokens' queries
override SCALE: f32;     // 1/√head_dim, as attention.wgsl
override MAX_SLOTS: u32; // the buckets of a CONTEXT-token input + entropy + sink: a small zero-filled slot_sums

// StatsLayer (the per-layer uniform) comes from lib/stats_layer.wgsl.

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> info: StatsLayer;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k_cache: array<f32>;
@group(0) @binding(4) var<storage, read_write> query_cells: array<f32>; // (tokens in batch, heads, slots)

var<workgroup> slot_sums: array<f32, MAX_SLOTS * WG>; // (slot, thread)

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let head = wid.x;
  let t = wid.y;
  let kv_head = head / (HEADS / KV_HEADS);
  let slots = info.buckets + 2u;
  let pos = step.pos0 + t;
  for (var d = lid; d < HEAD_DIM; d += WG) {
    q_row[d] = q[t * Q_STRIDE + head * HEAD_DIM + d];
  }
  workgroupBarrier();

  let ml = row_softmax(kv_head, pos, lid);
  let row_m = ml.x;
  let row_l = ml.y;

  var entropy = 0.0;
  var sink = 0.0;
  for (var bucket = 0u; bucket < info.buckets; bucket++) {
    // distances [near, far] of this bucket, clipped to the keys that exist (far ≤ pos)
    let near = select(0u, 1u << (bucket - 1u), bucket > 0u);
    let far = select(0u, (1u << bucket) - 1u, bucket > 0u);
    var mass = 0.0;
    if (near <= pos) {
      let first_key = pos - min(far, pos);
      for (var key = first_key + lid; key <= pos - near; key += WG) {
        let p = exp(score(kv_head, key) - row_m) / row_l;
        mass += p;
        if (p > 0.0) {
          entropy -= p * log(p);
        }
        if (key == 0u) {
          sink = p;
        }
      }
    }
    slot_sums[bucket * WG + lid] = mass;
  }
  slot_sums[info.buckets * WG + lid] = entropy;
  slot_sums[(info.buckets + 1u) * WG + lid] = sink;
  workgroupBarrier();
  if (lid < slots) {
    var total = 0.0;
    for (var i = 0u; i < WG; i++) {
      total += slot_sums[lid * WG + i];
    }
    query_cells[(t * HEADS + head) * slots + lid] = total;
  }
}
