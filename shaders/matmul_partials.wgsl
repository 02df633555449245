// Split-K's second step: adds the slices 1 … PARTS of a matmul_tiled.wgsl product (its `partial`,
// (PARTS, n_tokens, ROWS)) into the product's outputs, routed and accumulated as matmul_tiled.wgsl
// routes slice 0: rows [0, SPLIT1) to y (token stride OUT_STRIDE), [SPLIT1, SPLIT2) to y2 and the rest
// to y3 (token stride OUT_STRIDE2). Slice 0 is already there, so this always adds.
// Grid: x·y = groups of 64 (token, row) pairs (y > 1 past 65535 groups).

override ROWS: u32;
override PARTS: u32;                // slices in `partial`: the product's grid z − 1
override OUT_STRIDE: u32;
override SPLIT1: u32 = 0xffffffffu;
override SPLIT2: u32 = 0xffffffffu;
override OUT_STRIDE2: u32 = 0u;

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> y2: array<f32>;
@group(0) @binding(4) var<storage, read_write> y3: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = step.n_tokens;
  let e = gid.x + gid.y * groups.x * 64u;
  let row = e % ROWS;
  let t = e / ROWS;
  if (t >= n) {
    return;
  }
  var sum = 0.0;
  for (var p = 0u; p < PARTS; p++) {
    sum += partial[(p * n + t) * ROWS + row];
  }
  if (row >= SPLIT2) {
    y3[t * OUT_STRIDE2 + row - SPLIT2] += sum;
  } else if (row >= SPLIT1) {
    y2[t * OUT_STRIDE2 + row - SPLIT1] += sum;
  } else {
    y[t * OUT_STRIDE + row] += sum;
  }
}
