// The benchmark's goals (H100) and the reference numbers they are stated against, in one place.

export const TARGETS = {
  /** Dequant-matvec of a 4096×14336 matrix (Q4_0, Q8_0, F16): at least this fraction of copy bandwidth. */
  matvecFractionOfCopy: 0.8,
  /** Decode, 8B Q4_0 at 4K context: at least this fraction of the roofline. */
  decode8BQ4_0At4KFractionOfRoofline: 0.6,
  /** Decode, 1B Q4_0: native llama.cpp's tokens/s on the H100. */
  decode1BQ4_0TokensPerSecond: 602,
  /** Prefill, 1B: at least this fraction of llama.cpp's tokens/s … */
  prefill1BFractionOfLlamaCpp: 0.3,
  /** … which are, by prompt length: */
  llamaCppPrefill1BTokensPerSecond: { 512: 42064, 32768: 12479 } as Readonly<Record<number, number>>,
} as const;

/**
 * FP32 peak (non-tensor-core) TFLOP/s the matmul and attention kernels are reported against, by adapter
 * description; --fp32-peak-tflops overrides. NVIDIA's datasheet numbers.
 */
const FP32_PEAKS: ReadonlyArray<[RegExp, number]> = [
  [/H100.*PCIe/i, 51.2],
  [/H100|H200/i, 66.9],
  [/A100/i, 19.5],
];

export function fp32PeakTflops(deviceDescription: string): number | null {
  return FP32_PEAKS.find(([pattern]) => pattern.test(deviceDescription))?.[1] ?? null;
}
