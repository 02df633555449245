// The engine as the CLI runs it: Dawn for Node (SwiftShader fallback, announced on stderr), the WGSL
// read from shaders/ on disk, models opened by path.
import { nodeGpu } from '../engine/gpu/node-gpu.ts';
import { nodeShaders } from '../engine/gpu/shaders-node.ts';
import { WebGpuEngine } from '../engine/webgpu-engine.ts';
import type { LoadOptions, ModelInfo } from '../engine/types.ts';
import { fileSource } from '../gguf/source-node.ts';
import { existsSync } from 'node:fs';
import { CliError } from './args.ts';

export function createNodeEngine(): WebGpuEngine {
  return new WebGpuEngine({ gpu: () => nodeGpu(), shaders: nodeShaders(), openPath: fileSource });
}

/** An engine with `model` loaded, or a CliError when the file is missing. */
export async function loadModel(model: string | undefined, options: LoadOptions = {}): Promise<{ engine: WebGpuEngine; info: ModelInfo }> {
  if (!model) throw new CliError('missing required option --model');
  if (!existsSync(model)) throw new CliError(`--model: no such file '${model}'`);
  const engine = createNodeEngine();
  const info = await engine.load({ kind: 'path', path: model }, undefined, options);
  return { engine, info };
}
