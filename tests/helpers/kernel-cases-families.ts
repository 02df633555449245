// Kernel cases of the families' extras beyond Llama (kernel-cases.ts runs them with the rest): the q/k/v
// bias add (Qwen2) and the per-head q/k RMSNorm (Qwen3, Gemma 3), against the CPU reference's ops on
// seeded random shapes with padded token rows. No Node or Vitest imports (e2e/kernels.spec.ts runs these).
import { rmsnormHeads } from '../../src/engine/reference.ts';
import { ErrorTracker, type KernelCase } from './engine-kernel-check.ts';
import { randomF32, rng, runKernelOn } from './engine-kernel-run.ts';

export const biasAddCase: KernelCase = {
  kernel: 'bias_add.wgsl',
  name: 'bias_add.wgsl adds the bias to every token row and leaves the row padding alone (exact: one f32 add)',
  run: async (device) => {
    const random = rng(21);
    const check = new ErrorTracker('dims 7 to 300, 1 to 19 tokens');
    for (const _ of [0, 1, 2]) {
      const dim = 7 + Math.floor(random() * 294);
      const stride = dim + Math.floor(random() * 40);
      const tokens = 1 + Math.floor(random() * 19);
      const y = randomF32(tokens * stride, random, 4);
      const bias = randomF32(dim, random, 2);
      const [out] = await runKernelOn(device, {
        kernel: 'bias_add.wgsl',
        constants: { DIM: dim, STRIDE: stride },
        step: { n_tokens: tokens },
        bindings: [{ outBytes: y.byteLength, init: y }, { data: bias }],
        grid: [Math.ceil((tokens * dim) / 64), 1, 1],
      });
      const gpu = new Float32Array(out);
      for (let t = 0; t < tokens; t++)
        for (let i = 0; i < stride; i++) {
          const at = t * stride + i;
          const want = i < dim ? Math.fround(y[at] + bias[i]) : y[at];
          check.compare(gpu[at], want, 0, `dim ${dim}, token ${t} value ${i}`);
        }
    }
    return check.result(biasAddCase.name);
  },
};

export const headRmsnormCase: KernelCase = {
  kernel: 'head_rmsnorm.wgsl',
  name: 'head_rmsnorm.wgsl normalises each head of every token in place, padding untouched (|err| ≤ 1e-5·max|out| of the head)',
  run: async (device) => {
    const random = rng(22);
    const check = new ErrorTracker('head dims 12, 64, 128 and 256');
    for (const headDim of [12, 64, 128, 256]) {
      const heads = 1 + Math.floor(random() * 5);
      const stride = heads * headDim + Math.floor(random() * 33);
      const tokens = 1 + Math.floor(random() * 6);
      const eps = 1e-6;
      const x = randomF32(tokens * stride, random, 3);
      const weight = randomF32(headDim, random, 2);
      const [out] = await runKernelOn(device, {
        kernel: 'head_rmsnorm.wgsl',
        constants: { HEADS: heads, HEAD_DIM: headDim, STRIDE: stride, EPS: eps, WG: 64 },
        step: { n_tokens: tokens },
        bindings: [{ outBytes: x.byteLength, init: x }, { data: weight }],
        grid: [tokens, heads, 1],
      });
      const gpu = new Float32Array(out);
      for (let t = 0; t < tokens; t++) {
        const ref = x.slice(t * stride, t * stride + heads * headDim);
        rmsnormHeads(ref, heads, weight, eps);
        for (let h = 0; h < heads; h++) {
          const head = ref.subarray(h * headDim, (h + 1) * headDim);
          const scale = Math.max(...head.map(Math.abs));
          head.forEach((v, i) =>
            check.compare(gpu[t * stride + h * headDim + i], v, 1e-5 * scale, `head dim ${headDim}, token ${t} head ${h} value ${i}`),
          );
        }
        for (let i = heads * headDim; i < stride; i++) check.compare(gpu[t * stride + i], x[t * stride + i], 0, `token ${t} padding ${i}`);
      }
    }
    return check.result(headRmsnormCase.name);
  },
};
