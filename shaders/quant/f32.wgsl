// F32 rows, padded by the loader to a multiple of 32 values with zeros: a "block" is 8 plain floats.
const BLOCK_ELEMS: u32 = 8u;
const BLOCK_WORDS: u32 = 8u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let b = block + chunk * 8u;
  return Eight(
    vec4<f32>(bitcast<f32>(weights[b]), bitcast<f32>(weights[b + 1u]), bitcast<f32>(weights[b + 2u]), bitcast<f32>(weights[b + 3u])),
    vec4<f32>(bitcast<f32>(weights[b + 4u]), bitcast<f32>(weights[b + 5u]), bitcast<f32>(weights[b + 6u]), bitcast<f32>(weights[b + 7u])),
  );
}
