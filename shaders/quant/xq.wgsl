// A 32-value group of x rounded to int8 by matvec_int8.wgsl: q0..15 in `lo`, q16..31 in `hi` (four int8
// per word, value i in byte i % 4), its scale d (x ≈ d·q) and Σq (what Q4_0's −8 offset needs).
struct XQ { lo: vec4<u32>, hi: vec4<u32>, d: f32, sum: i32 }
