// The built-in models as the CLI and Node tests see them: the manifest read from public/models/ of this
// checkout (found from this file's location, so the CLI works from any directory), and `builtin:<name>`
// resolved to the model's file path.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findBuiltinModel, ManifestError, parseBuiltinRef, parseModelManifest, type BuiltinModel, type ModelManifest } from './builtin.ts';

/**
 * public/models/ of the project this file belongs to; ROPE_LAB_MODELS_DIR overrides it where this file
 * is bundled away from the checkout (the GPU machine's lab.mjs, scripts/gpu/kit.sh).
 */
export const BUILTIN_MODELS_DIR =
  process.env.ROPE_LAB_MODELS_DIR?.replace(/\/?$/, '/') ?? fileURLToPath(new URL('../../public/models/', import.meta.url));

export function readBuiltinManifest(dir = BUILTIN_MODELS_DIR): ModelManifest {
  const path = `${dir}models.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ManifestError(`cannot read the built-in model manifest ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseModelManifest(raw);
}

export interface ResolvedBuiltin {
  model: BuiltinModel;
  path: string;
}

/**
 * The file behind `builtin:<name>`, or a ManifestError saying the name is unknown or its file is
 * missing (both listing the built-in names); null when `ref` is not a `builtin:` reference.
 */
export function resolveBuiltinPath(ref: string, dir = BUILTIN_MODELS_DIR): ResolvedBuiltin | null {
  const name = parseBuiltinRef(ref);
  if (name === null) return null;
  const manifest = readBuiltinManifest(dir);
  const model = findBuiltinModel(manifest, name);
  const path = dir + model.file;
  if (!existsSync(path)) {
    throw new ManifestError(`${ref}: its file ${path} is missing (built-in models: ${manifest.models.map((m) => m.name).join(', ')})`);
  }
  return { model, path };
}
