// 32 consecutive input values as eight named vec4s (v0 = values 0..3, …, v7 = 28..31): a struct rather
// than an array, so the dot32 functions index it statically and it stays in registers.
struct X32 {
  v0: vec4<f32>, v1: vec4<f32>, v2: vec4<f32>, v3: vec4<f32>,
  v4: vec4<f32>, v5: vec4<f32>, v6: vec4<f32>, v7: vec4<f32>,
}
