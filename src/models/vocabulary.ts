// A key of a tokenizer's vocabulary: its algorithm, BOS id and add-BOS rule, and every piece in id order.
// Models trained with one tokenizer share the key; models whose keys differ would read one text as
// different ids. Probes that compare models tokenize once, so they refuse models whose keys differ.
import type { Tokenizer } from '../tokenizer/index.ts';

export function vocabularyKey(tokenizer: Tokenizer): string {
  const pieces = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.tokenText(id));
  return [tokenizer.model, tokenizer.bos, tokenizer.addsBos, ...pieces].join('\u0000');
}
