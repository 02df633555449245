// `lab inspect`: what a model file holds — hyperparameters, RoPE settings, metadata, tensors and
// bytes per type. Reads only the header (and for llama2.c checkpoints the 28-byte header + tokenizer).
//   lab inspect <model.gguf | builtin:<name> | model.bin [--tokenizer tok.bin]> [--json]
import { statSync } from 'node:fs';
import { isGGUFFile, openModelFile } from '../../gguf/open-model-node.ts';
import { summarizeGGUF, summarizeModel, type ModelSummary } from '../../gguf/summary.ts';
import { CliError, output, parseOptions } from '../args.ts';
import { requireRegularFile } from '../files.ts';
import { resolveModelPath } from '../model-path.ts';

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, { tokenizer: { type: 'string' } }, true);
  if (positionals.length !== 1)
    throw new CliError(`inspect takes one model file, got ${positionals.length} (usage: lab inspect <model> [--json])`);
  const path = resolveModelPath(positionals[0], 'inspect');
  if (values.tokenizer) requireRegularFile('--tokenizer', values.tokenizer);
  if (values.tokenizer && (await isGGUFFile(path))) {
    throw new CliError(`--tokenizer applies to llama2.c checkpoints only; ${path} is a GGUF file with its own vocabulary`);
  }
  // Broken files fail here with a GGUFError naming the problem (exit 1); unsupported tensor types are listed, not fatal.
  const opened = await openModelFile(path, { tokenizer: values.tokenizer, allowUnsupportedTypes: true });
  try {
    const summary = opened.file
      ? summarizeGGUF(opened.file)
      : summarizeModel(opened.model, { source: path, fileBytes: statSync(path).size, format: 'llama2c' });
    output(values.json, summary, () => render(summary));
  } finally {
    await opened.close();
  }
}

function render(s: ModelSummary): string {
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  const lines = [
    `${s.source}: ${s.format === 'gguf' ? `GGUF v${s.ggufVersion}, alignment ${s.alignment}` : 'llama2.c checkpoint'}, ${mb(s.fileBytes)}`,
    `architecture ${s.architecture ?? '?'}${s.name ? ` (${s.name})` : ''}`,
    `context ${s.contextLength ?? '?'}, embedding ${s.embeddingLength ?? '?'}, feed-forward ${s.feedForwardLength ?? '?'}, layers ${s.blockCount ?? '?'}`,
    `heads ${s.headCount ?? '?'} (kv ${s.headCountKv ?? '?'}), head dim ${s.headDim ?? '?'}, vocabulary ${s.vocabSize ?? '?'}` +
      (s.fileType === null ? '' : `, file type ${s.fileTypeName} (${s.fileType})`),
    `rope: ${
      Object.entries(s.rope)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ') || '(no rope keys: defaults apply)'
    }`,
    s.tensorCount === 0
      ? 'no tensors (a vocabulary-only file)'
      : `${s.tensorCount} tensors, ${s.parameters.toLocaleString('en-US')} parameters, ${mb(s.totalTensorBytes)}: ` +
        Object.entries(s.bytesByType)
          .map(([type, bytes]) => `${type} ${s.tensorsByType[type]} tensors ${mb(bytes)}`)
          .join(', '),
  ];
  if (s.unsupportedTensors.length) lines.push(`NOT SUPPORTED by RoPE Lab: ${s.unsupportedTensors.join(', ')}`);
  lines.push('', 'metadata:');
  for (const [key, value] of Object.entries(s.metadata)) {
    const text = JSON.stringify(value);
    lines.push(`  ${key} = ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`);
  }
  lines.push('', 'tensors:');
  for (const t of s.tensors) lines.push(`  ${t.name.padEnd(28)} ${t.type.padEnd(5)} [${t.dims.join(', ')}] ${t.bytes} bytes`);
  return lines.join('\n');
}
