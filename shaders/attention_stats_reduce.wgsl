// Adds the batch's per-query cells of attention_stats.wgsl (tokens in batch, heads, BUCKETS + 2) into the
// layer's stats (layers, heads, bins, BUCKETS + 2), each query into the cell of its query bin (bin_of of
// its position). One invocation per (head, slot) walks the batch's queries in order, so the f32 sums are
// the same on every run and need no atomics.

override HEADS: u32;

// StatsLayer (the per-layer uniform) comes from lib/stats_layer.wgsl.

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> info: StatsLayer;
@group(0) @binding(2) var<storage, read> query_cells: array<f32>;
@group(0) @binding(3) var<storage, read> bin_of: array<u32>; // query position → query bin
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slots = info.buckets + 2u;
  let head = gid.x / slots;
  let slot = gid.x % slots;
  if (head >= HEADS) {
    return;
  }
  let layer_head = info.layer * HEADS + head;
  for (var t = 0u; t < step.n_tokens; t++) {
    let cell = layer_head * info.bins + bin_of[step.pos0 + t];
    stats[cell * slots + slot] += query_cells[(t * HEADS + head) * slots + slot];
  }
}
