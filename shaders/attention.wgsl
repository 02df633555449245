// Causal grouped-query attention over the KV cache, split-K ("flash decoding"): the positions a query
// sees are cut into chunks of CHUNK; one workgroup handles one (chunk, KV head, token) — all GROUP =
// HEADS / KV_HEADS query heads that share the KV head, so each key and value is read once for the group
// (the group's heads would otherwise read the same cache GROUP times). It walks its chunk in tiles of
// 256 positions with an online softmax per head (running max m and sum l, the accumulators rescaled by
// e^(m_old − m_new) as the max grows), then writes each head's partial (m, l, acc);
// attention_combine.wgsl merges the partials of all chunks. Scores live only per tile in workgroup
// memory: nothing positions × positions is ever materialised. Query t of the batch sits at position
// pos0 + t and sees cache positions 0 … pos0 + t (the batch's own keys are already stored). The cache
// is read in KvPairs of f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl): keys pair by pair, and
// each thread's value dims d from their pairs d / 2. Arrays declared inside loops are zeroed explicitly:
// a bare `var` there was not re-zeroed per iteration on SwiftShader.

const WG: u32 = 64u;
const TILE: u32 = 256u;
const MAX_DIMS_PER_THREAD: u32 = 4u; // HEAD_DIM ≤ 256
const MAX_GROUP: u32 = 8u;           // query heads per KV head

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;     // cache positions per head
override CHUNK: u32;       // positions per split (a multiple of TILE)
override SPLITS: u32;      // partial slots per (token, head)
override Q_STRIDE: u32;    // floats between consecutive tokens' queries
override SCALE: f32;       // 1/√head_dim
override GROUP: u32 = HEADS / KV_HEADS;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k_cache: array<KvPair>; // (kv_heads, CONTEXT, HEAD_DIM / 2)
@group(0) @binding(3) var<storage, read> v_cache: array<KvPair>;
@group(0) @binding(4) var<storage, read_write> part_ml: array<vec2<f32>>; // (tokens, heads, SPLITS)
@group(0) @binding(5) var<storage, read_write> part_acc: array<f32>;      // (tokens, heads, SPLITS, HEAD_DIM)

var<workgroup> q_group: array<f32, GROUP * HEAD_DIM>; // the group's queries
var<workgroup> scores: array<f32, GROUP * TILE>;      // (head in group, position in tile)
var<workgroup> reduce: array<f32, GROUP * WG>;

// Per head of the group, the max (or sum) of every thread's `v`: one tree over (GROUP, WG).
fn group_reduce(lid: u32, is_max: bool) {
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      for (var g = 0u; g < GROUP; g++) {
        let a = reduce[g * WG + lid];
        let b = reduce[g * WG + lid + half];
        reduce[g * WG + lid] = select(a + b, max(a, b), is_max);
      }
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let split = wg.x;
  let kv_head = wg.y;
  let t = wg.z;
  var end = 0u;
  if (t < step.n_tokens) {
    end = min(step.pos0 + t + 1u, (split + 1u) * CHUNK);
  }
  let start = split * CHUNK;
  let pairs = HEAD_DIM / 2u;
  let kv_base = kv_head * CONTEXT * pairs; // in pairs
  let h0 = kv_head * GROUP;                // the group's first query head
  for (var i = lid; i < GROUP * HEAD_DIM; i += WG) {
    q_group[i] = q[t * Q_STRIDE + h0 * HEAD_DIM + i];
  }
  workgroupBarrier();

  var m: array<f32, MAX_GROUP>;
  var l: array<f32, MAX_GROUP>;
  var acc: array<f32, MAX_GROUP * MAX_DIMS_PER_THREAD>; // (head in group, dim slot)
  for (var g = 0u; g < MAX_GROUP; g++) {
    m[g] = -1e30;
  }
  for (var tile = start; tile < end; tile += TILE) {
    let n = min(TILE, end - tile);
    // scores: each thread takes positions lid, lid + 64, …; each key is read once for the group
    var tile_max: array<f32, MAX_GROUP>;
    for (var g = 0u; g < MAX_GROUP; g++) {
      tile_max[g] = -1e30;
    }
    for (var i = lid; i < n; i += WG) {
      let k_base = kv_base + (tile + i) * pairs;
      var dot = array<f32, MAX_GROUP>(); // explicitly zeroed per key
      for (var p = 0u; p < pairs; p++) {
        let kp = kv_unpack2(k_cache[k_base + p]);
        for (var g = 0u; g < MAX_GROUP; g++) {
          if (g < GROUP) {
            dot[g] += q_group[g * HEAD_DIM + 2u * p] * kp.x + q_group[g * HEAD_DIM + 2u * p + 1u] * kp.y;
          }
        }
      }
      for (var g = 0u; g < MAX_GROUP; g++) {
        if (g < GROUP) {
          scores[g * TILE + i] = dot[g] * SCALE;
          tile_max[g] = max(tile_max[g], dot[g] * SCALE);
        }
      }
    }
    for (var g = 0u; g < MAX_GROUP; g++) {
      if (g < GROUP) {
        reduce[g * WG + lid] = tile_max[g];
      }
    }
    group_reduce(lid, true);
    var correction: array<f32, MAX_GROUP>;
    var m_new: array<f32, MAX_GROUP>;
    for (var g = 0u; g < MAX_GROUP; g++) {
      if (g < GROUP) {
        m_new[g] = max(m[g], reduce[g * WG]);
        correction[g] = exp(m[g] - m_new[g]);
      }
    }
    workgroupBarrier(); // everyone has read the maxima before `reduce` takes the sums
    for (var g = 0u; g < MAX_GROUP; g++) {
      if (g < GROUP) {
        var tile_sum = 0.0;
        for (var i = lid; i < n; i += WG) {
          let p = exp(scores[g * TILE + i] - m_new[g]);
          scores[g * TILE + i] = p;
          tile_sum += p;
        }
        reduce[g * WG + lid] = tile_sum;
      }
    }
    group_reduce(lid, false); // its barriers also publish scores[]
    for (var g = 0u; g < MAX_GROUP; g++) {
      if (g < GROUP) {
        l[g] = l[g] * correction[g] + reduce[g * WG];
        m[g] = m_new[g];
      }
    }
    // values: thread owns dims d = lid + 64j of every head of the group; each value is read once
    for (var j = 0u; j < MAX_DIMS_PER_THREAD; j++) {
      let d = lid + j * WG;
      if (d < HEAD_DIM) {
        var a = array<f32, MAX_GROUP>();
        for (var g = 0u; g < MAX_GROUP; g++) {
          a[g] = acc[g * MAX_DIMS_PER_THREAD + j] * select(1.0, correction[g], g < GROUP);
        }
        let v_at = kv_base + tile * pairs + d / 2u;
        let odd = d & 1u;
        for (var i = 0u; i < n; i++) {
          let v = kv_unpack1(v_cache[v_at + i * pairs], odd);
          for (var g = 0u; g < MAX_GROUP; g++) {
            if (g < GROUP) {
              a[g] += scores[g * TILE + i] * v;
            }
          }
        }
        for (var g = 0u; g < MAX_GROUP; g++) {
          acc[g * MAX_DIMS_PER_THREAD + j] = a[g];
        }
      }
    }
    workgroupBarrier(); // scores[] and reduce[] are rewritten by the next tile
  }

  if (t < step.n_tokens) {
    // a constant trip count like every loop over m, l and acc: one runtime-bounded index would put the
    // arrays in local memory (2.4× slower on an H100)
    for (var g = 0u; g < MAX_GROUP; g++) {
      if (g >= GROUP) {
        break;
      }
      let slot = (t * HEADS + h0 + g) * SPLITS + split;
      if (lid == 0u) {
        part_ml[slot] = vec2<f32>(m[g], l[g]);
      }
      for (var j = 0u; j < MAX_DIMS_PER_THREAD; j++) {
        let d = lid + j * WG;
        if (d < HEAD_DIM) {
          part_acc[slot * HEAD_DIM + d] = acc[g * MAX_DIMS_PER_THREAD + j];
        }
      }
    }
  }
}
