// `lab convert`: a GGUF file or llama2.c checkpoint to GGUF in one target type (f32, f16, q8_0, q4_0),
// quantized like llama.cpp (matrices whose rows fill 32-element blocks; norms and odd rows stay F32).
// Streams tensor by tensor into `<out>.partial`, renamed when complete, so memory stays at one tensor
// and an interrupted run never leaves a truncated model under the requested name; an output path that
// exists as anything but a regular file (a device, a FIFO) is refused, since the rename would replace it.
//   lab convert <in.gguf | in.bin --tokenizer tok.bin|vocab.gguf> -o out.gguf --type q8_0 [--json]
//     llama2.c input only: [--context-length N] [--name NAME] [--rope-base B]
//                          [--rope-scaling none|linear --rope-factor F [--rope-original-context N]]
// A llama2.c checkpoint does not say how it was trained; the rope flags record that (same spellings as
// `lab ppl`'s overrides) so the lab and llama.cpp run it with the RoPE it learned.
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CONVERT_TARGETS, convertModel, type ConvertTarget } from '../../gguf/convert.ts';
import type { Llama2cOptions } from '../../gguf/llama2c.ts';
import { writeModelStream } from '../../gguf/model-source.ts';
import { isGGUFFile, openModelFile } from '../../gguf/open-model-node.ts';
import { ggmlTypeName } from '../../gguf/types.ts';
import { CliError, intOption, MAX_TOKENS_OPTION, output, parseOptions, rangeOption } from '../args.ts';
import { requireRegularFile, requireRegularOutput } from '../files.ts';
import { ROPE_BASE_RANGE, ROPE_FACTOR_RANGE } from '../rope-options.ts';

const USAGE = 'usage: lab convert <in.gguf | in.bin --tokenizer tok.bin|vocab.gguf> -o out.gguf --type f32|f16|q8_0|q4_0';
const LLAMA2C_ONLY = ['context-length', 'name', 'rope-base', 'rope-scaling', 'rope-factor', 'rope-original-context'] as const;

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(
    args,
    {
      output: { type: 'string', short: 'o' },
      type: { type: 'string' },
      tokenizer: { type: 'string' },
      'context-length': { type: 'string' },
      name: { type: 'string' },
      'rope-base': { type: 'string' },
      'rope-scaling': { type: 'string' },
      'rope-factor': { type: 'string' },
      'rope-original-context': { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new CliError(`convert takes one input file, got ${positionals.length} (${USAGE})`);
  const [input] = positionals;
  const out = values.output;
  if (!out) throw new CliError(`missing required option --output/-o (${USAGE})`);
  const target = values.type as ConvertTarget | undefined;
  if (!target) throw new CliError(`missing required option --type (f32, f16, q8_0 or q4_0)`);
  if (!Object.hasOwn(CONVERT_TARGETS, target)) throw new CliError(`--type must be f32, f16, q8_0 or q4_0, got '${target}'`);
  const llama2c = llama2cOptions(values);
  requireRegularFile('input', input);
  if (values.tokenizer !== undefined) requireRegularFile('--tokenizer', values.tokenizer);
  if (resolve(input) === resolve(out)) throw new CliError('the output must not overwrite the input');
  requireRegularOutput('--output', out);
  if (values.tokenizer && (await isGGUFFile(input))) {
    throw new CliError(`--tokenizer applies to llama2.c checkpoints only; ${input} is a GGUF file with its own vocabulary`);
  }

  const started = performance.now();
  const opened = await openModelFile(input, { tokenizer: values.tokenizer, ...llama2c });
  try {
    if (opened.format === 'llama2c' && !values.tokenizer) {
      throw new CliError(`${input} is a llama2.c checkpoint: pass its vocabulary with --tokenizer tok.bin`);
    }
    const misplaced = LLAMA2C_ONLY.find((flag) => values[flag] !== undefined);
    if (opened.format === 'gguf' && misplaced) throw new CliError(`--${misplaced} applies to llama2.c checkpoints only`);
    const converted = convertModel(opened.model, target);
    const bytes = await writeAtomically(out, (sink) => writeModelStream(converted, sink));
    const tensorsByType: Record<string, number> = {};
    for (const t of converted.tensors) tensorsByType[ggmlTypeName(t.type)] = (tensorsByType[ggmlTypeName(t.type)] ?? 0) + 1;
    const seconds = (performance.now() - started) / 1000;
    const result = {
      input,
      output: out,
      type: target,
      format: opened.format,
      bytes,
      tensors: converted.tensors.length,
      tensorsByType,
      seconds,
    };
    output(
      values.json,
      result,
      () =>
        `wrote ${out}: ${bytes} bytes, ${converted.tensors.length} tensors (${Object.entries(tensorsByType)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')}) in ${seconds.toFixed(2)} s`,
    );
  } finally {
    await opened.close();
  }
}

type Values = Partial<Record<(typeof LLAMA2C_ONLY)[number], string>>;

/** What to record about a llama2.c checkpoint's training, checked flag by flag. */
function llama2cOptions(values: Values): Llama2cOptions {
  const opts: Llama2cOptions = {};
  if (values['context-length'] !== undefined)
    opts.contextLength = intOption('context-length', values['context-length'], undefined, MAX_TOKENS_OPTION);
  if (values.name !== undefined) {
    if (values.name.trim() === '') throw new CliError('--name must not be empty');
    opts.name = values.name;
  }
  if (values['rope-base'] !== undefined) opts.ropeBase = rangeOption('rope-base', values['rope-base'], ROPE_BASE_RANGE);
  const scaling = values['rope-scaling'] ?? 'none';
  if (scaling !== 'none' && scaling !== 'linear') throw new CliError(`--rope-scaling must be none or linear, got '${scaling}'`);
  if (scaling === 'none') {
    const stray = (['rope-factor', 'rope-original-context'] as const).find((flag) => values[flag] !== undefined);
    if (stray) throw new CliError(`--${stray} needs --rope-scaling linear`);
    return opts;
  }
  const factor = rangeOption('rope-factor', values['rope-factor'], ROPE_FACTOR_RANGE);
  const originalContext =
    values['rope-original-context'] === undefined
      ? undefined
      : intOption('rope-original-context', values['rope-original-context'], undefined, MAX_TOKENS_OPTION);
  opts.ropeScaling = { type: 'linear', factor, ...(originalContext === undefined ? {} : { originalContext }) };
  return opts;
}

async function writeAtomically(path: string, write: (sink: (chunk: Uint8Array) => Promise<void>) => Promise<number>): Promise<number> {
  const partial = `${path}.partial`;
  const handle = await open(partial, 'w');
  try {
    const bytes = await write(async (chunk) => {
      await handle.write(chunk);
    });
    await handle.close();
    await rename(partial, path);
    return bytes;
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true });
    throw err;
  }
}
