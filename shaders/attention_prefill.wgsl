// Causal grouped-query attention for a block of prompt tokens (flash-attention style): one workgroup
// handles one head and QB = 8 consecutive queries, and walks the cache in tiles of KT = 64 positions.
// Per tile: each thread scores one position against all 8 queries (the key is read once for the
// block), the 8 threads of each query row reduce its tile max and sum, and the row's running
// (max m, sum l, accumulator) is rescaled by e^(m_old − m_new) — the online softmax, so only a
// QB × KT tile of probabilities ever exists. Positions past a query's own are masked (causal).
// Decode (one query) uses the split-K kernel instead: there the parallelism must come from the keys.
// The cache is read in KvPairs of f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl).

const QB: u32 = 8u;          // queries per workgroup
const KT: u32 = 64u;         // cache positions per tile (= threads per workgroup)
const TPQ: u32 = 8u;         // threads per query row (64 / QB)
const MAX_DIMS: u32 = 32u;   // HEAD_DIM / TPQ ≤ 32, so HEAD_DIM ≤ 256
const MASKED: f32 = -1e30;

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;
override Q_STRIDE: u32;   // floats between consecutive tokens' queries
override OUT_STRIDE: u32; // floats between consecutive tokens' outputs
override SCALE: f32;      // 1/√head_dim

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k_cache: array<KvPair>; // (kv_heads, CONTEXT, HEAD_DIM / 2)
@group(0) @binding(3) var<storage, read> v_cache: array<KvPair>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> probs: array<f32, 512>; // (QB, KT): scores, then e^(score − m)
var<workgroup> stat: array<f32, 64>;   // per-thread partial max / sum

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let h = wg.x;
  let q0 = wg.y * QB;
  var nq = 0u;
  if (q0 < step.n_tokens) {
    nq = min(QB, step.n_tokens - q0);
  }
  let last_pos = step.pos0 + q0 + nq - 1u; // the block's last query sees positions 0 … last_pos
  let pairs = HEAD_DIM / 2u;
  let kv_base = (h / (HEADS / KV_HEADS)) * CONTEXT * pairs; // in pairs
  let row = lid / TPQ; // this thread's query row (softmax statistics and output dims)
  let sub = lid % TPQ;

  var m = MASKED;
  var l = 0.0;
  var acc: array<f32, 32>;
  let end = select(0u, last_pos + 1u, nq > 0u);
  for (var tile = 0u; tile < end; tile += KT) {
    // scores: position tile + lid against every query of the block
    let p = tile + lid;
    for (var r = 0u; r < QB; r++) {
      var s = MASKED;
      if (r < nq && p <= step.pos0 + q0 + r) {
        let qb = (q0 + r) * Q_STRIDE + h * HEAD_DIM;
        let kb = kv_base + p * pairs;
        var dot = 0.0;
        for (var i = 0u; i < pairs; i++) {
          let kp = kv_unpack2(k_cache[kb + i]);
          dot += q[qb + 2u * i] * kp.x;
          dot += q[qb + 2u * i + 1u] * kp.y;
        }
        s = dot * SCALE;
      }
      probs[r * KT + lid] = s;
    }
    workgroupBarrier();

    // the row's tile max: 8 threads × 8 entries
    var tile_max = MASKED;
    for (var j = 0u; j < KT / TPQ; j++) {
      tile_max = max(tile_max, probs[row * KT + sub * (KT / TPQ) + j]);
    }
    stat[lid] = tile_max;
    workgroupBarrier();
    var row_max = MASKED;
    for (var t = 0u; t < TPQ; t++) {
      row_max = max(row_max, stat[row * TPQ + t]);
    }
    let m_new = max(m, row_max);
    workgroupBarrier(); // stat is reused for the sums
    var part = 0.0;
    for (var j = 0u; j < KT / TPQ; j++) {
      let i = row * KT + sub * (KT / TPQ) + j;
      let e = exp(probs[i] - m_new);
      probs[i] = e;
      part += e;
    }
    stat[lid] = part;
    workgroupBarrier(); // publishes stat and probs
    var row_sum = 0.0;
    for (var t = 0u; t < TPQ; t++) {
      row_sum += stat[row * TPQ + t];
    }
    let correction = exp(m - m_new);
    l = l * correction + row_sum;
    m = m_new;

    // accumulate e^(s − m)·v into the dims this thread owns: d = sub, sub + 8, …
    let n = min(KT, end - tile);
    for (var j = 0u; j < MAX_DIMS; j++) {
      let d = sub + j * TPQ;
      if (d < HEAD_DIM) {
        var a = acc[j] * correction;
        let v_at = kv_base + tile * pairs + d / 2u;
        for (var i = 0u; i < n; i++) {
          a += probs[row * KT + i] * kv_unpack1(v_cache[v_at + i * pairs], d & 1u);
        }
        acc[j] = a;
      }
    }
    workgroupBarrier(); // probs is rewritten by the next tile
  }

  if (row < nq) {
    for (var j = 0u; j < MAX_DIMS; j++) {
      let d = sub + j * TPQ;
      if (d < HEAD_DIM) {
        out[(q0 + row) * OUT_STRIDE + h * HEAD_DIM + d] = acc[j] / l;
      }
    }
  }
}
