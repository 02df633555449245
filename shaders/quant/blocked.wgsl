// Row access for the block layouts (every type but the split-row Q4_0/Q8_0): chunk c of a row lives in
// block c / (BLOCK_ELEMS / 8), BLOCK_WORDS words apart. ROW_WORDS comes from the including kernel.
fn dequant_row8(row: u32, c: u32) -> Eight {
  let chunks_per_block = BLOCK_ELEMS / 8u;
  return dequant8(row * ROW_WORDS + (c / chunks_per_block) * BLOCK_WORDS, c % chunks_per_block);
}
