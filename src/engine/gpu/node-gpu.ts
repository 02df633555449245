// WebGPU in Node through Dawn (npm `webgpu`), for the CLI and the tests. When no GPU adapter is found,
// falls back to SwiftShader (a CPU Vulkan from Debian's chromium package) and says so on stderr. The
// Vulkan loader reads VK_ICD_FILENAMES when Dawn creates its instance, so the fallback sets it and
// creates a second instance.
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed = false;

/**
 * A GPU with an adapter, or an error naming what was tried. `dawnFlags`: Dawn instance options, e.g. the
 * benchmark's 'disable-dawn-features=timestamp_quantization' (Dawn rounds timestamps to ~65 µs by default).
 */
export async function nodeGpu(options: { quiet?: boolean; dawnFlags?: string[] } = {}): Promise<GPU> {
  if (!installed) {
    Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, … as in a browser
    installed = true;
  }
  const flags = options.dawnFlags ?? [];
  const gpu = create(flags) as GPU;
  if (await gpu.requestAdapter({ powerPreference: 'high-performance' })) return gpu;
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD))
    throw new Error(
      `no WebGPU adapter found (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; SwiftShader ICD ${SWIFTSHADER_ICD} ${existsSync(SWIFTSHADER_ICD) ? 'present' : 'absent'})`,
    );
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!options.quiet) process.stderr.write(`lab: no GPU adapter found; falling back to SwiftShader (CPU, slow) via ${SWIFTSHADER_ICD}\n`);
  const fallback = create(flags) as GPU;
  if (await fallback.requestAdapter()) return fallback;
  throw new Error(`no WebGPU adapter found, not even SwiftShader through ${SWIFTSHADER_ICD}`);
}
