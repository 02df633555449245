// Greedy decoding: the index of the largest logit of batch row `step.sample_row`, written to
// `result[0]` (the only value the CPU reads back per decode step). Each thread scans a strided slice,
// then a tree reduction keeps (value, index) pairs; ties go to the lower index, like a CPU scan.

override VOCAB: u32;
override STRIDE: u32; // floats between consecutive tokens' logits

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> result: array<u32>;

var<workgroup> best_value: array<f32, 256>;
var<workgroup> best_index: array<u32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  let base = step.sample_row * STRIDE;
  var v = -3.0e38;
  var idx = 0xffffffffu;
  for (var i = lid; i < VOCAB; i += 256u) {
    let x = logits[base + i];
    if (x > v) {
      v = x;
      idx = i;
    }
  }
  best_value[lid] = v;
  best_index[lid] = idx;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half >>= 1u) {
    if (lid < half) {
      let ov = best_value[lid + half];
      let oi = best_index[lid + half];
      if (ov > best_value[lid] || (ov == best_value[lid] && oi < best_index[lid])) {
        best_value[lid] = ov;
        best_index[lid] = oi;
      }
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    result[0] = best_index[0];
  }
}
