// What produced a probe result: enough to label it, persist it, put it in a URL and re-run it. Every
// result type carries one of these.
import type { RopeConfig } from '../rope/config.ts';
import { variantName } from '../rope/names.ts';

/**
 * One RoPE a probe ran under: `rope` null means the model's own; the label is what charts show. `model`
 * (a `builtin:<name>` reference) runs the variant on that model instead of the one the run started on,
 * so one probe compares models (each under its own RoPE, or an override of it).
 */
export interface RopeVariant {
  label: string;
  rope: RopeConfig | null;
  model?: string;
}

export type ProbeKind = 'loss-by-position' | 'perplexity' | 'attention-distance' | 'passkey' | 'first-sentence';

export interface ModelLabel {
  /** general.name, or the file name. */
  name: string;
  /** The file or URL the model was loaded from, when known. */
  source?: string;
  trainedContext: number;
  /** The model's own RoPE (from its metadata). */
  rope: RopeConfig;
  /** SHA-256 of the model file, where known (the built-in models' manifest states it). */
  sha256?: string | null;
}

export interface TextLabel {
  /** Built-in text id (see src/data/texts.ts), or 'user' for pasted/opened text. */
  id: string;
  /** SHA-256 of the UTF-8 text, hex: tells a re-run whether it sees the same text. */
  sha256: string;
  /** Tokens of the text the probe used, under the model's tokenizer (BOS included when added, after any cut). */
  tokens: number;
}

/** A legend for a RoPE relative to the model's own: 'own', 'base 500K', 'YaRN ×4', 'PI ×4, base 20K' (src/rope/names.ts). */
export const variantLabel = variantName;

/** A text a probe reads: a built-in document or the visitor's own. */
export interface ProbeText {
  id: string;
  text: string;
}

export interface Provenance {
  probe: ProbeKind;
  /** The model of the first variant (the one the run started on). */
  model: ModelLabel;
  /** When variants name their own models: the model each variant ran on, in variant order. */
  variantModels?: ModelLabel[];
  texts: TextLabel[];
  seed: number | null;
  /** The probe's options, exactly as given (after defaults). */
  options: Record<string, unknown>;
  /** ISO time the run finished. */
  finishedAt: string;
}

/** SHA-256 of a string's UTF-8 bytes as lowercase hex (Web Crypto: browser, worker and Node ≥ 20). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Provenance of a finished run; `tokens[i]` labels texts[i]; `options.variants` are the run's variants. */
export async function makeProvenance(
  ctx: { model: ModelLabel; models?: { label(ref: string | null): ModelLabel } },
  probe: Provenance['probe'],
  texts: ProbeText[],
  tokens: number[],
  seed: number | null,
  options: Record<string, unknown> & { variants: RopeVariant[] },
): Promise<Provenance> {
  const labels: TextLabel[] = await Promise.all(
    texts.map(async (t, i) => ({ id: t.id, sha256: await sha256Hex(t.text), tokens: tokens[i] })),
  );
  const { models } = ctx;
  const perVariant =
    models && options.variants.some((v) => v.model !== undefined)
      ? { variantModels: options.variants.map((v) => models.label(v.model ?? null)) }
      : {};
  return { probe, model: ctx.model, ...perVariant, texts: labels, seed, options, finishedAt: new Date().toISOString() };
}
