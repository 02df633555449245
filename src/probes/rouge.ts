// ROUGE-L (Lin 2004) as Google's rouge_score computes it without stemming: both texts lowercased, every
// run of characters other than [a-z0-9] a separator, then the longest common subsequence (LCS) of the two
// token lists; precision = LCS / |candidate|, recall = LCS / |reference|, F1 their harmonic mean.
// (No npm package fit: the maintained ones pull in NLP toolkits or stem by default.)

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** rouge_score's default tokenizer: lowercase, non-alphanumerics to spaces, split. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
}

/** Length of the longest common subsequence of two sequences (O(|a|·|b|) time, O(|b|) memory). */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

/** ROUGE-L of `candidate` against `reference`; 0 everywhere when either has no tokens. */
export function rougeL(candidate: string, reference: string): RougeScore {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  if (c.length === 0 || r.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const lcs = lcsLength(c, r);
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return { precision, recall, f1: lcs === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
