// The slice of a tokenizer the probes use (src/tokenizer's Tokenizer satisfies it), so probes and tests
// do not depend on how a tokenizer was built.
export interface ProbeTokenizer {
  /** BOS id, or null when the vocabulary has none. */
  readonly bos: number | null;
  /** Whether encode() prepends BOS by default (the model's add_bos rule). */
  readonly addsBos: boolean;
  encode(text: string, options?: { addBos?: boolean }): number[];
  decode(ids: readonly number[]): string;
}
