// Splitting special tokens out of raw text before tokenization, as llama.cpp's
// tokenizer_st_partition does: every control/user-defined/unknown token is searched for literally,
// longest first, and each occurrence becomes a token fragment. User-defined tokens are always split
// out; control and unknown ones only when the caller asks to parse special tokens (otherwise text
// like "<s>" typed by a user is just text).
import { TokenType, type Vocabulary } from './vocab.ts';

export type Fragment = { text: string } | { token: number };

export class SpecialTokenSplitter {
  /** Special token ids, longest text first. */
  private readonly specials: number[];

  constructor(private readonly vocab: Vocabulary) {
    const isSpecial = (t: number) => t === TokenType.Control || t === TokenType.UserDefined || t === TokenType.Unknown;
    this.specials = vocab.tokens
      .map((_, id) => id)
      .filter((id) => isSpecial(vocab.types[id]))
      .sort((a, b) => vocab.tokens[b].length - vocab.tokens[a].length || a - b);
  }

  split(text: string, parseSpecial: boolean): Fragment[] {
    let fragments: Fragment[] = text === '' ? [] : [{ text }];
    for (const id of this.specials) {
      const type = this.vocab.types[id];
      if (!parseSpecial && type !== TokenType.UserDefined) continue;
      const needle = this.vocab.tokens[id];
      if (!fragments.some((f) => 'text' in f && f.text.includes(needle))) continue;
      fragments = fragments.flatMap((f) => ('text' in f ? splitOn(f.text, needle, id) : [f]));
    }
    return fragments;
  }
}

function splitOn(text: string, needle: string, id: number): Fragment[] {
  const out: Fragment[] = [];
  let from = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, from)) {
    if (at > from) out.push({ text: text.slice(from, at) });
    out.push({ token: id });
    from = at + needle.length;
  }
  if (from < text.length) out.push({ text: text.slice(from) });
  return out;
}
