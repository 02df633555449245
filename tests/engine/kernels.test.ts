// The kernel cases of tests/helpers/kernel-cases.ts (each WGSL kernel against the CPU reference on seeded
// random shapes) on Dawn/SwiftShader in Node; e2e/kernels.spec.ts runs the same cases in Chromium.
import { describe, expect, it } from 'vitest';
import { testDevice } from '../helpers/engine-helpers.ts';
import { KERNEL_CASES } from '../helpers/kernel-cases.ts';

const kernels = [...new Set(KERNEL_CASES.map((c) => c.kernel))];

for (const kernel of kernels)
  describe(kernel, () => {
    for (const kernelCase of KERNEL_CASES.filter((c) => c.kernel === kernel))
      it(kernelCase.name, async () => {
        const { device } = await testDevice();
        const result = await kernelCase.run(device);
        expect(result.maxError, result.details).toBeLessThanOrEqual(result.tolerance);
      });
  });
