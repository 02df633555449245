// Synthetic models by path: the engine loads `{ kind: 'path', path }` through its host's openPath, which
// the benchmark points here, so a generated model takes the same load path as a file on disk.
import type { ByteSource } from '../src/gguf/source.ts';
import { ggmlTypeName, type GGMLType } from '../src/gguf/index.ts';
import type { BenchShape } from './shapes.ts';
import { syntheticModelSource, type SyntheticModel } from './synthetic-source.ts';

const models = new Map<string, SyntheticModel>();

/** A synthetic model of `shape` in `type`, registered under its name (e.g. 'synthetic 8B Q4_0'). */
export function registerSynthetic(shape: BenchShape, type: GGMLType): SyntheticModel {
  const name = `synthetic ${shape.name} ${ggmlTypeName(type)}`;
  let model = models.get(name);
  if (!model) {
    model = syntheticModelSource(shape, type);
    models.set(name, model);
  }
  return model;
}

/** EngineHost.openPath for registered synthetic models. */
export async function openSynthetic(path: string): Promise<ByteSource> {
  const model = models.get(path);
  if (!model) throw new Error(`no synthetic model named '${path}' (known: ${[...models.keys()].join(', ') || 'none'})`);
  return model;
}
