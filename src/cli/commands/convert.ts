// `lab convert`: a GGUF file or llama2.c checkpoint to GGUF in one target type (f32, f16, q8_0, q4_0),
// quantized like llama.cpp (matrices whose rows fill 32-element blocks; norms and odd rows stay F32).
// Streams tensor by tensor into `<out>.partial`, renamed when complete, so memory stays at one tensor
// and an interrupted run never leaves a truncated model under the requested name.
//   lab convert <in.gguf | in.bin --tokenizer tok.bin> -o out.gguf --type q8_0 [--context-length N] [--json]
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CONVERT_TARGETS, convertModel, type ConvertTarget } from '../../gguf/convert.ts';
import { writeModelStream } from '../../gguf/model-source.ts';
import { isGGUFFile, openModelFile } from '../../gguf/open-model-node.ts';
import { ggmlTypeName } from '../../gguf/types.ts';
import { CliError, intOption, output, parseOptions } from '../args.ts';

const USAGE = 'usage: lab convert <in.gguf | in.bin --tokenizer tok.bin> -o out.gguf --type f32|f16|q8_0|q4_0';

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(
    args,
    {
      output: { type: 'string', short: 'o' },
      type: { type: 'string' },
      tokenizer: { type: 'string' },
      'context-length': { type: 'string' },
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
  const contextLength = values['context-length'] === undefined ? undefined : intOption('context-length', values['context-length']);
  for (const path of [input, values.tokenizer]) if (path !== undefined && !existsSync(path)) throw new CliError(`no such file: ${path}`);
  if (resolve(input) === resolve(out)) throw new CliError('the output must not overwrite the input');
  if (values.tokenizer && (await isGGUFFile(input))) {
    throw new CliError(`--tokenizer applies to llama2.c checkpoints only; ${input} is a GGUF file with its own vocabulary`);
  }

  const started = performance.now();
  const opened = await openModelFile(input, { tokenizer: values.tokenizer, contextLength });
  try {
    if (opened.format === 'llama2c' && !values.tokenizer) {
      throw new CliError(`${input} is a llama2.c checkpoint: pass its vocabulary with --tokenizer tok.bin`);
    }
    if (opened.format === 'gguf' && contextLength !== undefined) {
      throw new CliError('--context-length applies to llama2.c checkpoints only');
    }
    const converted = convertModel(opened.model, target);
    const bytes = await writeAtomically(out, (sink) => writeModelStream(converted, sink));
    const tensorsByType: Record<string, number> = {};
    for (const t of converted.tensors) tensorsByType[ggmlTypeName(t.type)] = (tensorsByType[ggmlTypeName(t.type)] ?? 0) + 1;
    const seconds = (performance.now() - started) / 1000;
    const result = { input, output: out, type: target, format: opened.format, bytes, tensors: converted.tensors.length, tensorsByType, seconds };
    output(values.json, result, () =>
      `wrote ${out}: ${bytes} bytes, ${converted.tensors.length} tensors (${Object.entries(tensorsByType).map(([t, n]) => `${n} ${t}`).join(', ')}) in ${seconds.toFixed(2)} s`,
    );
  } finally {
    await opened.close();
  }
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
