// The postMessage protocol between an embedded lab (iframe) and its host page (docs/embed.md).
// The type strings are a public contract: notebooks match on them.
import { parseProbeRequest, type ProbeProgress, type ProbeRequest, type ProbeResult } from '../probes/index.ts';
import { checkPlainData, quote, type DataBudget } from '../untrusted/plainData.ts';

/** What a view can be exported as (by the download buttons and by `rope-lab:export`). */
export type ExportFormat = 'svg' | 'png' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['svg', 'png', 'csv', 'json'];

export const MESSAGE = {
  ready: 'rope-lab:ready',
  changed: 'rope-lab:changed',
  get: 'rope-lab:get',
  state: 'rope-lab:state',
  set: 'rope-lab:set',
  export: 'rope-lab:export',
  error: 'rope-lab:error',
  run: 'rope-lab:run',
  progress: 'rope-lab:progress',
  result: 'rope-lab:result',
} as const;

/** The visitor-text limit of a run message (a long book is ~1.3 MB; this leaves room and stops abuse). */
export const MAX_RUN_TEXT = 4_000_000;

/** Serialised experiment, as parseExperiment accepts it. */
export type StateJson = Record<string, unknown>;

export type OutgoingMessage =
  | { type: typeof MESSAGE.ready }
  | { type: typeof MESSAGE.changed; state: StateJson; url: string }
  | { type: typeof MESSAGE.state; state: StateJson; url: string }
  | { type: typeof MESSAGE.export; format: ExportFormat; data: unknown }
  | ({ type: typeof MESSAGE.progress } & ProbeProgress)
  | { type: typeof MESSAGE.result; result: ProbeResult; runMs: number }
  | { type: typeof MESSAGE.error; message: string; request?: string };

export type IncomingMessage =
  | { type: typeof MESSAGE.get }
  | { type: typeof MESSAGE.set; state: unknown }
  | { type: typeof MESSAGE.export; format: ExportFormat }
  | { type: typeof MESSAGE.run; request: ProbeRequest; text?: string };

/**
 * The work one message may ask of the validators, checked before anything else reads it (its `text`
 * apart, a string bounded by MAX_RUN_TEXT): the largest valid state or probe request is under 20,000
 * values, 7 levels deep. Structured clone delivers typed arrays, shared references and cycles that JSON
 * cannot, so a message of a few bytes could otherwise stand for a tree walked for minutes.
 */
export const MESSAGE_BUDGET: DataBudget = { maxNodes: 50_000, maxDepth: 8, maxArray: 4096, maxChars: 200_000 };

/**
 * Reads a host message. Messages that are not ours (no `rope-lab:` type) give null and are ignored
 * silently, since other scripts share the channel; ours that are malformed give an error to answer.
 */
export function readIncoming(data: unknown): IncomingMessage | { error: string; request: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !type.startsWith('rope-lab:')) return null;
  const request = type.slice(0, 40);
  const { text: _text, ...rest } = data as Record<string, unknown>;
  const tooMuch = checkPlainData(rest, 'message', MESSAGE_BUDGET);
  if (tooMuch) return { error: `${request} refused: ${tooMuch}`, request };
  switch (type) {
    case MESSAGE.get:
      return { type };
    case MESSAGE.set:
      if (!Object.hasOwn(data, 'state')) return { error: `${MESSAGE.set} needs a state`, request };
      return { type, state: (data as { state: unknown }).state };
    case MESSAGE.export: {
      const format = (data as { format?: unknown }).format;
      if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format))
        return { error: `${MESSAGE.export} format must be one of ${EXPORT_FORMATS.join(', ')}`, request };
      return { type, format: format as ExportFormat };
    }
    case MESSAGE.run: {
      const { probe, options, text } = data as { probe?: unknown; options?: unknown; text?: unknown };
      if (text !== undefined && (typeof text !== 'string' || text.length > MAX_RUN_TEXT))
        return { error: `${MESSAGE.run} text must be a string of at most ${MAX_RUN_TEXT} characters`, request };
      const parsed = parseProbeRequest(probe, options);
      if (!parsed.ok) return { error: `invalid probe: ${parsed.error}`, request };
      return { type, request: parsed.request, text };
    }
    default:
      return { error: `unknown message type ${quote(request)}`, request };
  }
}
