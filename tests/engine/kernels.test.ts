// The Node half of the kernel cases of tests/helpers/kernel-cases.ts (each WGSL kernel against the CPU
// reference on seeded random shapes) on Dawn/SwiftShader; e2e/kernels.spec.ts runs the other half in
// Chromium (kernelCasesFor says which case runs where).
import { describe, expect, it } from 'vitest';
import { testDevice } from '../helpers/engine-helpers.ts';
import { kernelCasesFor } from '../helpers/kernel-cases.ts';

const cases = kernelCasesFor('node');
const kernels = [...new Set(cases.map((c) => c.kernel))];

for (const kernel of kernels)
  describe(kernel, () => {
    for (const kernelCase of cases.filter((c) => c.kernel === kernel))
      it(kernelCase.name, async () => {
        const { device } = await testDevice();
        const result = await kernelCase.run(device);
        expect(result.maxError, result.details).toBeLessThanOrEqual(result.tolerance);
      });
  });
