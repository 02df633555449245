// Which rotary pairs carry a head's signal (the qkPairNorms probe): after a layer's q/k projections and
// BEFORE rope_store rotates q, every thread owns one (head, pair) of q or of k and adds
// ‖(x_a, x_b)‖ of each token of the batch to its sum, pair i being the dims rope_store rotates together:
// (2i, 2i+1), or with NEOX (i, i + PAIRS) (full rotary only: the host refuses a partial one). Threads: HEADS·PAIRS query pairs, then
// KV_HEADS·PAIRS key pairs; each writes only its own cell, so the sums need no atomics. Sums layout:
// q (layers, HEADS, PAIRS), then k (layers, KV_HEADS, PAIRS); the host divides by the token count.

override HEADS: u32;
override KV_HEADS: u32;
override HEAD_DIM: u32;
override LAYERS: u32;
override Q_STRIDE: u32;   // floats between consecutive tokens' queries
override KV_STRIDE: u32;  // floats between consecutive tokens' keys
override NEOX: bool = false;

struct ProbeLayer {
  layer: u32,
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> info: ProbeLayer;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read> k: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;

// Offsets within a head of pair i's two dims.
fn pair_dims(i: u32) -> vec2<u32> {
  if (NEOX) {
    return vec2<u32>(i, i + HEAD_DIM / 2u);
  }
  return vec2<u32>(2u * i, 2u * i + 1u);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pairs = HEAD_DIM / 2u;
  let slot = gid.x;
  if (slot >= (HEADS + KV_HEADS) * pairs) {
    return;
  }
  var total = 0.0;
  if (slot < HEADS * pairs) {
    let d = (slot / pairs) * HEAD_DIM + pair_dims(slot % pairs);
    for (var t = 0u; t < step.n_tokens; t++) {
      total += length(vec2<f32>(q[t * Q_STRIDE + d.x], q[t * Q_STRIDE + d.y]));
    }
    sums[info.layer * HEADS * pairs + slot] += total;
  } else {
    let kv_slot = slot - HEADS * pairs;
    let d = (kv_slot / pairs) * HEAD_DIM + pair_dims(kv_slot % pairs);
    for (var t = 0u; t < step.n_tokens; t++) {
      total += length(vec2<f32>(k[t * KV_STRIDE + d.x], k[t * KV_STRIDE + d.y]));
    }
    sums[LAYERS * HEADS * pairs + info.layer * KV_HEADS * pairs + kv_slot] += total;
  }
}
