// Causal grouped-query attention over the KV cache, split-K ("flash decoding"): the positions a query
// sees are cut into chunks of step.attn_chunk (chosen per step from the positions attended, so a short
// prompt in a long context still spreads over many workgroups); one workgroup handles one (chunk, head, token) and walks its chunk
// in tiles of 256 positions with an online softmax (running max m and sum l, the accumulator rescaled
// by e^(m_old − m_new) as the max grows), then writes its partial (m, l, acc). attention_combine.wgsl
// merges the partials of all chunks. Scores live only per tile in workgroup memory: nothing
// positions × positions is ever materialised. Query t of the batch sits at position pos0 + t and
// sees cache positions 0 … pos0 + t (the batch's own keys are already stored). The cache is read in
// f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl): keys four dims at a time (KvQuad) against the
// query staged in workgroup memory, and each thread's value dim d from its pair d / 2 (KvPair).

const WG: u32 = 64u;
const TILE: u32 = 256u;
const MAX_DIMS_PER_THREAD: u32 = 4u; // HEAD_DIM ≤ 256

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;     // cache positions per head
override SPLITS: u32;      // partial slots per (token, head)
override Q_STRIDE: u32;    // floats between consecutive tokens' queries
override SCALE: f32;       // 1/√head_dim

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k_cache: array<KvQuad>; // (kv_heads, CONTEXT, HEAD_DIM / 4)
@group(0) @binding(3) var<storage, read> v_cache: array<KvPair>;
@group(0) @binding(4) var<storage, read_write> part_ml: array<vec2<f32>>; // (tokens, heads, SPLITS)
@group(0) @binding(5) var<storage, read_write> part_acc: array<f32>;      // (tokens, heads, SPLITS, HEAD_DIM)

var<workgroup> scores: array<f32, 256>;
var<workgroup> reduce: array<f32, 64>;
var<workgroup> q_tile: array<vec4<f32>, 64>; // the query (HEAD_DIM ≤ 256)

fn workgroup_max(v: f32, lid: u32) -> f32 {
  reduce[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      reduce[lid] = max(reduce[lid], reduce[lid + half]);
    }
    workgroupBarrier();
  }
  let r = reduce[0];
  workgroupBarrier();
  return r;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  reduce[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      reduce[lid] += reduce[lid + half];
    }
    workgroupBarrier();
  }
  let r = reduce[0];
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let split = wg.x;
  let h = wg.y;
  let t = wg.z;
  var end = 0u;
  if (t < step.n_tokens) {
    end = min(step.pos0 + t + 1u, (split + 1u) * step.attn_chunk);
  }
  let start = split * step.attn_chunk;
  let pairs = HEAD_DIM / 2u;
  let quads = HEAD_DIM / 4u;
  let kv_head = h / (HEADS / KV_HEADS);
  let kv_base = kv_head * CONTEXT * pairs; // in pairs
  let q_base = t * Q_STRIDE + h * HEAD_DIM;
  for (var i = lid; i < quads; i += WG) {
    q_tile[i] = vec4<f32>(q[q_base + 4u * i], q[q_base + 4u * i + 1u], q[q_base + 4u * i + 2u], q[q_base + 4u * i + 3u]);
  }
  workgroupBarrier();

  var m = -1e30;
  var l = 0.0;
  var acc: array<f32, 4>;
  for (var tile = start; tile < end; tile += TILE) {
    let n = min(TILE, end - tile);
    var tile_max = -1e30;
    for (var i = lid; i < n; i += WG) {
      let k_base = (kv_head * CONTEXT + tile + i) * quads;
      var d4 = vec4<f32>(0.0);
      for (var p = 0u; p < quads; p++) {
        d4 += q_tile[p] * kv_unpack4(k_cache[k_base + p]);
      }
      let score = (d4.x + d4.y + d4.z + d4.w) * SCALE;
      scores[i] = score;
      tile_max = max(tile_max, score);
    }
    let m_new = max(m, workgroup_max(tile_max, lid));
    var tile_sum = 0.0;
    for (var i = lid; i < n; i += WG) {
      let p = exp(scores[i] - m_new);
      scores[i] = p;
      tile_sum += p;
    }
    let correction = exp(m - m_new);
    l = l * correction + workgroup_sum(tile_sum, lid); // the sum's barriers also publish scores[]
    for (var j = 0u; j < MAX_DIMS_PER_THREAD; j++) {
      let d = lid + j * WG;
      if (d < HEAD_DIM) {
        var a = acc[j] * correction;
        let v_at = kv_base + tile * pairs + d / 2u;
        let odd = d & 1u;
        // eight independent loads in flight per step: one at a time, each thread waited on every value
        // of V in turn (the decode step's slowest kernel on an H100: 130 µs per layer at 4K tokens)
        var i = 0u;
        for (; i + 8u <= n; i += 8u) {
          let at = v_at + i * pairs;
          let v0 = kv_unpack1(v_cache[at], odd);
          let v1 = kv_unpack1(v_cache[at + pairs], odd);
          let v2 = kv_unpack1(v_cache[at + 2u * pairs], odd);
          let v3 = kv_unpack1(v_cache[at + 3u * pairs], odd);
          let v4 = kv_unpack1(v_cache[at + 4u * pairs], odd);
          let v5 = kv_unpack1(v_cache[at + 5u * pairs], odd);
          let v6 = kv_unpack1(v_cache[at + 6u * pairs], odd);
          let v7 = kv_unpack1(v_cache[at + 7u * pairs], odd);
          a += scores[i] * v0 + scores[i + 1u] * v1 + scores[i + 2u] * v2 + scores[i + 3u] * v3
             + scores[i + 4u] * v4 + scores[i + 5u] * v5 + scores[i + 6u] * v6 + scores[i + 7u] * v7;
        }
        for (; i < n; i++) {
          a += scores[i] * kv_unpack1(v_cache[v_at + i * pairs], odd);
        }
        acc[j] = a;
      }
    }
    m = m_new;
    workgroupBarrier(); // scores[] is rewritten by the next tile
  }

  if (t < step.n_tokens) {
    let slot = (t * HEADS + h) * SPLITS + split;
    if (lid == 0u) {
      part_ml[slot] = vec2<f32>(m, l);
    }
    for (var j = 0u; j < MAX_DIMS_PER_THREAD; j++) {
      let d = lid + j * WG;
      if (d < HEAD_DIM) {
        part_acc[slot * HEAD_DIM + d] = acc[j];
      }
    }
  }
}
