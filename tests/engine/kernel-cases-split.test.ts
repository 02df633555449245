// The kernel cases are split between Node and Chromium so that each runs once: the split must lose no
// case and leave no kernel out of either runner.
import { describe, expect, it } from 'vitest';
import { KERNEL_CASES, kernelCasesFor } from '../helpers/kernel-cases.ts';

describe('kernelCasesFor', () => {
  const node = kernelCasesFor('node');
  const browser = kernelCasesFor('browser');

  it('runs every case in Node or Chromium, and only single-case kernels in both', () => {
    expect(new Set([...node, ...browser])).toEqual(new Set(KERNEL_CASES));
    const single = (kernel: string) => KERNEL_CASES.filter((c) => c.kernel === kernel).length === 1;
    for (const c of node.filter((c) => browser.includes(c))) expect(single(c.kernel), c.name).toBe(true);
  });

  it('proves every kernel in both runners', () => {
    const kernels = (cases: readonly { kernel: string }[]) => new Set(cases.map((c) => c.kernel));
    expect(kernels(node)).toEqual(kernels(KERNEL_CASES));
    expect(kernels(browser)).toEqual(kernels(KERNEL_CASES));
  });
});
