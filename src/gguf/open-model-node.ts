// Opens a model file from disk for the CLI: a GGUF file, or a llama2.c checkpoint (which needs its
// tokenizer.bin to become a usable GGUF). The format is told by the magic bytes, not the extension.
import { GGUFError } from './errors.ts';
import { readLlama2c, readLlama2cConfig, type Llama2cOptions } from './llama2c.ts';
import { ggufModelSource, type ModelSource } from './model-source.ts';
import { readGGUF, type GGUFFile } from './reader.ts';
import { fileSource } from './source-node.ts';
import type { ByteSource } from './source.ts';

export interface OpenedModel {
  format: 'gguf' | 'llama2c';
  model: ModelSource;
  /** Only for GGUF input. */
  file?: GGUFFile;
  close(): Promise<void>;
}

export interface OpenModelOptions extends Llama2cOptions {
  /** The vocabulary of llama2.c input: its tokenizer.bin, or a vocabulary-only GGUF. */
  tokenizer?: string;
  allowUnsupportedTypes?: boolean;
}

export async function isGGUF(source: ByteSource): Promise<boolean> {
  if (source.size < 4) return false;
  return new TextDecoder().decode(await source.read(0, 4)) === 'GGUF';
}

/** Whether the file at `path` starts with the GGUF magic. */
export async function isGGUFFile(path: string): Promise<boolean> {
  const source = await fileSource(path);
  try {
    return await isGGUF(source);
  } finally {
    await source.close?.();
  }
}

export async function openModelFile(path: string, opts: OpenModelOptions = {}): Promise<OpenedModel> {
  const sources: ByteSource[] = [await fileSource(path)];
  const close = async () => {
    await Promise.all(sources.map((s) => s.close?.()));
  };
  try {
    if (await isGGUF(sources[0])) {
      if (opts.tokenizer)
        throw new GGUFError(
          `${path} is a GGUF file, which carries its own vocabulary; a tokenizer file applies to llama2.c checkpoints only`,
        );
      const file = await readGGUF(sources[0], { allowUnsupportedTypes: opts.allowUnsupportedTypes });
      return { format: 'gguf', model: ggufModelSource(file), file, close };
    }
    await readLlama2cConfig(sources[0]).catch((err: unknown) => {
      if (!(err instanceof GGUFError)) throw err;
      throw new GGUFError(
        `${path} is neither a GGUF file (no "GGUF" magic) nor a llama2.c checkpoint (${err.message.replace(`${path}: `, '')})`,
      );
    });
    const tokenizer = opts.tokenizer ? await fileSource(opts.tokenizer) : undefined;
    if (tokenizer) sources.push(tokenizer);
    const { contextLength, name, ropeBase, ropeScaling } = opts;
    const model = await readLlama2c(sources[0], tokenizer, { contextLength, name, ropeBase, ropeScaling });
    return { format: 'llama2c', model, close };
  } catch (err) {
    await close();
    throw err;
  }
}
