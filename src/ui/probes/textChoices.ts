// The probe form's texts, split by what the lab's own models (public/models) were trained on
// (src/data/split.ts): the held-out addresses first, one by one (newest first) and as one long text,
// then the training texts, each marked "(trained on)", since a loss measured on text a model has seen
// says little about long context. The form opens on the newest held-out address.
import { FIRST_HELD_OUT_CHAPTER, heldOutDocument, heldOutTextIds } from '../../data/split.ts';
import type { BuiltinText } from '../../data/texts.ts';

export interface TextChoice {
  id: string;
  title: string;
  /** Whether the lab's built-in models saw this text in training ('partly': the novel, whose last chapters are held out). */
  trainedOn: boolean | 'partly';
}

export const TRAINED_ON_MARK = '(trained on)';

/** Every probe text, held out first; `catalog` as builtinTexts gives it (addresses in year order, then the novel). */
export function textChoices(catalog: readonly BuiltinText[]): TextChoice[] {
  const heldOutIds = new Set(heldOutTextIds(catalog));
  const newestFirst = [...catalog].reverse();
  const heldOut = newestFirst.filter((t) => heldOutIds.has(t.id)).map((t): TextChoice => ({ id: t.id, title: t.title, trainedOn: false }));
  if (heldOut.length > 0) {
    const whole = heldOutDocument(catalog);
    heldOut.push({ id: whole.id, title: whole.title, trainedOn: false });
  }
  const trained = newestFirst
    .filter((t) => !heldOutIds.has(t.id))
    .map((t): TextChoice =>
      t.corpus === 'moby-dick'
        ? { id: t.id, title: `${t.title} (trained on, except chapters ${FIRST_HELD_OUT_CHAPTER}– and the epilogue)`, trainedOn: 'partly' }
        : { id: t.id, title: `${t.title} ${TRAINED_ON_MARK}`, trainedOn: true },
    );
  return [...heldOut, ...trained];
}

/** The text a probe form opens with: the first held-out one (the newest held-out address), else the first. */
export function defaultTextId(choices: readonly TextChoice[]): string {
  return (choices.find((c) => c.trainedOn === false) ?? choices[0])?.id ?? '';
}
