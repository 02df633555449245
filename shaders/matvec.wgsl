// y = W·x for ONE token (a decode step), any weight type: the batch-1 counterpart of matmul.wgsl, same
// quant libraries (dequant_row8), same bindings. Types whose 32-value groups are whole 16-byte words
// take matvec_vec4.wgsl instead; this kernel is the others' path and the benchmark's baseline. Batch 1 reads every weight once and does 2 FLOPs per weight,
// so the kernel is a memory stream; what limits it is how many loads each thread keeps in flight:
//   - a workgroup of 256 threads owns ROWS_PER_WG = 256 / TPR rows; the TPR threads of a row take the
//     row's 8-value chunks in turn (lane, lane + TPR, …), so neighbouring lanes read neighbouring words;
//   - each step of a thread's walk handles UNROLL chunks whose loads are independent (no dependent chain
//     through a loop-carried array, unlike matmul.wgsl's per-token accumulators);
//   - the TPR partial sums of a row meet in a tree reduction in workgroup memory.
// Grid: x·y = row groups (y > 1 only past 65535 groups).

const WG: u32 = 256u;
const UNROLL: u32 = 4u;

override TPR: u32 = 32u;   // threads per row, a power of two dividing WG
override CHUNKS: u32;      // chunks of 8 values per row (padded row length / 8)
override ROWS: u32;        // output features
override ROW_WORDS: u32;   // u32 words per weight row
override ROW_OFFSET: u32 = 0u; // rows of the buffer before this matrix (Q, K and V share one buffer)
override ACCUMULATE: bool; // add into y (the residual stream) instead of overwriting it

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

var<workgroup> partial: array<f32, WG>;

fn chunk_dot(row: u32, c: u32) -> f32 {
  let w = dequant_row8(ROW_OFFSET + row, c);
  return dot(w.lo, x[2u * c]) + dot(w.hi, x[2u * c + 1u]);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  if (step.n_tokens != 1u) {
    return; // matmul.wgsl's job (uniform: every invocation returns)
  }
  let lane = lid % TPR;
  let row = (wg.x + wg.y * groups.x) * (WG / TPR) + lid / TPR;
  var acc = 0.0;
  if (row < ROWS) {
    var c = lane;
    for (; c + (UNROLL - 1u) * TPR < CHUNKS; c += UNROLL * TPR) {
      acc += chunk_dot(row, c) + chunk_dot(row, c + TPR) + chunk_dot(row, c + 2u * TPR) + chunk_dot(row, c + 3u * TPR);
    }
    for (; c < CHUNKS; c += TPR) {
      acc += chunk_dot(row, c);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var half = TPR / 2u; half > 0u; half >>= 1u) {
    if (lane < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  if (row < ROWS && lane == 0u) {
    var sum = partial[lid];
    if (ACCUMULATE) {
      sum += y[row];
    }
    y[row] = sum;
  }
}
