// A preset experiment's results as one JSON document: what `lab probe --preset … --json` writes, what
// the repository keeps of a run on a real GPU (public/results/), and what the page shows as "measured on
// <device> on <date>" until the visitor re-runs it. Results are plain JSON (typed arrays as arrays, NaN as
// null: serialize.ts); `reviveSuiteRecord` turns a parsed document back into results the charts read.
import { findPreset, type ProbeSuite } from './presets.ts';
import { parseProbeRequest, type ProbeRequest, type ProbeResult } from './request.ts';
import type { ModelLabel } from './provenance.ts';

export const SUITE_RECORD_FORMAT = 'rope-lab/preset-run@1' as const;

export interface SuiteRecord {
  format: typeof SUITE_RECORD_FORMAT;
  preset: string;
  title: string;
  ctx: number;
  model: ModelLabel;
  /** The GPU as the engine described it (adapter vendor, architecture, description). */
  device: string;
  kvCache: 'f32' | 'f16';
  /** ISO time the last request finished. */
  measuredAt: string;
  /** The lab's git commit, when known. */
  commit: string | null;
  runs: Array<{ request: ProbeRequest; result: ProbeResult; runMs: number }>;
}

/**
 * A SuiteRecord from untrusted JSON, checked against the preset it names: each run's request must be
 * the preset's request at that context (so the record can only stand in for that experiment), and each
 * result must have the shape of its probe's result. Numeric lists keep null where the run had NaN.
 */
export function reviveSuiteRecord(data: unknown): { ok: true; record: SuiteRecord; suite: ProbeSuite } | { ok: false; error: string } {
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'the preset record is not a JSON object' };
  const r = data as Partial<SuiteRecord>;
  if (r.format !== SUITE_RECORD_FORMAT)
    return { ok: false, error: `the preset record's format must be ${SUITE_RECORD_FORMAT}, got ${JSON.stringify(r.format)}` };
  const preset = typeof r.preset === 'string' ? findPreset(r.preset) : null;
  if (!preset) return { ok: false, error: `the preset record names no known preset (${JSON.stringify(r.preset)})` };
  if (typeof r.ctx !== 'number') return { ok: false, error: 'the preset record has no ctx' };
  let suite: ProbeSuite;
  try {
    suite = preset.suite(r.ctx, []);
  } catch (err) {
    return { ok: false, error: `the preset record: ${(err as Error).message}` };
  }
  if (!Array.isArray(r.runs) || r.runs.length !== suite.requests.length) {
    return {
      ok: false,
      error: `the preset record must hold ${suite.requests.length} runs, got ${Array.isArray(r.runs) ? r.runs.length : 'none'}`,
    };
  }
  for (const [i, run] of r.runs.entries()) {
    const parsed = parseProbeRequest(run?.request?.probe, stripProbe(run?.request));
    if (!parsed.ok) return { ok: false, error: `the preset record's run ${i}: ${parsed.error}` };
    if (JSON.stringify(parsed.request) !== JSON.stringify(suite.requests[i])) {
      return { ok: false, error: `the preset record's run ${i} is not the preset's request ${i} (${suite.requests[i].probe})` };
    }
    const result = run.result as { provenance?: unknown; series?: unknown } | undefined;
    if (typeof result !== 'object' || result === null || !Array.isArray(result.series) || typeof result.provenance !== 'object') {
      return { ok: false, error: `the preset record's run ${i} has no result series` };
    }
  }
  if (typeof r.device !== 'string' || typeof r.measuredAt !== 'string' || typeof r.model !== 'object' || r.model === null) {
    return { ok: false, error: 'the preset record lacks its device, date or model' };
  }
  const record = data as SuiteRecord;
  return {
    ok: true,
    record: { ...record, runs: record.runs.map((run) => ({ ...run, result: nullsToNaN(run.result) as ProbeResult })) },
    suite,
  };
}

/** Inverse of serialize.ts for numbers: in a list of numbers, null stood for NaN (an empty bin). */
function nullsToNaN(value: unknown): unknown {
  if (Array.isArray(value)) {
    const numeric = value.some((v) => typeof v === 'number') && value.every((v) => v === null || typeof v === 'number');
    return numeric ? value.map((v) => (v === null ? NaN : v)) : value.map(nullsToNaN);
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nullsToNaN(v)]));
}

function stripProbe(request: unknown): unknown {
  if (typeof request !== 'object' || request === null) return request;
  const { probe: _probe, ...options } = request as Record<string, unknown>;
  return options;
}
