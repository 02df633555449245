// The built-in models as the page and its worker see them: the manifest fetched from the same origin
// (public/models/models.json, served beside the page), validated, and asked for once per page.
import { MANIFEST_PATH, parseModelManifest, type ModelManifest } from './builtin.ts';

export interface BuiltinCatalog {
  /** The site root the model files are served under (absolute URL ending in '/'). */
  base(): string;
  manifest(): Promise<ModelManifest>;
}

/** The site root the page is served from (models/, results/ live under it), in the page and in its workers. */
export function siteBase(): string {
  return siteBaseOf(import.meta.env.BASE_URL, import.meta.url, self.location.href);
}

/**
 * Vite's base is absolute in the dev server ('/'), resolved against the location. The static build's
 * is relative ('./', so the site works from any folder), which a worker's location (its script, under
 * assets/) would misplace: there every script lives in the build's assets folder, one below the root,
 * so the root is resolved from the script's own URL.
 */
export function siteBaseOf(base: string, moduleUrl: string, location: string): string {
  return base.startsWith('.') ? new URL(`../${base}`, moduleUrl).href : new URL(base, location).href;
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
