// Attention statistics for the attention-over-distance probe, per query of the batch (dispatched right after
// a layer's rope_store, in the probe variant of a forward pass only; attention_stats_reduce.wgsl then adds
// the cells into the layer's stats). One workgroup per (query head h, query t of the batch) at position
// pos = pos0 + t, with scores s_k = SCALE · q·k_k over cache positions k = 0 … pos, in ONE pass over the
// keys, the softmax normalised only at the end (as flash attention does):
//   bucket b holds distances pos − k in [2^(b−1), 2^b) (bucket 0 the token itself), the contiguous keys
//   [pos − 2^b + 1, pos − 2^(b−1)]; each thread walks its strided share of a bucket with an online
//   (m_b, S_b = Σ e^(s_k − m_b)), stored at (bucket, thread) in workgroup memory (no dynamically indexed
//   private array), and keeps across buckets its own online m, S = Σ e^(s_k − m) and
//   F = Σ e^(s_k − m)·(s_k − m) ≤ 0 (rescaled as m grows: F ← c·(F + (m_old − m)·S), c = e^(m_old − m)).
// With the row max M and L = Σ e^(s_k − M): mass_b = e^(M_b − M)·S_b / L, entropy
// H = −Σ p ln p = ln L − F_M / L (F_M the threads' F moved to M; both terms ≥ 0, so no cancellation),
// sink p_0 = e^(s_0 − M) / L. One thread per slot writes the query's cell of scratch
// (tokens in batch, heads, BUCKETS + 2): bucket masses, then entropy, then sink.
// q_row and score() come from lib/row_score.wgsl.

const WG: u32 = 64u;

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;   // cache positions per kv head
override Q_STRIDE: u32;  // floats between consecutive tokens' queries
override SCALE: f32;     // 1/√head_dim, as attention.wgsl
override MAX_SLOTS: u32; // the buckets of a CONTEXT-token input + entropy + sink: sizes the workgroup arrays

// StatsLayer (the per-layer uniform) comes from lib/stats_layer.wgsl.

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> info: StatsLayer;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k_cache: array<KvQuad>; // (kv_heads, CONTEXT, HEAD_DIM / 4): f32 or packed f16
@group(0) @binding(4) var<storage, read_write> query_cells: array<f32>; // (tokens in batch, heads, slots)

const NO_SCORE: f32 = -3.0e38;

var<workgroup> bucket_m: array<f32, MAX_SLOTS * WG>; // (bucket, thread): the thread's max in the bucket
var<workgroup> bucket_s: array<f32, MAX_SLOTS * WG>; // (bucket, thread): Σ e^(s − bucket_m)
var<workgroup> thread_m: array<f32, WG>;
var<workgroup> thread_s: array<f32, WG>;
var<workgroup> thread_f: array<f32, WG>;
var<workgroup> sink_score: f32;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let head = wid.x;
  let t = wid.y;
  let kv_head = head / (HEADS / KV_HEADS);
  let pos = step.pos0 + t;
  load_q_row(t * Q_STRIDE + head * HEAD_DIM, lid);

  var m = NO_SCORE;
  var s_sum = 0.0;
  var f_sum = 0.0;
  for (var bucket = 0u; bucket < info.buckets; bucket++) {
    // distances [near, far] of this bucket, clipped to the keys that exist (far ≤ pos)
    let near = select(0u, 1u << (bucket - 1u), bucket > 0u);
    let far = select(0u, (1u << bucket) - 1u, bucket > 0u);
    var mb = NO_SCORE;
    var sb = 0.0;
    if (near <= pos) {
      let first_key = pos - min(far, pos);
      for (var key = first_key + lid; key <= pos - near; key += WG) {
        let s = score(kv_head, key);
        if (key == 0u) {
          sink_score = s;
        }
        if (s > mb) {
          sb *= exp(mb - s);
          mb = s;
        }
        sb += exp(s - mb);
        if (s > m) {
          let c = exp(m - s);
          f_sum = c * (f_sum + (m - s) * s_sum);
          s_sum *= c;
          m = s;
        }
        let e = exp(s - m);
        s_sum += e;
        f_sum += e * (s - m);
      }
    }
    bucket_m[bucket * WG + lid] = mb;
    bucket_s[bucket * WG + lid] = sb;
  }
  thread_m[lid] = m;
  thread_s[lid] = s_sum;
  thread_f[lid] = f_sum;
  workgroupBarrier();

  // every invocation reads the same row max M, L and F_M (64 terms each)
  var row_m = NO_SCORE;
  for (var i = 0u; i < WG; i++) {
    row_m = max(row_m, thread_m[i]);
  }
  var row_l = 0.0;
  var row_f = 0.0;
  for (var i = 0u; i < WG; i++) {
    let c = exp(thread_m[i] - row_m); // threads without keys have S = F = 0
    row_l += c * thread_s[i];
    row_f += c * (thread_f[i] + (thread_m[i] - row_m) * thread_s[i]);
  }
  let slot = lid;
  var value = 0.0;
  if (slot < info.buckets) {
    var mb = NO_SCORE;
    for (var i = 0u; i < WG; i++) {
      mb = max(mb, bucket_m[slot * WG + i]);
    }
    var sb = 0.0;
    for (var i = 0u; i < WG; i++) {
      sb += exp(bucket_m[slot * WG + i] - mb) * bucket_s[slot * WG + i];
    }
    value = exp(mb - row_m) * sb / row_l;
  } else if (slot == info.buckets) {
    value = log(row_l) - row_f / row_l;
  } else if (slot == info.buckets + 1u) {
    value = exp(sink_score - row_m) / row_l;
  }
  if (slot < info.buckets + 2u) {
    query_cells[(t * HEADS + head) * (info.buckets + 2u) + slot] = value;
  }
}
