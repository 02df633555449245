// Causal grouped-query attention over the KV cache, split-K ("flash decoding"): the positions a query
// sees are cut into chunks of step.attn_chunk (chosen per step from the positions attended, so a short
// prompt in a long context still spreads over many workgroups). One workgroup handles one (chunk, KV
// head, token) for ALL the query heads that share the KV head (GROUP = HEADS / KV_HEADS), so each key
// and value is read once for the group rather than once per query head. It walks its chunk in tiles of
// 64 positions with an online softmax (per head a running max m and sum l, the accumulator rescaled by
// e^(m_old − m_new) as the max grows), then writes each head's partial (m, l, acc);
// attention_combine.wgsl merges the partials of all chunks. Query t of the batch sits at position
// pos0 + t and sees cache positions 0 … pos0 + t (the batch's own keys are already stored).
// Per tile:
//   1. scores: thread (position i, half) dots key i's half of the dims (KvQuads: four dims a load) with
//      the group's queries (staged in workgroup memory), and the halves are added;
//   2. each head's tile max and then sum of p = e^(s − m) by trees in workgroup memory, all heads at once;
//   3. thread (dim quad c, row r) accumulates p·v over positions r, r + R, … (R = 128 / quads rows of
//      threads), independent loads, each v used for every head of the group;
// and at the end the R rows' accumulators are summed in workgroup memory. The cache is f32 or packed f16
// (lib/kv_f32.wgsl or lib/kv_f16.wgsl).
// In a decode step each workgroup has one tile (520 workgroups at 4K tokens of the 8B), so its chain of
// dependent steps sets the time: the key loop's fixed trip count and the trees' shifts in place of
// divisions took the kernel from 11.0 to 9.0 µs at 512 positions and from 24.9 to 23.0 µs at 4K (H100,
// f16 cache).

const WG: u32 = 128u;
const TILE: u32 = 64u;
const TILE_SHIFT: u32 = 6u; // log2(TILE)
const MAX_GROUP: u32 = 8u;

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;     // cache positions per head
override SPLITS: u32;      // partial slots per (token, head)
override Q_STRIDE: u32;    // floats between consecutive tokens' queries
override SCALE: f32;       // 1/√head_dim
override GROUP: u32 = HEADS / KV_HEADS; // query heads per KV head, ≤ MAX_GROUP, GROUP·HEAD_DIM ≤ 1024
override QUADS: u32 = HEAD_DIM / 4u;    // ≤ 64
override ROWS: u32 = WG / QUADS;        // rows of threads in step 3

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k_cache: array<KvQuad>; // (kv_heads, CONTEXT, HEAD_DIM / 4)
@group(0) @binding(3) var<storage, read> v_cache: array<KvQuad>; // (kv_heads, CONTEXT, HEAD_DIM / 4)
@group(0) @binding(4) var<storage, read_write> part_ml: array<vec2<f32>>; // (tokens, heads, SPLITS)
@group(0) @binding(5) var<storage, read_write> part_acc: array<f32>;      // (tokens, heads, SPLITS, HEAD_DIM)

var<workgroup> q_tile: array<vec4<f32>, 256>;             // (GROUP, QUADS) the group's queries
var<workgroup> halves: array<f32, 1024>;                  // (2, MAX_GROUP, TILE) half-dot products
var<workgroup> scores: array<f32, 512>;                   // (MAX_GROUP, TILE) scores, then p
var<workgroup> rows_acc: array<vec4<f32>, 128>;           // (WG) one head's accumulators, to sum the rows

// Each head's max (or sum) of halves[g·TILE … g·TILE + 63] into halves[g·TILE], all heads at once, a
// level per barrier: a scan by every thread would be a chain of 64 dependent loads per head. Strides are
// powers of two, so the element's head and offset are a shift and a mask, not a division.
fn tree_reduce(lid: u32, take_max: bool) {
  for (var shift = TILE_SHIFT; shift > 0u; shift--) {
    let stride = 1u << (shift - 1u);
    workgroupBarrier();
    for (var e = lid; e < GROUP * stride; e += WG) {
      let at = (e >> (shift - 1u)) * TILE + (e & (stride - 1u));
      let a = halves[at];
      let b = halves[at + stride];
      halves[at] = select(a + b, max(a, b), take_max);
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let split = wg.x;
  let kv_head = wg.y;
  let t = wg.z;
  var end = 0u;
  if (t < step.n_tokens) {
    end = min(step.pos0 + t + 1u, (split + 1u) * step.attn_chunk);
  }
  let start = split * step.attn_chunk;
  let head0 = kv_head * GROUP; // first query head of the group
  let cache_base = kv_head * CONTEXT * QUADS; // in quads
  for (var i = lid; i < GROUP * QUADS; i += WG) {
    let at = t * Q_STRIDE + head0 * HEAD_DIM + 4u * i;
    q_tile[i] = vec4<f32>(q[at], q[at + 1u], q[at + 2u], q[at + 3u]);
  }

  // step 1's split of the dims, step 3's thread layout
  let pos_in_tile = lid % TILE;
  let half = lid / TILE;
  let quad_begin = select(0u, QUADS / 2u, half == 1u);
  let c = lid % QUADS;
  let row = lid / QUADS;
  let pv_active = row < ROWS;

  var m: array<f32, MAX_GROUP>;
  var l: array<f32, MAX_GROUP>;
  var acc: array<vec4<f32>, MAX_GROUP>;
  for (var g = 0u; g < GROUP; g++) {
    m[g] = -1e30;
    l[g] = 0.0;
    acc[g] = vec4<f32>(0.0);
  }
  for (var tile = start; tile < end; tile += TILE) {
    let n = min(TILE, end - tile);
    workgroupBarrier(); // q_tile is staged; the previous tile's p have been read
    // 1. half-dots of key pos_in_tile with every query of the group
    if (pos_in_tile < n) {
      let k_at = cache_base + (tile + pos_in_tile) * QUADS;
      var dots: array<vec4<f32>, MAX_GROUP>;
      for (var g = 0u; g < GROUP; g++) {
        dots[g] = vec4<f32>(0.0);
      }
      // a trip count fixed by the override, so the loop can unroll and its loads go out together; an odd
      // last quad is the upper half's
      for (var p = 0u; p < QUADS / 2u; p++) {
        let k4 = kv_unpack4(k_cache[k_at + quad_begin + p]);
        for (var g = 0u; g < GROUP; g++) {
          dots[g] += q_tile[g * QUADS + quad_begin + p] * k4;
        }
      }
      if (half == 1u && QUADS % 2u == 1u) {
        let k4 = kv_unpack4(k_cache[k_at + QUADS - 1u]);
        for (var g = 0u; g < GROUP; g++) {
          dots[g] += q_tile[g * QUADS + QUADS - 1u] * k4;
        }
      }
      for (var g = 0u; g < GROUP; g++) {
        halves[(half * MAX_GROUP + g) * TILE + pos_in_tile] = dots[g].x + dots[g].y + dots[g].z + dots[g].w;
      }
    }
    workgroupBarrier();
    // 2. scores, each head's new max by a tree over its 64 (in `halves`, free now), p = e^(s − m), l
    for (var e = lid; e < GROUP * TILE; e += WG) {
      let s = select(-1e30, (halves[e] + halves[MAX_GROUP * TILE + e]) * SCALE, e % TILE < n);
      scores[e] = s;
      halves[e] = s;
    }
    tree_reduce(lid, true);
    var correction: array<f32, MAX_GROUP>;
    for (var g = 0u; g < GROUP; g++) {
      let m_new = max(m[g], halves[g * TILE]);
      correction[g] = exp(m[g] - m_new);
      m[g] = m_new;
    }
    workgroupBarrier(); // every thread has read the maxima
    for (var e = lid; e < GROUP * TILE; e += WG) {
      let p = select(0.0, exp(scores[e] - m[e / TILE]), e % TILE < n);
      scores[e] = p;
      halves[e] = p;
    }
    tree_reduce(lid, false);
    // 3. p·v for every head of the group
    for (var g = 0u; g < GROUP; g++) {
      l[g] = l[g] * correction[g] + halves[g * TILE];
      acc[g] *= correction[g];
    }
    if (pv_active) {
      let v_at = cache_base + tile * QUADS + c;
      var i = row;
      for (; i + 3u * ROWS < n; i += 4u * ROWS) { // four independent loads in flight
        let v0 = kv_unpack4(v_cache[v_at + i * QUADS]);
        let v1 = kv_unpack4(v_cache[v_at + (i + ROWS) * QUADS]);
        let v2 = kv_unpack4(v_cache[v_at + (i + 2u * ROWS) * QUADS]);
        let v3 = kv_unpack4(v_cache[v_at + (i + 3u * ROWS) * QUADS]);
        for (var g = 0u; g < GROUP; g++) {
          let s = g * TILE + i;
          acc[g] += scores[s] * v0 + scores[s + ROWS] * v1 + scores[s + 2u * ROWS] * v2 + scores[s + 3u * ROWS] * v3;
        }
      }
      for (; i < n; i += ROWS) {
        let v = kv_unpack4(v_cache[v_at + i * QUADS]);
        for (var g = 0u; g < GROUP; g++) {
          acc[g] += scores[g * TILE + i] * v;
        }
      }
    }
  }

  // the rows' accumulators summed, head by head
  let slot0 = (t * HEADS + head0) * SPLITS + split;
  for (var g = 0u; g < GROUP; g++) {
    workgroupBarrier();
    rows_acc[lid] = select(vec4<f32>(0.0), acc[g], pv_active);
    workgroupBarrier();
    if (t < step.n_tokens && lid < QUADS) {
      var total = vec4<f32>(0.0);
      for (var r = 0u; r < ROWS; r++) {
        total += rows_acc[r * QUADS + lid];
      }
      let slot = slot0 + g * SPLITS;
      let at = slot * HEAD_DIM + 4u * lid;
      part_acc[at] = total.x;
      part_acc[at + 1u] = total.y;
      part_acc[at + 2u] = total.z;
      part_acc[at + 3u] = total.w;
      if (lid == 0u) {
        part_ml[slot] = vec2<f32>(m[g], l[g]);
      }
    }
  }
}
