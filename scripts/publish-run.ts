// Publishes a preset run (`lab probe --preset … --out run.json`, from the GPU machine) with the page:
// writes public/results/<preset>-<ctx>.json, its measured values rounded to f32's 7 digits, and lists it
// in public/results/index.json. A result over 2 MB (attention statistics per head) keeps its head in the
// record and moves its series to files of at most about 2 MB beside it (`seriesFiles`, in order), so no
// file nears 5 MB; the page fetches them with the record (src/state/publishedRuns.ts).
//   npx tsx scripts/publish-run.ts run.json
import { readFileSync, writeFileSync } from 'node:fs';
import { roundMeasured } from '../src/probes/serialize.ts';
import { reviveSuiteRecord } from '../src/probes/suite-record.ts';

const SPLIT_BYTES = 2 * 2 ** 20;
const dir = new URL('../public/results/', import.meta.url);
const record = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const revived = reviveSuiteRecord(record);
if (!revived.ok) throw new Error(revived.error);
const base = `${record.preset}-${record.ctx}`;
record.runs = record.runs.map((run: { result: { series?: unknown[] } }, i: number) => {
  const result = roundMeasured(run.result) as { series?: unknown[] };
  if (JSON.stringify(result).length <= SPLIT_BYTES || !Array.isArray(result.series)) return { ...run, result };
  const { series, ...head } = result;
  const parts: unknown[][] = [[]];
  let size = 0;
  for (const s of series) {
    const bytes = JSON.stringify(s).length;
    if (size + bytes > SPLIT_BYTES && parts.at(-1)!.length > 0) [parts[parts.length], size] = [[], 0];
    parts.at(-1)!.push(s);
    size += bytes;
  }
  const seriesFiles = parts.map((part, k) => {
    const file = `${base}.run${i}.series${k}.json`;
    writeFileSync(new URL(file, dir), JSON.stringify(part) + '\n');
    return file;
  });
  return { ...run, result: head, seriesFiles };
});
writeFileSync(new URL(`${base}.json`, dir), JSON.stringify(record) + '\n');
const index = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Array<{ preset: string; ctx: number; file: string }>;
const entries = [
  ...index.filter((e) => !(e.preset === record.preset && e.ctx === record.ctx)),
  { preset: record.preset, ctx: record.ctx, file: `${base}.json` },
];
writeFileSync(new URL('index.json', dir), JSON.stringify(entries, null, 2) + '\n');
console.log(
  `published ${base}.json (${record.runs.flatMap((r: { seriesFiles?: string[] }) => r.seriesFiles ?? []).length} series files beside it)`,
);
