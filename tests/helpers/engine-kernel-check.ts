// What a kernel case reports, and the tracker that compares a kernel's outputs with the reference's.
// A case may allow a different error at each value (relative to a row's scale, growing with the
// position); the report keeps the value that came closest to, or went furthest past, its allowance,
// so `maxError ≤ tolerance` holds exactly when every value compared was within its own allowance.

export interface KernelCaseResult {
  name: string;
  /** |gpu − reference| at the worst value (Infinity for NaN, or for a mismatch where equality was required). */
  maxError: number;
  /** What was allowed at that value (0: bit-for-bit equality). */
  tolerance: number;
  /** The shape, the number of values compared and where the worst one was. */
  details: string;
}

export interface KernelCase {
  /** The kernel file(s) under test, to group the cases by. */
  kernel: string;
  name: string;
  run(device: GPUDevice): Promise<KernelCaseResult>;
}

export class ErrorTracker {
  private compared = 0;
  private worst = { ratio: -1, error: 0, allowed: 0, where: '' };

  constructor(private readonly shape: string) {}

  /** Compares one value; `allowed` 0 demands the same number (as Object.is: NaN = NaN, 0 ≠ −0). */
  compare(got: number, want: number, allowed: number, where: string): void {
    this.compared++;
    let error: number;
    if (allowed === 0) error = Object.is(got, want) ? 0 : Math.abs(got - want) || Infinity;
    else error = Math.abs(got - want);
    if (Number.isNaN(error)) error = Infinity;
    const ratio = error === 0 ? 0 : allowed > 0 ? error / allowed : Infinity;
    if (ratio > this.worst.ratio) this.worst = { ratio, error, allowed, where };
  }

  result(name: string): KernelCaseResult {
    // A case that compared nothing proves nothing: it fails.
    if (this.compared === 0) return { name, maxError: Infinity, tolerance: 0, details: `${this.shape}; no values compared` };
    const { error, allowed, where } = this.worst;
    return { name, maxError: error, tolerance: allowed, details: `${this.shape}; ${this.compared} values compared, worst ${where}` };
  }
}
