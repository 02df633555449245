// The postMessage protocol between an embedded lab (iframe) and its host page (docs/embed.md).
// The type strings are a public contract: notebooks match on them.
import type { ExportFormat } from '../ui/export/viewExport.ts';

export const MESSAGE = {
  ready: 'rope-lab:ready',
  changed: 'rope-lab:changed',
  get: 'rope-lab:get',
  state: 'rope-lab:state',
  set: 'rope-lab:set',
  export: 'rope-lab:export',
  error: 'rope-lab:error',
} as const;

/** Serialised experiment, as parseExperiment accepts it. */
export type StateJson = Record<string, unknown>;

export type OutgoingMessage =
  | { type: typeof MESSAGE.ready }
  | { type: typeof MESSAGE.changed; state: StateJson; url: string }
  | { type: typeof MESSAGE.state; state: StateJson; url: string }
  | { type: typeof MESSAGE.export; format: ExportFormat; data: unknown }
  | { type: typeof MESSAGE.error; message: string; request?: string };

export type IncomingMessage =
  | { type: typeof MESSAGE.get }
  | { type: typeof MESSAGE.set; state: unknown }
  | { type: typeof MESSAGE.export; format: ExportFormat };

const EXPORT_FORMATS: readonly string[] = ['svg', 'png', 'csv', 'json'];

/**
 * Reads a host message. Messages that are not ours (no `rope-lab:` type) give null and are ignored
 * silently, since other scripts share the channel; ours that are malformed give an error to answer.
 */
export function readIncoming(data: unknown): IncomingMessage | { error: string; request: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !type.startsWith('rope-lab:')) return null;
  const request = type.slice(0, 40);
  switch (type) {
    case MESSAGE.get:
      return { type };
    case MESSAGE.set:
      if (!('state' in data)) return { error: `${MESSAGE.set} needs a state`, request };
      return { type, state: (data as { state: unknown }).state };
    case MESSAGE.export: {
      const format = (data as { format?: unknown }).format;
      if (typeof format !== 'string' || !EXPORT_FORMATS.includes(format))
        return { error: `${MESSAGE.export} format must be one of ${EXPORT_FORMATS.join(', ')}`, request };
      return { type, format: format as ExportFormat };
    }
    default:
      return { error: `unknown message type ${JSON.stringify(request)}`, request };
  }
}
