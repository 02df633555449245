// Copies a GPU buffer's first bytes to the CPU through a staging buffer: for the probes' results, read
// once per call (a forward pass's own reads go through the model's readback buffer).
export async function readBuffer(device: GPUDevice, source: GPUBuffer, bytes: number, label: string): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label, size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    return staging.getMappedRange(0, bytes).slice(0);
  } finally {
    staging.destroy();
  }
}

/** Zeroes a buffer's first bytes (the probes' accumulators before a pass). */
export function clearBuffer(device: GPUDevice, buffer: GPUBuffer, bytes: number): void {
  const encoder = device.createCommandEncoder();
  encoder.clearBuffer(buffer, 0, bytes);
  device.queue.submit([encoder.finish()]);
}
