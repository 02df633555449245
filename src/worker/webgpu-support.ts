// Whether this browser can run the engine worker at all, asked on the page before the worker is spawned
// (the page's `navigator.gpu` answers as the worker's would). Each answer says how to fix it.

export const NO_WEBGPU =
  'This browser does not offer WebGPU, which the model runs on. Use a recent Chrome or Edge (113 or later) on ' +
  'Windows, macOS or ChromeOS, or Safari 26. On Linux and Android, start Chrome with WebGPU enabled: ' +
  'chrome://flags/#enable-unsafe-webgpu (and #enable-vulkan on Linux). In Firefox it is on by default on ' +
  'Windows from version 141; elsewhere set dom.webgpu.enabled to true in about:config.';

export const NO_SECURE_CONTEXT = 'WebGPU only works on secure pages: open the lab over https:// or from localhost.';

export const NO_ADAPTER =
  'WebGPU is available but found no usable GPU adapter (the GPU may be blocklisted or its driver too old). ' +
  'Check chrome://gpu, update the graphics driver, or enable chrome://flags/#enable-unsafe-webgpu.';

/** Why this browser cannot run the engine, or null when it can (as far as the page can tell). */
export async function webgpuProblem(): Promise<string | null> {
  if (typeof window !== 'undefined' && !window.isSecureContext) return NO_SECURE_CONTEXT;
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return NO_WEBGPU;
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  return adapter ? null : NO_ADAPTER;
}
