// Reading a timestamp query set back to the CPU (nanoseconds, one u64 per query).

/** The first `count` timestamps of `querySet`. */
export async function readTimestamps(device: GPUDevice, querySet: GPUQuerySet, count: number): Promise<BigUint64Array> {
  const resolve = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.resolveQuerySet(querySet, 0, count, resolve, 0);
  encoder.copyBufferToBuffer(resolve, 0, staging, 0, count * 8);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const stamps = new BigUint64Array(staging.getMappedRange().slice(0));
  staging.unmap();
  resolve.destroy();
  staging.destroy();
  return stamps;
}
