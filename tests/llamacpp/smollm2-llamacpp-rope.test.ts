// SmolLM2's perplexity under the two RoPE overrides the issue names (base ×10; linear ×2, llama.cpp's
// freq_scale 0.5) against llama.cpp's under the same override, asked live: the lab's setRope against
// llama.cpp's --rope-freq-base / --rope-scale (see loadLlamaModel). Here the first chunk of n_ctx 256
// on the CPU reference, to stay within a few minutes on SwiftShader-class CI; n_ctx 2,048 is in
// smollm2-llamacpp-long.test.ts (and its measured figures in tests/fixtures/llamacpp/smollm2-measured.json).
import { beforeAll, describe, expect, it } from 'vitest';
import { readGGUF } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { loadReferenceWeights, type ReferenceWeights } from '../../src/engine/reference.ts';
import { createTokenizer } from '../../src/tokenizer/index.ts';
import { heldOutText, labPerplexity, llamaPerplexity, referenceScorer, relativeGap, ROPE_OVERRIDES } from '../helpers/smollm2-cases.ts';
import { requireTestFiles, SMOLLM2_F32, SMOLLM2_Q4_1 } from '../helpers/shared.ts';

const have = requireTestFiles('SmolLM2 RoPE overrides vs llama.cpp', SMOLLM2_Q4_1, SMOLLM2_F32);

const N_CTX = 256;
const CHUNKS = 1;

/**
 * |ours / llama.cpp − 1| on this chunk. F32 copy: summation order only (measured 7.6e-7 base ×10,
 * 3.1e-7 linear ×2). Q4_1: llama.cpp rounds activations to 8 bits and the reference does not (see
 * smollm2-llamacpp-ppl.test.ts); on llama.cpp itself, over the first 6 chunks of n_ctx 256 of this text,
 * that rounding moves a chunk's perplexity by up to 1.6e-2 from the F32 copy's, and perturbations that
 * move the F32 copy's by < 1e-4 (KV type, flash attention) move Q4_1's by up to 1.0e-2. Measured here:
 * 4.5e-3 (base ×10), −7.6e-3 (linear ×2).
 */
const TOLERANCE = { F32: 1e-5, Q4_1: 3e-2 };

describe.skipIf(!have)(`SmolLM2 perplexity under a RoPE override vs llama.cpp: first chunk of n_ctx ${N_CTX}`, () => {
  let text: string;
  let tokens: number[];
  let weights: ReferenceWeights;
  /** llama.cpp's figure without an override, to show each override took effect there. */
  let unchanged: number;

  beforeAll(async () => {
    text = await heldOutText();
    const source = await fileSource(SMOLLM2_Q4_1);
    const gguf = await readGGUF(source);
    tokens = createTokenizer(gguf.metadata).encode(text);
    weights = await loadReferenceWeights(gguf).finally(() => source.close?.());
    unchanged = (await llamaPerplexity(SMOLLM2_F32, text, N_CTX, CHUNKS, 'f32')).result.perplexity;
  });

  it.each(ROPE_OVERRIDES.map((o) => [o.name, o] as const))(
    '%s: within 1e-5 of llama.cpp on the F32 copy, 3e-2 on Q4_1',
    async (name, override) => {
      const { llama, lab } = override.of(weights.config.rope);
      const ours = await labPerplexity(tokens, null, N_CTX, CHUNKS, referenceScorer(weights, N_CTX, { rope: lab }));
      const f32 = (await llamaPerplexity(SMOLLM2_F32, text, N_CTX, CHUNKS, 'f32', llama)).result.perplexity;
      const q4_1 = (await llamaPerplexity(SMOLLM2_Q4_1, text, N_CTX, CHUNKS, 'f32', llama)).result.perplexity;
      console.log(
        `ppl n_ctx ${N_CTX} ${name}: ours ${ours.perplexity.toFixed(8)}; llama.cpp F32 ${f32.toFixed(8)} (gap ${relativeGap(ours.perplexity, f32).toExponential(2)}), Q4_1 ${q4_1.toFixed(8)} (gap ${relativeGap(ours.perplexity, q4_1).toExponential(2)}); without the override ${unchanged.toFixed(8)}`,
      );
      // An override llama.cpp ignored would leave its figure where it was.
      expect(Math.abs(relativeGap(f32, unchanged)), 'llama.cpp applied the override').toBeGreaterThan(1e-3);
      expect(Math.abs(relativeGap(ours.perplexity, f32)), 'F32 copy').toBeLessThanOrEqual(TOLERANCE.F32);
      expect(Math.abs(relativeGap(ours.perplexity, q4_1)), 'Q4_1').toBeLessThanOrEqual(TOLERANCE.Q4_1);
    },
    400_000,
  );
});
