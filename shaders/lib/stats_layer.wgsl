// The per-layer uniform of the attention-statistics kernels (attention_stats.wgsl and its reduce), written
// by src/engine/gpu/probe-stats.ts before each layer's dispatches.
struct StatsLayer {
  layer: u32,
  bins: u32,     // query bins
  buckets: u32,  // distance buckets; a cell holds buckets + 2 floats
  _pad: u32,
}
