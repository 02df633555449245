// Issue #6's benchmark: `npm run bench -- [--json] [options]` (or `node bench.mjs …` from the GPU kit).
// Synthetic Llama-shaped models with seeded random weights, loaded through the engine; see bench/README.md
// for the options and every field of the JSON report.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { CliError, intOption, numberListOption, numberOption, parseOptions } from '../src/cli/args.ts';
import { nodeGpu } from '../src/engine/gpu/node-gpu.ts';
import { defaultDecodeActivations } from '../src/engine/gpu/device.ts';
import { nodeShaders } from '../src/engine/gpu/shaders-node.ts';
import type { KvCacheType } from '../src/engine/types.ts';
import { WebGpuEngine } from '../src/engine/webgpu-engine.ts';
import { GGMLType } from '../src/gguf/index.ts';
import { measureCopyBandwidth } from './copy-bandwidth.ts';
import { countingGpu, memoryCounter } from './gpu.ts';
import { MATVEC_SHAPE, matvecKernelsFor, measureMatvec, SMALL_MATVEC_SHAPE, type MatvecResult } from './matvec.ts';
import { measureModel, type MeasureOptions } from './measure.ts';
import { formatReport, type BenchReport } from './report.ts';
import { SHAPES, WEIGHT_TYPES } from './shapes.ts';
import { openSynthetic, registerSynthetic } from './synthetic-registry.ts';
import { fp32PeakTflops } from './targets.ts';

const MATVEC_TYPES = [GGMLType.Q4_0, GGMLType.Q8_0, GGMLType.F16];

/**
 * The simpler kernel choices the engine keeps, measured as named baselines on one model (decode at the
 * shortest context, prefill at the shortest prompt): what the tuned defaults gain over them.
 */
const BASELINES: ReadonlyArray<{ name: string; options: Partial<MeasureOptions> }> = [
  {
    name: 'naive matmul: matmul.wgsl with one thread per weight row for prompts and decode (no tiling, no matvec, no fusion)',
    options: { threadsPerRow: 1, promptMatmul: 'simple', decodeKernels: 'matmul' },
  },
  {
    name: "previous kernels: matmul.wgsl (8 threads per row) for prompts, generic matvec.wgsl for decode, prompt attention 'split'",
    options: { threadsPerRow: 8, promptMatmul: 'simple', decodeKernels: 'generic', promptAttention: 'split' },
  },
  {
    name: "decode activations 'f32' (Q4_0 decode products by matvec_vec4.wgsl: nibbles to floats, x unrounded)",
    options: { decodeActivations: 'f32' },
  },
  {
    name: "prompt attention 'flash' (attention_prefill.wgsl: one workgroup per head and 8 queries)",
    options: { promptAttention: 'flash' },
  },
  { name: "prompt attention 'split' (split-K per query, as in decode)", options: { promptAttention: 'split' } },
];

function listOption<T>(name: string, value: string | undefined, fallback: string[], known: Readonly<Record<string, T>>): string[] {
  const names = value === undefined ? fallback : value.split(',').map((s) => s.trim());
  for (const n of names) if (!(n in known)) throw new CliError(`--${name}: unknown '${n}' (known: ${Object.keys(known).join(', ')})`);
  return names;
}

function positiveList(name: string, value: string | undefined, fallback: number[]): number[] {
  const list = numberListOption(name, value) ?? fallback;
  for (const n of list) if (!Number.isInteger(n) || n < 2) throw new CliError(`--${name}: ${n} is not an integer ≥ 2`);
  return list;
}

function commit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown (no git here: pass BENCH_COMMIT)';
  }
}

async function main(args: string[]): Promise<void> {
  const { values: v } = parseOptions(args, {
    small: { type: 'boolean' },
    shapes: { type: 'string' },
    types: { type: 'string' },
    out: { type: 'string' },
    'decode-ctx': { type: 'string' },
    'prefill-ctx': { type: 'string' },
    steps: { type: 'string' },
    'full-prefill-up-to': { type: 'string' },
    'kv-cache': { type: 'string' },
    batch: { type: 'string' },
    'threads-per-row': { type: 'string' },
    'memory-gib': { type: 'string' },
    'copy-mib': { type: 'string' },
    'fp32-peak-tflops': { type: 'string' },
    'no-matvec': { type: 'boolean' },
    baselines: { type: 'boolean' },
    'no-baselines': { type: 'boolean' },
  });
  const small = v.small ?? false;
  const shapes = listOption('shapes', v.shapes, small ? ['stories15M'] : ['stories15M', '1B', '8B'], SHAPES);
  const types = listOption('types', v.types, small ? ['q4_0'] : ['q4_0', 'q8_0', 'f16'], WEIGHT_TYPES);
  const kvCache = v['kv-cache'];
  if (kvCache !== undefined && kvCache !== 'f32' && kvCache !== 'f16')
    throw new CliError(`--kv-cache must be f32 or f16, got '${kvCache}'`);
  const options = {
    decodeContexts: positiveList('decode-ctx', v['decode-ctx'], small ? [64] : [512, 4096]),
    prefillContexts: positiveList('prefill-ctx', v['prefill-ctx'], small ? [64, 128] : [512, 4096, 32768]),
    decodeSteps: intOption('steps', v.steps, small ? 4 : 64),
    fullPrefillUpTo: intOption('full-prefill-up-to', v['full-prefill-up-to'], small ? 64 : 4096),
    kvCache: kvCache as KvCacheType | undefined,
    longKvCache: 'f16' as KvCacheType,
    batchSize: v.batch === undefined ? undefined : intOption('batch', v.batch),
    threadsPerRow: v['threads-per-row'] === undefined ? undefined : intOption('threads-per-row', v['threads-per-row']),
    memoryBytes: numberOption('memory-gib', v['memory-gib'], small ? 2 : 72) * 2 ** 30,
  };
  const copyBytes = intOption('copy-mib', v['copy-mib'], small ? 64 : 1024) * 2 ** 20;
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`bench [${((performance.now() - started) / 1000).toFixed(0)} s]: ${line}\n`);

  const memory = memoryCounter();
  const shaders = nodeShaders();
  const engine = new WebGpuEngine({
    gpu: async () => countingGpu(await nodeGpu({ dawnFlags: ['disable-dawn-features=timestamp_quantization'] }), memory),
    shaders,
    openPath: openSynthetic,
  });
  try {
    // A tiny model opens the device: its description, and the device the copy kernel runs on
    await engine.load({ kind: 'path', path: registerSynthetic(SHAPES.tiny, GGMLType.Q8_0).name });
    const { gpu } = engine.gpuInternals();
    await engine.unload();
    const device = {
      description: gpu.description,
      vendor: gpu.adapterInfo.vendor,
      architecture: gpu.adapterInfo.architecture,
      name: gpu.adapterInfo.device || gpu.adapterInfo.description,
      software: gpu.software,
      timestampQuery: gpu.device.features.has('timestamp-query'),
      maxStorageBufferBindingSize: gpu.device.limits.maxStorageBufferBindingSize,
      maxBufferSize: gpu.device.limits.maxBufferSize,
    };
    log(`device: ${device.description}`);
    const copy = await measureCopyBandwidth(gpu.device, shaders, copyBytes, small ? 5 : 20);
    log(`copy bandwidth: ${copy.gbPerSecond.toFixed(1)} GB/s over ${copy.bytesCopied / 2 ** 20} MiB`);

    const peak =
      v['fp32-peak-tflops'] === undefined
        ? fp32PeakTflops(`${device.description} ${device.name}`)
        : numberOption('fp32-peak-tflops', v['fp32-peak-tflops']);
    const matvec: MatvecResult[] = [];
    if (!v['no-matvec']) {
      const shape = small ? SMALL_MATVEC_SHAPE : MATVEC_SHAPE;
      for (const type of MATVEC_TYPES)
        for (const kernel of matvecKernelsFor(type)) {
          const r = await measureMatvec(engine, shape, type, kernel, copy.gbPerSecond);
          matvec.push(r);
          log(`matvec ${r.type} ${r.rows}×${r.cols} ${r.kernel}: ${r.gbPerSecond?.toFixed(1) ?? r.error} GB/s`);
        }
    }

    const report: BenchReport = {
      schema: 'rope-lab-bench/1',
      date: new Date().toISOString(),
      commit: commit(),
      command: args.join(' '),
      device,
      fp32PeakTflops: peak,
      copy,
      matvec,
      models: [],
      options: { ...options, small, shapes, types, copyBytes },
    };
    // --out is rewritten after every model: a run cut short by a time limit keeps what it measured
    const save = () => v.out && writeFileSync(v.out, JSON.stringify(report, null, 1) + '\n');
    for (const shape of shapes)
      for (const type of types) {
        const run = await measureModel(
          engine,
          memory,
          SHAPES[shape],
          WEIGHT_TYPES[type],
          { ...options, copyGbPerSecond: copy.gbPerSecond, fp32PeakTflops: peak },
          log,
        );
        if (run.status !== 'measured') log(`${shape} ${type}: ${run.status}: ${run.reason}`);
        report.models.push(run);
        save();
      }
    if (v['no-baselines'] ? false : (v.baselines ?? !small)) {
      // on the 1B (or the first shape) in Q4_0 (or the first type)
      const shape = shapes.includes('1B') ? '1B' : shapes[0];
      const type = types.includes('q4_0') ? 'q4_0' : types[0];
      const short = { decodeContexts: [Math.min(...options.decodeContexts)], prefillContexts: [Math.min(...options.prefillContexts)] };
      const defaultAttention = device.software ? 'flash' : 'tiled'; // the engine's choice (LoadOptions.promptAttention)
      const defaultActivations = defaultDecodeActivations(gpu);
      const isDefault = (b: (typeof BASELINES)[number]) =>
        b.options.promptAttention === defaultAttention || b.options.decodeActivations === defaultActivations;
      for (const baseline of BASELINES.filter((b) => !isDefault(b))) {
        const base = { ...options, ...short, copyGbPerSecond: copy.gbPerSecond, fp32PeakTflops: peak, ...baseline.options };
        const run = await measureModel(engine, memory, SHAPES[shape], WEIGHT_TYPES[type], base, log);
        report.models.push({ ...run, baseline: baseline.name });
        save();
      }
    }
    save();
    process.stdout.write(v.json ? JSON.stringify(report, null, 1) + '\n' : formatReport(report) + '\n');
  } finally {
    await engine.destroy();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0), // Dawn keeps the event loop alive after the device is destroyed
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof CliError ? 2 : 1);
  },
);
