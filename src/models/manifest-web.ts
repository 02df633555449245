// The built-in models as the page and its worker see them: the manifest fetched from the same origin
// (public/models/models.json, served beside the page), validated, and asked for once per page.
import { MANIFEST_PATH, parseModelManifest, type ModelManifest } from './builtin.ts';

export interface BuiltinCatalog {
  /** The site root the model files are served under (absolute URL ending in '/'). */
  base(): string;
  manifest(): Promise<ModelManifest>;
}

/** The site root: Vite's base URL against this document (or this worker's script). */
export function siteBase(): string {
  return new URL(import.meta.env.BASE_URL, self.location.href).href;
}

/** The manifest under `base()` (asked when first needed), fetched on first use; a failed fetch is tried again on the next call. */
export function webBuiltinCatalog(fetchFn: typeof fetch = (input, init) => fetch(input, init), base = siteBase): BuiltinCatalog {
  let pending: Promise<ModelManifest> | null = null;
  const load = async () => {
    const url = new URL(MANIFEST_PATH, base()).href;
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`the built-in model list ${url} answered HTTP ${response.status}`);
    return parseModelManifest(await response.json());
  };
  return {
    base,
    manifest: () => {
      pending ??= load().catch((err: unknown) => {
        pending = null;
        throw err;
      });
      return pending;
    },
  };
}
