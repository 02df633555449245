#!/usr/bin/env node
// Writes llama.cpp's own answers for the stories260K models into tests/fixtures/llamacpp/, the
// independent reference that tests/llamacpp/llamacpp-parity.test.ts holds RoPE Lab's tokenizer, CPU reference
// and `lab ppl` to. Real llama.cpp runs here on the CPU through the prebuilt binaries of the npm
// package node-llama-cpp; nothing is compiled or downloaded at run time.
//
// node-llama-cpp is installed OUTSIDE the project on purpose: its platform packages carry hundreds of MB
// of CUDA/Vulkan builds that CI must not install. Once per machine:
//
//   mkdir -p /tmp/llref && cd /tmp/llref && npm init -y
//   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts \
//     node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1
//
// then, from the project root:
//
//   LLAMA_REF_DIR=/tmp/llref node scripts/llamacpp-reference/generate.mjs [../shared]
//
// (LLAMA_REF_OUT=dir writes elsewhere, e.g. to check that a rerun reproduces the committed fixtures:
// everything but the `date` fields should come out identical.)
//
// For each model file it writes tests/fixtures/llamacpp/<model>.json recording:
//   - the tokenization of the TinyStories sample exactly as llama-perplexity makes it
//     (common_tokenize(ctx, text, add_special = true): BOS first when the vocabulary asks for it);
//   - perplexity as tools/perplexity/perplexity.cpp `perplexity()` computes it, for n_ctx 128, 256 and
//     512 (stories260K's training context), with llama-perplexity's defaults (F16 KV cache, flash
//     attention "auto") and again all in f32 (see CONFIGS), with each chunk's NLL sum for diagnosis;
//   - per configuration, 64 greedy tokens from BOS and the full logits at a few positions of a prompt.
// A run takes 2.5 minutes for the four stories260K files on two cores (longer beside other work), and
// reproduces the committed fixtures byte for byte apart from `date`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { logitsVector, perplexityLikeLlamaCpp, rawLogits } from './perplexity.mjs';

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The same shared folder the tests use (tests/helpers/shared.ts): argument, else $ROPE_LAB_SHARED, else ../shared.
const SHARED = resolve(process.argv[2] ?? process.env.ROPE_LAB_SHARED ?? join(PROJECT, '../shared'));
const OUT = resolve(process.env.LLAMA_REF_OUT ?? join(PROJECT, 'tests/fixtures/llamacpp'));
const MODEL_FILES = ['stories260K.gguf', 'stories260K-F16.gguf', 'stories260K-Q8_0.gguf', 'stories260K-Q4_0.gguf'];
const TEXT_FILE = 'texts/tinystories-sample-60k.txt';
const PPL_CONTEXTS = [128, 256, 512];
// Two llama.cpp configurations. 'defaults' is what llama-perplexity runs with (F16 KV cache, flash
// attention "auto", which is on for the CPU backend): the headline figure. 'f32' keeps every
// activation in f32 (F32 KV cache and flash attention off; the CPU flash-attention path rounds K and V
// to f16 even from an F32 cache: position-0 logits then differ from the numpy reference by 1.3e-3
// against 3e-6 without it), the like-for-like match for an f32 engine.
const CONFIGS = [
  { name: 'defaults', kvCacheType: 'F16', flashAttention: 'auto' },
  { name: 'f32', kvCacheType: 'F32', flashAttention: false },
];
const GREEDY_TOKENS = 64;
const LOGITS_PROMPT = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.';
const LOGITS_POSITIONS = [0, 1, 5, 20];

const { getLlama, nodeLlamaCppVersion, entry } = await importNodeLlamaCpp(process.env.LLAMA_REF_DIR ?? '/tmp/llref');

// One thread: the machines this runs on are shared, and ggml's thread pool spins badly when
// oversubscribed (a chunk took 20 ms to 1.5 s with two threads beside other work). ggml splits its
// matmuls by rows, so the thread count should change speed, not the figures.
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: 1 });
const llamaCpp = { ...llama.llamaCppRelease, commit: bundledLlamaCppCommit(entry), buildType: llama.buildType };
const text = readFileSync(join(SHARED, TEXT_FILE), 'utf8');
mkdirSync(OUT, { recursive: true });

for (const file of MODEL_FILES) {
  const path = join(SHARED, 'models', file);
  const started = performance.now();
  const model = await llama.loadModel({ modelPath: path });
  const tokens = tokenizeForPerplexity(model, text);
  const fixture = {
    generator: 'scripts/llamacpp-reference/generate.mjs',
    nodeLlamaCpp: nodeLlamaCppVersion,
    llamaCpp,
    date: new Date().toISOString(),
    model: { file, sha256: sha256(readFileSync(path)) },
    text: { file: TEXT_FILE, sha256: sha256(Buffer.from(text, 'utf8')), chars: text.length },
    tokenization: {
      addBos: model.tokens.shouldPrependBosToken,
      bos: model.tokens.bos,
      count: tokens.length,
      sha256OfCommaJoinedIds: sha256(Buffer.from(tokens.join(','))),
      first64: tokens.slice(0, 64),
    },
    configs: CONFIGS,
    perplexity: [],
    greedy: [],
    logits: [],
  };
  const promptIds = [model.tokens.bos, ...model.tokenize(LOGITS_PROMPT, false)];
  for (const config of CONFIGS) {
    for (const nCtx of PPL_CONTEXTS) {
      const context = await createContext(model, nCtx, config);
      const result = await perplexityLikeLlamaCpp(
        context.getSequence(),
        tokens,
        nCtx,
        model.tokens.bos,
        model.tokens.shouldPrependBosToken,
      );
      fixture.perplexity.push({ config: config.name, nCtx, ...result });
      await context.dispose();
    }
    const context = await createContext(model, 128, config);
    const sequence = context.getSequence();
    fixture.greedy.push({ config: config.name, fromToken: model.tokens.bos, ids: await greedyFromBos(sequence, model.tokens.bos) });
    fixture.logits.push({
      config: config.name,
      prompt: LOGITS_PROMPT,
      promptIds,
      positions: await logitsAt(sequence, promptIds, LOGITS_POSITIONS),
    });
    await context.dispose();
  }
  await model.dispose();

  const outPath = join(OUT, basename(file, '.gguf') + '.json');
  writeFileSync(outPath, formatFixture(fixture));
  const head = fixture.perplexity.map((p) => `ctx ${p.nCtx} ${p.config}: ${p.perplexity.toFixed(6)}`).join(', ');
  console.log(`${file}: ${tokens.length} tokens; ${head}; ${((performance.now() - started) / 1000).toFixed(1)} s → ${outPath}`);
}
writeFileSync(
  join(OUT, 'tinystories-tokens.json'),
  JSON.stringify({
    about:
      "llama.cpp tokenization of the TinyStories sample with the stories260K vocabulary (BOS first), for diagnosing tokenizer mismatches; every stories260K fixture records this list's sha256.",
    nodeLlamaCpp: nodeLlamaCppVersion,
    llamaCpp,
    text: TEXT_FILE,
    ids: tokenizeForPerplexity(await llama.loadModel({ modelPath: join(SHARED, 'models', MODEL_FILES[0]) }), text),
  }) + '\n',
);
await llama.dispose();

// ------------------------------------------------------------------------------------------ helpers

async function importNodeLlamaCpp(dir) {
  const require = createRequire(join(resolve(dir), 'package.json'));
  let entry;
  try {
    entry = require.resolve('node-llama-cpp');
  } catch {
    throw new Error(
      `node-llama-cpp is not installed under ${dir} (set LLAMA_REF_DIR; the install steps are at the top of ${fileURLToPath(import.meta.url)})`,
    );
  }
  const lib = await import(pathToFileURL(entry).href);
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '../package.json'), 'utf8'));
  return { getLlama: lib.getLlama, nodeLlamaCppVersion: version, entry };
}

/** The llama.cpp source commit node-llama-cpp bundles (HEAD of llama/gitRelease.bundle), or null. */
function bundledLlamaCppCommit(entry) {
  const bundle = join(dirname(entry), '../llama/gitRelease.bundle');
  try {
    // A git bundle opens with "# v2 git bundle" then "<sha> <ref>" lines.
    const head = readFileSync(bundle).subarray(0, 400).toString('latin1').split('\n')[1];
    return /^[0-9a-f]{40}/.exec(head)?.[0] ?? null;
  } catch {
    return null;
  }
}

/** common_tokenize(ctx, text, add_special = true, parse_special = false), as llama-perplexity does. */
function tokenizeForPerplexity(model, input) {
  const ids = Array.from(model.tokenize(input, false));
  return model.tokens.shouldPrependBosToken ? [model.tokens.bos, ...ids] : ids;
}

function createContext(model, nCtx, { kvCacheType, flashAttention }) {
  return model.createContext({
    contextSize: nCtx,
    batchSize: nCtx,
    sequences: 1,
    flashAttention,
    experimentalKvCacheKeyType: kvCacheType,
    experimentalKvCacheValueType: kvCacheType,
  });
}

/** The whole raw logits vector (vocab order) of each chosen position of `ids`, evaluated from scratch. */
async function logitsAt(sequence, ids, positions) {
  await sequence.clearHistory();
  const wanted = new Set(positions);
  const outputs = await sequence.controlledEvaluate(ids.map((id, pos) => (wanted.has(pos) ? [id, rawLogits()] : id)));
  return positions.map((pos) => ({ pos, token: ids[pos], logits: logitsVector(outputs[pos].next.logits) }));
}

/** Greedy decoding from BOS, one token per step (llama.cpp's greedy sampler: first maximum). */
async function greedyFromBos(sequence, bos) {
  await sequence.clearHistory();
  const ids = [];
  let token = bos;
  for (let i = 0; i < GREEDY_TOKENS; i++) {
    const [output] = await sequence.controlledEvaluate([[token, { generateNext: { token: true, options: { temperature: 0 } } }]]);
    token = output.next.token;
    ids.push(token);
  }
  return ids;
}

/** Indented JSON with each list of numbers on one line: readable, and small enough to commit. */
export function formatFixture(value) {
  return (
    JSON.stringify(value, null, 1).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, list) => `[${list.replace(/\s+/g, '')}]`) +
    '\n'
  );
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}
