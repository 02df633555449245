// Opening a WebGPU device with the adapter's real limits (the defaults cap storage bindings at 128 MiB,
// too small for a 7B model's LM head), and describing it for ModelInfo.

export interface GpuContext {
  /** Held so Dawn's Node binding stays alive (it shuts down when its GPU object is collected). */
  gpu: GPU;
  device: GPUDevice;
  adapterInfo: GPUAdapterInfo;
  /** e.g. "nvidia hopper (NVIDIA H100)" or "google swiftshader (SwiftShader …), software". */
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe): kernels pick shapes with fewer barriers. */
  software: boolean;
  /** Resolves when the device is lost (never for a device destroyed by unload). */
  lost: Promise<GPUDeviceLostInfo>;
}

const LIMITS_TO_RAISE = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function openDevice(gpu: GPU): Promise<GpuContext> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is available but no GPU adapter was found');
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_TO_RAISE) requiredLimits[name] = adapter.limits[name];
  // Timestamp queries let the benchmark time each kernel; they cost nothing unless a pass asks for them.
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const parts = [info.vendor, info.architecture].filter(Boolean).join(' ');
  const detail = info.description || info.device;
  const software = /swiftshader|llvmpipe|software/i.test(`${info.vendor} ${info.description} ${info.architecture}`);
  const description = `${parts || 'unknown adapter'}${detail ? ` (${detail})` : ''}${software ? ', software rendering' : ''}`;
  return { gpu, device, adapterInfo: info, description, software, lost: device.lost };
}

/** Whether WGSL has dot4I8Packed (the 'int8' decode activations, matvec_int8.wgsl). */
export function hasIntegerDot(gpu: GPU): boolean {
  return gpu.wgslLanguageFeatures?.has('packed_4x8_integer_dot_product') ?? false;
}

/**
 * LoadOptions.decodeActivations' default: 'int8' where WGSL has dot4I8Packed, except on CPU rasterizers (which decode
 * with matmul.wgsl).
 */
export function defaultDecodeActivations(ctx: Pick<GpuContext, 'gpu' | 'software'>): 'f32' | 'int8' {
  return !ctx.software && hasIntegerDot(ctx.gpu) ? 'int8' : 'f32';
}

/** The limits a load is checked against before anything is allocated (a GPUDevice has them). */
export interface HasBufferLimits {
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>;
}

/** A model or context that this GPU or machine cannot hold: the message gives needed vs allowed bytes. */
export class MemoryBudgetError extends Error {
  override readonly name = 'MemoryBudgetError';
}

/** The most bytes one buffer bound as storage may hold on this device. */
export function maxBindingBytes(device: HasBufferLimits): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

/** Throws with the numbers (and `hint`, appended) when a buffer would exceed what one storage binding may hold. */
export function checkBindingSize(device: HasBufferLimits, bytes: number, what: string, hint = ''): void {
  const max = maxBindingBytes(device);
  if (bytes > max)
    throw new MemoryBudgetError(
      `${what} needs ${formatBytes(bytes)} in one buffer, but this GPU allows at most ${formatBytes(max)} per storage binding${hint}`,
    );
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}

export function storageBuffer(device: GPUDevice, bytes: number, label: string, extraUsage = 0): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage,
  });
}

export function uniformBuffer(device: GPUDevice, bytes: number, label: string): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}
