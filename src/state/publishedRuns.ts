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

const FILE_NAME = /^[a-z0-9.-]+\.json$/;

/**
 * A published record whole again: scripts/publish-run.ts moves a large result's series to files beside
 * the record (`seriesFiles`, in order); `read` fetches one by name. Names are checked before any read.
 */
export async function assemblePublished(record: unknown, read: (file: string) => Promise<unknown>): Promise<unknown> {
  const runs = (record as { runs?: unknown }).runs;
  if (!Array.isArray(runs)) return record;
  const whole = await Promise.all(
    runs.map(async (run: { result?: object; seriesFiles?: unknown }) => {
      if (run?.seriesFiles === undefined) return run;
      const files = run.seriesFiles;
      if (!Array.isArray(files) || files.some((f) => typeof f !== 'string' || !FILE_NAME.test(f)))
        throw new Error('the published run names a series file that is not a plain .json name');
      const parts = await Promise.all(files.map((f: string) => read(f)));
      if (parts.some((p) => !Array.isArray(p))) throw new Error('a published series file does not hold a list of series');
      const { seriesFiles: _files, ...rest } = run;
      return { ...rest, result: { ...run.result, series: (parts as unknown[][]).flat() } };
    }),
  );
  return { ...(record as object), runs: whole };
}

/** The page's published runs, fetched from `base()` (the page's public folder) on first use. */
export function webPublishedRuns(base: () => string, fetcher: typeof fetch = (...args) => fetch(...args)): PublishedRuns {
  let index: Promise<PublishedEntry[]> | null = null;
  const entries = () =>
    (index ??= fetcher(new URL('results/index.json', base())).then(
      (r) => (r.ok ? (r.json() as Promise<PublishedEntry[]>) : []),
      () => [],
    ));
  const find = async (preset: string, ctx: number) => {
    const entry = (await entries()).find((e) => e.preset === preset && e.ctx === ctx);
    if (!entry || !FILE_NAME.test(entry.file)) return null;
    const read = async (file: string) => {
      const response = await fetcher(new URL(`results/${file}`, base()));
      if (!response.ok) throw new Error(`the published run ${file} answered HTTP ${response.status}`);
      return response.json() as Promise<unknown>;
    };
    const revived = reviveSuiteRecord(await assemblePublished(await read(entry.file), read));
    if (!revived.ok) throw new Error(revived.error);
    return revived;
  };
  const contexts = async (preset: string) =>
    (await entries())
      .filter((e) => e.preset === preset)
      .map((e) => e.ctx)
      .sort((a, b) => a - b);
  return Object.assign(find, { contexts });
}
