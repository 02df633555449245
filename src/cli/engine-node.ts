// The engine as the CLI runs it: Dawn for Node (Vulkan checked first and SwiftShader as the fallback,
// each problem one line on stderr: vulkan.ts), the WGSL read from shaders/ on disk, models opened by path.
import { nodeShaders } from '../engine/gpu/shaders-node.ts';
import { nodeMachineMemory } from '../engine/machine-memory-node.ts';
import { WebGpuEngine } from '../engine/webgpu-engine.ts';
import type { LoadOptions, ModelInfo } from '../engine/types.ts';
import { fileSource } from '../gguf/source-node.ts';
import { resolveModelPath } from './model-path.ts';
import { cliGpu } from './vulkan.ts';

export function createNodeEngine(): WebGpuEngine {
  return new WebGpuEngine({ gpu: () => cliGpu(), shaders: nodeShaders(), openPath: fileSource, memory: nodeMachineMemory });
}

/** An engine with `model` (a path or `builtin:<name>`) loaded, or a CliError when there is no such model. */
export async function loadModel(model: string | undefined, options: LoadOptions = {}): Promise<{ engine: WebGpuEngine; info: ModelInfo }> {
  const path = resolveModelPath(model);
  const engine = createNodeEngine();
  const info = await engine.load({ kind: 'path', path }, undefined, options);
  return { engine, info };
}
