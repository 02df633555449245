// Preset experiments measured on a real GPU and published with the page (public/results/): a link to
// such a preset shows that run, labelled with its GPU and date, until the visitor runs it on their own.
// `public/results/index.json` lists what is there, so a preset without a published run costs one small
// request and no 404s.
import { reviveSuiteRecord, type ProbeSuite, type SuiteRecord } from '../probes/index.ts';

export interface PublishedEntry {
  preset: string;
  ctx: number;
  /** File name under public/results/. */
  file: string;
}

/** Finds the published run of a preset at a context (null when none was published); `contexts` lists
 * the contexts a preset was published at, so the page can point to them. */
export interface PublishedRuns {
  (preset: string, ctx: number): Promise<{ record: SuiteRecord; suite: ProbeSuite } | null>;
  contexts?(preset: string): Promise<number[]>;
}

/** The page's published runs, fetched from `base()` (the page's public folder) on first use. */
export function webPublishedRuns(base: () => string, fetcher: typeof fetch = (...args) => fetch(...args)): PublishedRuns {
  let index: Promise<PublishedEntry[]> | null = null;
  const entries = () => (index ??= fetcher(new URL('results/index.json', base())).then((r) => (r.ok ? r.json() as Promise<PublishedEntry[]> : []), () => []));
  const find = async (preset: string, ctx: number) => {
    const entry = (await entries()).find((e) => e.preset === preset && e.ctx === ctx);
    if (!entry || !/^[a-z0-9.-]+\.json$/.test(entry.file)) return null;
    const response = await fetcher(new URL(`results/${entry.file}`, base()));
    if (!response.ok) throw new Error(`the published run ${entry.file} answered HTTP ${response.status}`);
    const revived = reviveSuiteRecord(await response.json());
    if (!revived.ok) throw new Error(revived.error);
    return revived;
  };
  const contexts = async (preset: string) => (await entries()).filter((e) => e.preset === preset).map((e) => e.ctx).sort((a, b) => a - b);
  return Object.assign(find, { contexts });
}
