// F16 rows, padded by the loader to a multiple of 32 values: a "block" is 8 halves in 4 words, widened
// to f32 with unpack2x16float (no shader-f16 needed).
const BLOCK_ELEMS: u32 = 8u;
const BLOCK_WORDS: u32 = 4u;

fn dequant8(block: u32, chunk: u32) -> Eight {
  let b = block + chunk * 4u;
  return Eight(
    vec4<f32>(unpack2x16float(weights[b]), unpack2x16float(weights[b + 1u])),
    vec4<f32>(unpack2x16float(weights[b + 2u]), unpack2x16float(weights[b + 3u])),
  );
}
