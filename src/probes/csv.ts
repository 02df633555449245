// Probe results as CSV (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled),
// one table per result, one row per observation, for spreadsheets and pandas. Means, not sums: the
// attention table divides by the query count as headSummary does. Missing values (NaN) are empty fields.
import type { AttentionProbeResult } from './attention-probe.ts';
import { distanceBucketRange } from '../engine/bins.ts';
import type { LossByPositionResult, PerplexityResult } from './loss-probe.ts';
import type { ProbeResult } from './request.ts';
import type { FirstSentenceResult, PasskeyResult } from './retrieval-probe.ts';

type Cell = string | number | boolean | null;

export function csvField(value: Cell): string {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function table(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The CSV of any probe result (its provenance says which probe made it). */
export function probeResultCsv(result: ProbeResult): string {
  switch (result.provenance.probe) {
    case 'loss-by-position':
      return lossCsv(result as LossByPositionResult);
    case 'perplexity':
      return perplexityCsv(result as PerplexityResult);
    case 'attention-distance':
      return attentionCsv(result as AttentionProbeResult);
    case 'passkey':
      return passkeyCsv(result as PasskeyResult);
    case 'first-sentence':
      return firstSentenceCsv(result as FirstSentenceResult);
  }
}

function lossCsv(r: LossByPositionResult): string {
  return table(
    ['variant', 'position_from', 'position_to', 'mean_loss', 'tokens'],
    r.series.flatMap((s) =>
      s.binned.mean.map((m, b) => [s.variant.label, s.binned.edges[b], s.binned.edges[b + 1] - 1, m, s.binned.count[b]]),
    ),
  );
}

function perplexityCsv(r: PerplexityResult): string {
  return table(
    ['variant', 'method', 'ctx', 'ppl', 'nll', 'scored', 'windows'],
    r.series.flatMap((s) => s.points.map((p) => [s.variant.label, r.method, p.ctx, p.ppl, p.nll, p.scored, p.windows])),
  );
}

function attentionCsv(r: AttentionProbeResult): string {
  const { buckets } = r.series[0].stats;
  const bucketNames = Array.from({ length: buckets }, (_, b) => {
    const [lo, hi] = distanceBucketRange(b);
    return hi - lo === 1 ? `mass_d${lo}` : `mass_d${lo}-${hi - 1}`;
  });
  const rows: Cell[][] = [];
  for (const s of r.series) {
    const { stats } = s;
    const bins = stats.queryBinEdges.length - 1;
    for (let l = 0; l < stats.layers; l++) {
      for (let h = 0; h < stats.heads; h++) {
        for (let bin = 0; bin < bins; bin++) {
          const cell = (l * stats.heads + h) * bins + bin;
          const n = stats.queryCount[bin];
          const masses = Array.from(stats.bucketMass.subarray(cell * buckets, (cell + 1) * buckets), (m) => m / n);
          rows.push([
            s.variant.label,
            l,
            h,
            stats.queryBinEdges[bin],
            stats.queryBinEdges[bin + 1] - 1,
            n,
            stats.entropy[cell] / n,
            stats.sinkMass[cell] / n,
            ...masses,
          ]);
        }
      }
    }
  }
  return table(['variant', 'layer', 'head', 'query_from', 'query_to', 'queries', 'entropy', 'sink', ...bucketNames], rows);
}

function passkeyCsv(r: PasskeyResult): string {
  return table(
    ['variant', 'length', 'depth', 'trial', 'key', 'prompt_tokens', 'recalled', 'correct', 'answer'],
    r.series.flatMap((s) =>
      s.trials.map((t) => [s.variant.label, t.length, t.depth, t.trial, t.key, t.promptTokens, t.recalled, t.correct, t.answer]),
    ),
  );
}

function firstSentenceCsv(r: FirstSentenceResult): string {
  return table(
    ['variant', 'length', 'trial', 'text_id', 'prompt_tokens', 'rouge_l', 'reference', 'answer'],
    r.series.flatMap((s) =>
      s.trials.map((t) => [s.variant.label, t.length, t.trial, t.textId, t.promptTokens, t.rougeL, t.reference, t.answer]),
    ),
  );
}
