// SmolLM2-135M-Instruct's perplexity against llama.cpp's, asked live (tests/helpers/llamacpp-live.ts), both
// computed exactly as llama-perplexity's perplexity() computes it (scripts/llamacpp-reference/
// perplexity.mjs; the lab's src/engine/perplexity.ts) over the same chunks of a held-out address. Here
// the first chunk of n_ctx 512 (255 predictions): the lab side is the CPU reference, 0.2–0.3 s a token on
// this 2-core machine (the GPU engine on SwiftShader took 642 s for the same chunk and gave the same
// figure to 3e-8); the whole text, n_ctx 2048 and the GPU engine are in smollm2-llamacpp-long.test.ts.
//
// The reference reads the Q4_1 file and computes in f32; the F32 copy holds exactly those dequantized
// values, so one reference run is compared with llama.cpp on both files. llama.cpp runs like for like
// (F32 KV cache, flash attention off) and with llama-perplexity's defaults (F16 KV, flash attention).
//
// Q4_1 is not held to 1e-3, and cannot be by anything short of llama.cpp's own bits. llama.cpp
// multiplies Q4_1 weights by activations rounded to 8 bits per 32 values (Q8_1) and the Q8_0 output
// matrix by Q8_0 activations; the lab does not round them (the engine rounds only Q4_0/Q8_0 decode
// products, on GPUs). Emulating that rounding reproduces llama.cpp's logits to float noise until a value
// within float noise of a rounding boundary goes the other way (the last test shows both); from then on
// the two runs are two different roundings, and in 30 layers × 255 positions that happens everywhere.
// How much such a rounding moves Q4_1's perplexity, measured on llama.cpp itself over the first 3
// chunks of this text (chunk NLL sums; the F32 copy in brackets):
//   F32 KV, no flash attention  884.054 860.335 776.521   [884.192 857.414 775.664]
//   F32 KV, flash attention     884.600 861.395 775.684   [884.182 857.411 775.653]
//   F16 KV, no flash attention  884.328 861.235 776.924   [884.184 857.403 775.644]
//   BF16 KV, no flash attention 883.164 860.883 774.909   [884.113 857.587 775.643]
// Perturbations that move the F32 copy's chunk by ≤ 0.08 move Q4_1's by up to 1.4 (5.6e-3 of the chunk's
// perplexity), and the rounding itself adds 0.1–4.0 (up to 1.6e-2). The reference with the rounding
// emulated scored chunk 0 at 885.988 (7.6e-3 above llama.cpp's F32-KV run), without it 884.192 (5.4e-4).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGGUF, readTensorBytes, type GGUFFile, type GGUFTypedValue } from '../../src/gguf/index.ts';
import { fileSource } from '../../src/gguf/source-node.ts';
import { meta, writeGGUF, type GGUFTensorToWrite } from '../../src/gguf/writer.ts';
import { loadReferenceWeights, ReferenceModel } from '../../src/engine/reference.ts';
import { createTokenizer } from '../../src/tokenizer/index.ts';
import { maxAbsDiff, referenceChunkScorer } from '../helpers/engine-helpers.ts';
import { llamaCppProduct } from '../helpers/llamacpp-arithmetic.ts';
import { createLlamaContext, loadLlamaModel, logitsVector, rawLogits } from '../helpers/llamacpp-live.ts';
import { heldOutText, labPerplexity, llamaPerplexity, relativeGap } from '../helpers/smollm2-cases.ts';
import { requireTestFiles, SMOLLM2_F32, SMOLLM2_Q4_1 } from '../helpers/shared.ts';

const have = requireTestFiles('SmolLM2 perplexity vs llama.cpp', SMOLLM2_Q4_1, SMOLLM2_F32);

const N_CTX = 512;
const CHUNKS = 1;

/**
 * |ours / llama.cpp − 1| on this chunk. F32: summation order only (measured 6.3e-8 like for like);
 * llama-perplexity's defaults also round K, V (and, in flash attention, Q and V·softmax) to f16 (measured
 * 4.2e-5). Q4_1: llama.cpp's activation rounding, up to 1.6e-2 on one chunk of this text as measured
 * above (on chunk 0: 5.4e-4 like for like, 1.6e-3 against the defaults).
 */
const TOLERANCE = {
  F32: { f32: 1e-5, defaults: 2e-4 },
  Q4_1: { f32: 2e-2, defaults: 2e-2 },
} as const;
const FILES = { F32: SMOLLM2_F32, Q4_1: SMOLLM2_Q4_1 } as const;

describe.skipIf(!have)(`SmolLM2 perplexity vs llama.cpp: first chunk of n_ctx ${N_CTX}`, () => {
  let text: string;
  let ours: { perplexity: number; chunkNll: number[] };

  beforeAll(async () => {
    text = await heldOutText();
    const source = await fileSource(SMOLLM2_Q4_1);
    const gguf = await readGGUF(source);
    const tokens = createTokenizer(gguf.metadata).encode(text);
    const weights = await loadReferenceWeights(gguf).finally(() => source.close?.());
    ours = await labPerplexity(tokens, null, N_CTX, CHUNKS, referenceChunkScorer(weights, N_CTX));
  }, 400_000);

  it.each([
    ['F32', 'f32'],
    ['F32', 'defaults'],
    ['Q4_1', 'f32'],
    ['Q4_1', 'defaults'],
  ] as const)("%s file against llama.cpp's %s run: |ours / theirs − 1| within TOLERANCE", async (file, config) => {
    const run = await llamaPerplexity(FILES[file], text, N_CTX, CHUNKS, config);
    expect(run.bos, 'SmolLM2 adds no BOS').toBeNull();
    const gap = relativeGap(ours.perplexity, run.result.perplexity);
    console.log(
      `ppl n_ctx ${N_CTX}, ${CHUNKS} chunk, ${file}, llama.cpp ${config}: ${run.result.perplexity.toFixed(8)} (NLL ${run.result.chunkNll.map((x) => x.toFixed(4))}), ours ${ours.perplexity.toFixed(8)} (NLL ${ours.chunkNll.map((x) => x.toFixed(4))}), gap ${gap.toExponential(2)}`,
    );
    expect(Math.abs(gap), `tolerance ${TOLERANCE[file][config]}`).toBeLessThanOrEqual(TOLERANCE[file][config]);
  });
});

/** SmolLM2 cut to its first `layers` layers (llama.block_count rewritten, later blocks left out). */
async function truncatedModel(file: GGUFFile, layers: number): Promise<Uint8Array> {
  const metadata = [...file.metadata].map(([key, value]): [string, GGUFTypedValue] => [
    key,
    key === 'llama.block_count' ? meta.u32(layers) : { ...file.metadataTypes.get(key)!, value },
  ]);
  const tensors: GGUFTensorToWrite[] = [];
  for (const t of file.tensors) {
    const block = /^blk\.(\d+)\./.exec(t.name);
    if (block && Number(block[1]) >= layers) continue;
    tensors.push({ name: t.name, dims: t.dims.map(Number), type: t.type, data: await readTensorBytes(file, t) });
  }
  return writeGGUF(metadata, tensors);
}

// The cause of the Q4_1 gap, shown where no rounding tie can cascade: one layer, each token alone at
// position 0. Measured on these 64 tokens: with the rounding emulated, 45 within 1.9e-5 of llama.cpp's
// logits (the other 19 met a tie: 0.012–0.35 off); plain f32, none (0.25 and more off).
describe.skipIf(!have)("llama.cpp's Q4_1 arithmetic, emulated", () => {
  it("gives llama.cpp's logits to float noise on a one-layer SmolLM2 wherever no rounding tie flips", async () => {
    const source = await fileSource(SMOLLM2_Q4_1);
    const gguf = await readGGUF(source);
    const tokens = createTokenizer(gguf.metadata)
      .encode(await heldOutText())
      .slice(0, 64);
    const path = join(mkdtempSync(join(tmpdir(), 'smollm2-1layer-')), 'smollm2-1layer.gguf');
    writeFileSync(path, await truncatedModel(gguf, 1));
    await source.close?.();

    const llama = await loadLlamaModel(path);
    const context = await createLlamaContext(llama, 16, 'f32');
    const sequence = context.getSequence();
    const theirs: number[][] = [];
    for (const token of tokens) {
      await sequence.clearHistory();
      const [out] = await sequence.controlledEvaluate([[token as never, rawLogits()]]);
      theirs.push(logitsVector(out!.next.logits!));
    }
    await context.dispose();
    await llama.dispose();

    const truncated = await readGGUF(await fileSource(path));
    const weights = await loadReferenceWeights(truncated);
    const emulated = new ReferenceModel(weights, 1, { product: await llamaCppProduct(truncated, weights) });
    const plain = new ReferenceModel(weights, 1);
    const gaps = (model: ReferenceModel) => tokens.map((t, i) => maxAbsDiff(model.forward(t, 0), theirs[i]).err);
    const [withRounding, without] = [gaps(emulated), gaps(plain)];
    await truncated.source.close?.();
    const close = (g: number[]) => g.filter((e) => e <= 5e-5).length;
    console.log(
      `one layer, ${tokens.length} tokens alone: emulated rounding ${close(withRounding)} within 5e-5 (max |Δ| ${withRounding.map((e) => e.toExponential(1)).join(' ')}); plain f32 ${close(without)} (smallest max |Δ| ${Math.min(...without).toExponential(2)})`,
    );
    // A token meets a tie with a chance of about a third on this machine (another CPU sums in another
    // order and meets other ties); a quarter agreeing leaves a wide margin.
    expect(close(withRounding)).toBeGreaterThanOrEqual(tokens.length / 4);
    expect(close(without)).toBe(0);
  });
});
