// Probes across models: a variant with `model` runs on that model, so one probe run compares a family
// (stage 1 against its RoPE / PI / ABF continuations). The engine keeps one model at a time: a switch
// reloads, which bounds memory to one model however many variants there are, and costs little for the
// lab's few-MB models. Every model of a run must share the first one's vocabulary, because the runners
// tokenize their inputs once, before the first variant.
import type { ModelLabel } from './provenance.ts';

/** A model as loaded for a run: its label for provenance, and a key of its vocabulary. */
export interface LoadedModel {
  label: ModelLabel;
  /** Equal for two models exactly when their tokenizers give the same ids (see vocabularyKey). */
  vocabulary: string;
}

export interface ModelSwitcher {
  /** Makes `ref` the engine's model (null: the one the run started on), loading it unless it is already there. */
  use(ref: string | null): Promise<void>;
  /** The label of a model this run has used. */
  label(ref: string | null): ModelLabel;
}

/**
 * A switcher over `load` (which loads a reference, or with null the run's own model again); `home` is
 * the model loaded when the run starts, or null when none is.
 */
export function modelSwitcher(
  load: (ref: string | null) => Promise<LoadedModel>,
  home: LoadedModel | null,
): ModelSwitcher & { current(): string | null | undefined } {
  const labels = new Map<string | null, ModelLabel>();
  if (home) labels.set(null, home.label);
  let current: string | null | undefined = home ? null : undefined;
  let vocabulary: { key: string; of: string } | null = null;
  const name = (ref: string | null) => ref ?? labels.get(null)?.name ?? 'the loaded model';

  const check = (ref: string | null, key: string) => {
    if (vocabulary === null) vocabulary = { key, of: name(ref) };
    else if (vocabulary.key !== key) {
      throw new Error(
        `${name(ref)} has a different vocabulary from ${vocabulary.of}: the models one probe compares must share a tokenizer`,
      );
    }
  };

  return {
    /** What is loaded: a reference, null for the run's own model, undefined when unknown (no model at the start, a failed load). */
    current: () => current,
    async use(ref) {
      if (ref === current) {
        if (ref === null && home) check(null, home.vocabulary);
        return;
      }
      current = undefined; // until the load succeeds, nothing known is loaded
      const loaded = await load(ref);
      check(ref, loaded.vocabulary);
      labels.set(ref, loaded.label);
      current = ref;
    },
    label(ref) {
      const label = labels.get(ref);
      if (!label) throw new Error(`no label for ${name(ref)}: it was not used in this run`);
      return label;
    },
  };
}
