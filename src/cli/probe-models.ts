// `lab probe --models a,b,…`: one probe run comparing models, one variant per model under its own RoPE
// (e.g. --models builtin:stage1,builtin:rope,builtin:pi,builtin:abf). Each entry is a path or a
// `builtin:<name>`; the GPU engine loads them one at a time as the variants come (modelSwitcher).
import { basename } from 'node:path';
import type { LoadOptions } from '../engine/types.ts';
import type { WebGpuEngine } from '../engine/webgpu-engine.ts';
import { findBuiltinModel, parseBuiltinRef } from '../models/builtin.ts';
import { readBuiltinManifest } from '../models/manifest-node.ts';
import { vocabularyKey } from '../models/vocabulary.ts';
import { modelSwitcher, type ModelLabel, type RopeVariant } from '../probes/index.ts';
import { CliError } from './args.ts';
import { resolveModelPath } from './model-path.ts';

export interface ModelChoice {
  /** As given: a path or `builtin:<name>`. */
  ref: string;
  path: string;
  /** The chart label: the built-in name, or the file name without .gguf. */
  label: string;
  sha256: string | null;
}

/** The models --models lists, each resolved; null when the option is absent. */
export function modelsOption(value: string | undefined, model: string | undefined): ModelChoice[] | null {
  if (value === undefined) return null;
  if (model !== undefined) throw new CliError('give --model or --models, not both');
  const refs = value.split(',').map((s) => s.trim());
  if (refs.some((r) => r === '')) throw new CliError(`--models must be a comma-separated list of models, got '${value}'`);
  if (refs.length > 8) throw new CliError(`--models takes at most 8 models, got ${refs.length}`);
  const repeated = refs.find((r, i) => refs.indexOf(r) !== i);
  if (repeated) throw new CliError(`--models lists '${repeated}' twice`);
  return refs.map((ref) => {
    const path = resolveModelPath(ref, '--models');
    const name = parseBuiltinRef(ref);
    if (name === null) return { ref, path, label: basename(ref).replace(/\.gguf$/i, ''), sha256: null };
    return { ref, path, label: name, sha256: findBuiltinModel(readBuiltinManifest(), name).sha256 };
  });
}

/** One variant per model, under the model's own RoPE. */
export function modelVariants(models: ModelChoice[]): RopeVariant[] {
  return models.map((m) => ({ label: m.label, rope: null, model: m.ref }));
}

/** Loads the variants' models into `engine` (with `load`: the KV cache's context and layout) as the probe asks for them. */
export function cliModelSwitcher(engine: WebGpuEngine, models: ModelChoice[], load: LoadOptions) {
  return modelSwitcher(async (ref) => {
    const choice = models.find((m) => m.ref === ref);
    if (!choice) throw new Error(`no model ${ref ?? '(own)'} in --models`);
    const info = await engine.load({ kind: 'path', path: choice.path }, undefined, load);
    const label: ModelLabel = {
      name: choice.label,
      source: choice.ref,
      trainedContext: info.trainedContext,
      rope: info.rope,
      sha256: choice.sha256,
    };
    return { label, vocabulary: vocabularyKey(engine.tokenizer()) };
  }, null);
}
