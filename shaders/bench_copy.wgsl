// Streaming copy dst[i] = src[i] over vec4<f32>: the device's practical memory bandwidth, the yardstick
// the benchmark (bench/) holds every bandwidth-bound kernel against. Each thread moves 16 bytes per
// iteration of a grid-stride loop, so neighbouring threads touch neighbouring addresses (coalesced) and a
// fixed grid covers a buffer of any size in one dispatch.

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

const WG: u32 = 256u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * WG;
  let n = arrayLength(&src);
  for (var i = id.x; i < n; i += stride) {
    dst[i] = src[i];
  }
}
