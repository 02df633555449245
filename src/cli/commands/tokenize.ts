// `lab tokenize`: token ids of a text under a model's own tokenizer, as llama.cpp would produce them.
//   lab tokenize --model <file.gguf | builtin:<name> | llama2c.bin --tokenizer tokenizer.bin>
//                (--text <string> | --text-file <path>) [--parse-special] [--no-bos] [--json]
// BOS is added when the model's tokenizer says so (tokenizer.ggml.add_bos_token), as llama.cpp does;
// --no-bos leaves it out. --parse-special turns control-token text such as "<s>" into those tokens.
// Only the model's metadata is read, never the tensors.
import { isGGUF, openModelFile } from '../../gguf/open-model-node.ts';
import { fileSource } from '../../gguf/source-node.ts';
import { createTokenizer, type Tokenizer } from '../../tokenizer/index.ts';
import { CliError, output, parseOptions } from '../args.ts';
import { readTextFile, requireRegularFile } from '../files.ts';
import { resolveModelPath } from '../model-path.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    model: { type: 'string' },
    tokenizer: { type: 'string' },
    text: { type: 'string' },
    'text-file': { type: 'string' },
    'parse-special': { type: 'boolean' },
    'no-bos': { type: 'boolean' },
  });
  const model = resolveModelPath(values.model);
  if (values.tokenizer !== undefined) requireRegularFile('--tokenizer', values.tokenizer);
  const text = readText(values.text, values['text-file']);

  const tokenizer = await loadTokenizer(model, values.tokenizer);
  const ids = tokenizer.encode(text, {
    parseSpecial: values['parse-special'] ?? false,
    ...(values['no-bos'] ? { addBos: false } : {}),
  });
  output(values.json, { ids }, () => describeTokens(tokenizer, ids));
}

function readText(text: string | undefined, file: string | undefined): string {
  if ((text === undefined) === (file === undefined)) throw new CliError('give exactly one of --text or --text-file');
  return text ?? readTextFile('--text-file', file!);
}

async function loadTokenizer(path: string, tokenizerPath: string | undefined): Promise<Tokenizer> {
  if (tokenizerPath !== undefined && (await fileIsGGUF(path))) {
    throw new CliError(`--tokenizer applies to llama2.c checkpoints only; '${path}' is a GGUF file with its own vocabulary`);
  }
  const opened = await openModelFile(path, { tokenizer: tokenizerPath, allowUnsupportedTypes: true });
  try {
    if (opened.format === 'llama2c' && !tokenizerPath) {
      throw new CliError(`--model '${path}' is a llama2.c checkpoint, which has no vocabulary: give its tokenizer.bin with --tokenizer`);
    }
    return createTokenizer(new Map(opened.model.metadata.map(([key, typed]) => [key, typed.value])));
  } finally {
    await opened.close();
  }
}

async function fileIsGGUF(path: string): Promise<boolean> {
  const source = await fileSource(path);
  try {
    return await isGGUF(source);
  } finally {
    await source.close?.();
  }
}

/** "n tokens", then one line per token: id and the text it shows as. */
function describeTokens(tokenizer: Tokenizer, ids: number[]): string {
  const lines = ids.map((id) => `${String(id).padStart(7)}  ${JSON.stringify(tokenizer.tokenToPiece(id))}`);
  return [`${ids.length} tokens`, ...lines].join('\n');
}
