// Scoring: log p(target | context) = logit[target] − max − log Σ exp(logit − max) for every token of
// the batch, written to out[step.out_offset + t], so perplexity needs one small read-back per chunk.
// One workgroup per token: reductions for the max, then for the sum of exponentials.

override VOCAB: u32;
override STRIDE: u32;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wg.x;
  if (t >= step.n_tokens) {
    return;
  }
  let base = t * STRIDE;
  var m = -3.0e38;
  for (var i = lid; i < VOCAB; i += 256u) {
    m = max(m, logits[base + i]);
  }
  partial[lid] = m;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half >>= 1u) {
    if (lid < half) {
      partial[lid] = max(partial[lid], partial[lid + half]);
    }
    workgroupBarrier();
  }
  let max_logit = partial[0];
  workgroupBarrier();
  var s = 0.0;
  for (var i = lid; i < VOCAB; i += 256u) {
    s += exp(logits[base + i] - max_logit);
  }
  partial[lid] = s;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half >>= 1u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[step.out_offset + t] = logits[base + min(targets[t], VOCAB - 1u)] - max_logit - log(partial[0]);
  }
}
