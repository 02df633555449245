// Causal grouped-query attention for a block of prompt tokens, tiled for big GPUs (flash-attention 2
// style, f32, no subgroups): a drop-in replacement for attention_prefill.wgsl (same bindings, same
// override constants), which does far more loads per multiply-add.
//
// Rows. The queries of all HEADS / KV_HEADS heads that share one kv head read the same keys and values,
// so a workgroup owns BQ = 64 consecutive rows of the (token, head-in-group) list of ONE kv head:
// row r is token r / G, head kv_head·G + r % G (G = HEADS / KV_HEADS), and every K/V tile it loads
// serves all of them. Grid: [ceil(n_tokens · G / 64), KV_HEADS, 1].
//
// Keys. The workgroup walks cache positions 0 … (its last token's position) in tiles of BK = 32; tiles
// past that position are never loaded (causal), and the mask (key ≤ the row's position) is applied
// to every score, which only bites in the diagonal tiles.
//
// Threads. 256 threads, thread (rq, c) = (lid / 16, lid % 16) owns rows 4rq … 4rq+3 in both halves:
//  - scores S = Q·Kᵀ: keys 2c, 2c+1 of the tile, a 4 × 2 register tile. The contraction runs over
//    HEAD_DIM in chunks of DC = 16 dims staged in workgroup memory: Q as [dim][4 rows] vec4s, K as
//    [dim pair][2 keys × 2 dims] vec4s (one cache KvPair per key), so each dim pair costs 3 vec4
//    loads for 16 multiply-adds. Q is restaged every tile: 64 rows × HEAD_DIM do not fit next to
//    anything else in 16 KiB.
//  - online softmax: the row max of the tile is reduced over the 16 threads of a row quad through
//    workgroup memory; every thread of the quad gets the same m_new, so each keeps its own copy of
//    (m, correction) and its own PARTIAL row sum l (its keys only), rescaled like the accumulators
//    and reduced once at the very end.
//  - O += P·V: P (e^(s − m), [key][4 rows] vec4s) goes through workgroup memory; V is staged as
//    [key][dim quad] vec4s, VK keys at a time (all 32 for HEAD_DIM ≤ 64, 16 for 128); thread (rq, c)
//    accumulates dim quads c, c+16, … of its 4 rows in registers: per key 1 + HEAD_DIM/64 vec4
//    loads for HEAD_DIM/4 · 4 multiply-adds, and the loads of one warp are 16 consecutive vec4s
//    (no bank conflicts) or broadcasts.
//  - staging is software-pipelined: the global loads of the next Q/K or V chunk are issued into two
//    registers right after the current chunk is in workgroup memory, and land while the workgroup
//    multiplies.
//
// Per key tile and thread (HEAD_DIM 128): 2048 multiply-adds for 288 vec4 workgroup loads (7 per load);
// the workgroup stages 16 Ki floats from global memory per 1 Mi FLOP. Measured on an H100 (Dawn/Vulkan,
// f32 or f16 cache, 512-token block at position 16K of 32K): 4.7 ms (1B: 32/8 heads of 64, 14.6 TFLOP/s)
// and 8.0 ms (8B: 32/8 heads of 128, 17 TFLOP/s), 11–12× and 31–35× faster than attention_prefill.wgsl.
// The grid has n_tokens · G / 64 × KV_HEADS workgroups: a 32-token block makes only 16 of them (1B, 8B),
// too few for 132 SMs (3.5 ms there, 1.2 TFLOP/s: still 11× faster).
//
// Workgroup memory: stage (Q/K chunks, then V) 512 vec4 + probs (row-max partials, then P, at the end
// the partial sums) 512 vec4 = 16384 bytes for every HEAD_DIM — the WebGPU default limit.
// HEAD_DIM: any even value from 2 to 256 (dims past HEAD_DIM inside a chunk or quad are staged as
// zeros); the fast shapes are multiples of 64. Q_STRIDE, OUT_STRIDE even (the engine's are multiples of 8).
// The cache is read in KvPairs of f32 or packed f16 (lib/kv_f32.wgsl or lib/kv_f16.wgsl).

const BQ: u32 = 64u;           // rows (query token × head of the group) per workgroup
const BK: u32 = 32u;           // cache positions per key tile
const DC: u32 = 16u;           // dims per score chunk
const ROW_QUADS: u32 = 16u;    // BQ / 4
const STAGE: u32 = 512u;       // vec4s of stage
const K_AT: u32 = 256u;        // the K chunk's offset in stage (after DC × ROW_QUADS Q vec4s)
const MAX_QUADS_PER_THREAD: u32 = 4u; // dim quads c, c+16, c+32, c+48: HEAD_DIM ≤ 256
const MASKED: f32 = -1e30;     // finite, so a row's first tile never computes −inf − (−inf)

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override CONTEXT: u32;
override Q_STRIDE: u32;   // floats between consecutive tokens' queries
override OUT_STRIDE: u32; // floats between consecutive tokens' outputs
override SCALE: f32;      // 1/√head_dim

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> q: array<vec2<f32>>;    // pairs: Q_STRIDE and h·HEAD_DIM are even
@group(0) @binding(2) var<storage, read> k_cache: array<KvPair>; // (kv_heads, CONTEXT, HEAD_DIM / 2)
@group(0) @binding(3) var<storage, read> v_cache: array<KvPair>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> stage: array<vec4<f32>, 512>;
var<workgroup> probs: array<vec4<f32>, 512>;

// This thread's part in staging (fixed for the whole run), set once by main.
var<private> lid: u32;
var<private> last_pos: u32;  // the workgroup's last token's position: keys past it are staged as zeros
var<private> kv_base: u32;   // the kv head's first pair in the caches
var<private> load_quad: u32; // Q: the row quad (threads 0–127); K: the key pair (128–255)
var<private> load_pair: u32; // the dim pair within the chunk
var<private> q_at: vec4<u32>; // the 4 Q rows' first pairs
var<private> q_ok: vec4<bool>;

// Staging is software-pipelined: a thread fetches the global values of the NEXT stage (Q/K chunk or V
// chunk) into two registers right after the current one is in workgroup memory, so the loads are in
// flight while the workgroup multiplies, instead of being waited for between two barriers.

/** Q dims d0 … d0+15 of the 4 rows (threads 0–127: [x of the 4 rows, y of the 4 rows] of one dim pair), or K of 2 keys. */
fn fetch_qk(tile: u32, d0: u32) -> array<vec4<f32>, 2> {
  let pair = d0 / 2u + load_pair;
  var x = vec4<f32>(0.0);
  var y = vec4<f32>(0.0);
  if (pair < HEAD_DIM / 2u) {
    if (lid < 128u) {
      for (var i = 0u; i < 4u; i++) {
        if (q_ok[i]) {
          let v = q[q_at[i] + pair];
          x[i] = v.x;
          y[i] = v.y;
        }
      }
    } else {
      let key = tile + 2u * load_quad;
      if (key <= last_pos) {
        x = vec4<f32>(kv_unpack2(k_cache[kv_base + key * (HEAD_DIM / 2u) + pair]), 0.0, 0.0);
      }
      if (key + 1u <= last_pos) {
        x = vec4<f32>(x.xy, kv_unpack2(k_cache[kv_base + (key + 1u) * (HEAD_DIM / 2u) + pair]));
      }
    }
  }
  return array<vec4<f32>, 2>(x, y);
}

fn store_qk(r: array<vec4<f32>, 2>) {
  if (lid < 128u) {
    stage[(2u * load_pair) * ROW_QUADS + load_quad] = r[0];
    stage[(2u * load_pair + 1u) * ROW_QUADS + load_quad] = r[1];
  } else {
    stage[K_AT + load_pair * ROW_QUADS + load_quad] = r[0];
  }
}

/** V items lid and lid + 256 of the chunk of n keys from v0: item = key · quads + dim quad. */
fn fetch_v(tile: u32, v0: u32, n: u32) -> array<vec4<f32>, 2> {
  let pairs = HEAD_DIM / 2u;
  let quads = (HEAD_DIM + 3u) / 4u;
  var r = array<vec4<f32>, 2>(vec4<f32>(0.0), vec4<f32>(0.0));
  for (var i = 0u; i < 2u; i++) {
    let item = lid + 256u * i;
    let key = tile + v0 + item / quads;
    let pair = 2u * (item % quads);
    if (item < n * quads && key <= last_pos) {
      let at = kv_base + key * pairs + pair;
      var hi = vec2<f32>(0.0);
      if (pair + 1u < pairs) {
        hi = kv_unpack2(v_cache[at + 1u]);
      }
      r[i] = vec4<f32>(kv_unpack2(v_cache[at]), hi);
    }
  }
  return r;
}

fn store_v(r: array<vec4<f32>, 2>, n: u32) {
  let items = n * ((HEAD_DIM + 3u) / 4u);
  if (lid < items) {
    stage[lid] = r[0];
  }
  if (lid + 256u < items) {
    stage[lid + 256u] = r[1];
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let group = HEADS / KV_HEADS;
  let quads = (HEAD_DIM + 3u) / 4u;
  let quads_per_thread = (quads + 15u) / 16u;
  let vk = min(BK, STAGE / quads); // V keys per stage
  let rows = step.n_tokens * group;
  let row0 = wg.x * BQ;
  let rq = local / 16u;
  let c = local % 16u;
  lid = local;
  let last = step.pos0 + (min(row0 + BQ, rows) - 1u) / group; // a let: the tile loop must be uniform
  last_pos = last;
  kv_base = wg.y * CONTEXT * (HEAD_DIM / 2u);
  load_quad = (local % 128u) / 8u;
  load_pair = local % 8u;
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + load_quad * 4u + i;
    q_ok[i] = r < rows;
    q_at[i] = ((r / group) * Q_STRIDE + (wg.y * group + r % group) * HEAD_DIM) / 2u;
  }

  // this thread's 4 rows: the position each may see up to (padding rows past the block copy the last)
  var row_pos = vec4<u32>(last);
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + rq * 4u + i;
    if (r < rows) {
      row_pos[i] = step.pos0 + r / group;
    }
  }

  var m = vec4<f32>(MASKED);
  var l = vec4<f32>(0.0); // partial: this thread's keys only
  // [quad j][row i] at j·4 + i: dims 4(c + 16j) … of row 4rq + i (zeroed). Its loops run to the constant
  // MAX_QUADS_PER_THREAD and break at quads_per_thread: with the override-derived bound as the loop's own
  // condition, the H100 driver did not unroll them and kept acc in local memory, 4–8× slower.
  var acc: array<vec4<f32>, 16>;
  var staged = fetch_qk(0u, 0u);

  for (var tile = 0u; tile <= last; tile += BK) {
    // ---- scores of keys tile + 2c, tile + 2c + 1 for the 4 rows
    var s0 = vec4<f32>(0.0);
    var s1 = vec4<f32>(0.0);
    for (var d0 = 0u; d0 < HEAD_DIM; d0 += DC) {
      workgroupBarrier(); // the previous chunk (or tile's V) is no longer read
      store_qk(staged);
      workgroupBarrier();
      if (d0 + DC < HEAD_DIM) {
        staged = fetch_qk(tile, d0 + DC);
      } else {
        staged = fetch_v(tile, 0u, min(vk, BK));
      }
      for (var p = 0u; p < DC / 2u; p++) {
        let qx = stage[(2u * p) * ROW_QUADS + rq];
        let qy = stage[(2u * p + 1u) * ROW_QUADS + rq];
        let kk = stage[K_AT + p * ROW_QUADS + c];
        s0 += qx * kk.x + qy * kk.y;
        s1 += qx * kk.z + qy * kk.w;
      }
    }
    let key0 = tile + 2u * c;
    s0 = select(vec4<f32>(MASKED), s0 * SCALE, vec4<u32>(key0) <= row_pos);
    s1 = select(vec4<f32>(MASKED), s1 * SCALE, vec4<u32>(key0 + 1u) <= row_pos);

    // ---- online softmax: the tile's row max over the 16 threads of the row quad
    probs[c * ROW_QUADS + rq] = max(s0, s1);
    workgroupBarrier(); // also: every thread is done with the K chunk, stage is free for V
    var tile_max = vec4<f32>(MASKED);
    for (var t = 0u; t < 16u; t++) {
      tile_max = max(tile_max, probs[t * ROW_QUADS + rq]);
    }
    let m_new = max(m, tile_max);
    let correction = exp(m - m_new);
    m = m_new;
    let p0 = exp(s0 - m_new);
    let p1 = exp(s1 - m_new);
    l = l * correction + p0 + p1;
    for (var j = 0u; j < MAX_QUADS_PER_THREAD; j++) { // a constant trip count: see acc
      if (j == quads_per_thread) {
        break;
      }
      for (var i = 0u; i < 4u; i++) {
        acc[j * 4u + i] *= correction[i];
      }
    }
    workgroupBarrier(); // the max partials are read: probs takes P
    probs[(2u * c) * ROW_QUADS + rq] = p0;
    probs[(2u * c + 1u) * ROW_QUADS + rq] = p1;

    // ---- O += P·V, V staged vk keys at a time as [key][dim quad]
    for (var v0 = 0u; v0 < BK; v0 += vk) {
      if (v0 > 0u) {
        workgroupBarrier(); // the previous V chunk is read
      }
      let n = min(vk, BK - v0);
      store_v(staged, n);
      workgroupBarrier(); // V chunk and P are written
      if (v0 + vk < BK) {
        staged = fetch_v(tile, v0 + vk, min(vk, BK - v0 - vk));
      } else {
        staged = fetch_qk(tile + BK, 0u);
      }
      for (var k = 0u; k < n; k++) {
        let pk = probs[(v0 + k) * ROW_QUADS + rq];
        for (var j = 0u; j < MAX_QUADS_PER_THREAD; j++) { // a constant trip count: see acc
          if (j == quads_per_thread) {
            break;
          }
          let quad = c + 16u * j;
          if (quad < quads) {
            let v = stage[k * quads + quad];
            acc[j * 4u] += pk.x * v;
            acc[j * 4u + 1u] += pk.y * v;
            acc[j * 4u + 2u] += pk.z * v;
            acc[j * 4u + 3u] += pk.w * v;
          }
        }
      }
    }
  }
  // ---- the rows' sums from the 16 partials, then O / l
  workgroupBarrier(); // P is read
  probs[c * ROW_QUADS + rq] = l;
  workgroupBarrier();
  var row_sum = vec4<f32>(0.0);
  for (var t = 0u; t < 16u; t++) {
    row_sum += probs[t * ROW_QUADS + rq];
  }
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + rq * 4u + i;
    if (r < rows) {
      let base = (r / group) * OUT_STRIDE + (wg.y * group + r % group) * HEAD_DIM;
      for (var j = 0u; j < MAX_QUADS_PER_THREAD; j++) { // a constant trip count: see acc
        if (j == quads_per_thread) {
          break;
        }
        let quad = c + 16u * j;
        let o = acc[j * 4u + i] / row_sum[i];
        for (var e = 0u; e < 4u; e++) {
          let d = 4u * quad + e;
          if (quad < quads && d < HEAD_DIM) {
            out[base + d] = o[e];
          }
        }
      }
    }
  }
}
