// Attention statistics for the attention-over-distance probe, gathered from the q of the batch and one
// layer's KV cache (dispatched right after that layer's rope_store, in the probe variant of a forward pass
// only). For query t of the batch at position q = pos0 + t and query head h, with scores
// s_k = SCALE · q·k_k over cache positions k = 0 … q, two passes over the keys:
//   1. the softmax max m and sum l = Σ e^(s_k − m), each thread an online (m, l) over its strided keys,
//      merged across the workgroup (a thread's l rescaled by e^(m_thread − m));
//   2. p_k = e^(s_k − m)/l added to the bucket of the distance q − k (bucket = 32 − clz(q − k), so 0 is
//      the token itself), −p_k ln p_k to the entropy (terms with p_k = 0 add nothing) and p_0 to the sink.
// Per-thread slot sums meet in workgroup memory and one thread per slot adds them to the query's cell of
// stats (layers, heads, bins, BUCKETS + 2): bucket masses, then entropy, then sink. One workgroup owns one
// (layer, head) and walks the batch's queries in order, so the f32 sums need no atomics. Nothing
// positions × positions is stored: memory is the q the batch already has and the stats cells.
// q_row, score() and pass 1 (row_softmax) come from lib/row_softmax.wgsl.

const WG: u32 = 64u;
const MAX_SLOTS: u32 = 34u;    // 32 distance buckets (any u32 distance) + entropy + sink

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;   // cache positions per kv head
override Q_STRIDE: u32;  // floats between consecutive tokens' queries
override SCALE: f32;     // 1/√head_dim, as attention.wgsl

struct StatsLayer {
  layer: u32,
  bins: u32,     // query bins
  buckets: u32,  // distance buckets; a cell holds buckets + 2 floats
  _pad: u32,
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> info: StatsLayer;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k_cache: array<f32>;
@group(0) @binding(4) var<storage, read> bin_of: array<u32>; // query position → query bin
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;

var<workgroup> slot_sums: array<f32, MAX_SLOTS * WG>; // (slot, thread)

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let head = wid.x;
  let kv_head = head / (HEADS / KV_HEADS);
  let slots = info.buckets + 2u;
  for (var t = 0u; t < step.n_tokens; t++) {
    let pos = step.pos0 + t;
    for (var d = lid; d < HEAD_DIM; d += WG) {
      q_row[d] = q[t * Q_STRIDE + head * HEAD_DIM + d];
    }
    workgroupBarrier();

    // pass 1: softmax max and sum
    let ml = row_softmax(kv_head, pos, lid);
    let row_m = ml.x;
    let row_l = ml.y;

    // pass 2: masses, entropy, sink
    var sums: array<f32, MAX_SLOTS>;
    for (var i = 0u; i < MAX_SLOTS; i++) {
      sums[i] = 0.0;
    }
    for (var key = lid; key <= pos; key += WG) {
      let p = exp(score(kv_head, key) - row_m) / row_l;
      let distance = pos - key;
      sums[32u - countLeadingZeros(distance)] += p;
      if (p > 0.0) {
        sums[info.buckets] -= p * log(p);
      }
      if (key == 0u) {
        sums[info.buckets + 1u] = p;
      }
    }
    for (var i = 0u; i < slots; i++) {
      slot_sums[i * WG + lid] = sums[i];
    }
    workgroupBarrier();
    if (lid < slots) {
      var total = 0.0;
      for (var i = 0u; i < WG; i++) {
        total += slot_sums[lid * WG + i];
      }
      let cell = (info.layer * HEADS + head) * info.bins + bin_of[pos];
      stats[cell * slots + lid] += total;
    }
    workgroupBarrier(); // q_row and the partials are rewritten for the next query
  }
}
