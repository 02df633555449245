// One stored result: its chart (by probe), its provenance (model, or each variant's model, RoPE variants,
// texts, seed, when, how long), and its exports.
import { useRef, useState } from 'react';
import type {
  AttentionProbeResult,
  FirstSentenceResult,
  LossByPositionResult,
  ModelLabel,
  PasskeyResult,
  PerplexityResult,
} from '../../probes/index.ts';
import type { StoredProbeResult } from '../../state/probeSlice.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../export/viewExport.ts';
import { AttentionDistanceCharts } from './charts/AttentionCharts.tsx';
import { LossByPositionChart, PerplexityChart } from './charts/LanguageModelCharts.tsx';
import { FirstSentenceChart, PasskeyHeatmaps } from './charts/RetrievalCharts.tsx';
import { downloadProbeResult } from './probeExport.ts';

export function ResultView({ record, onError }: { record: StoredProbeResult; onError(message: string): void }) {
  const figure = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const { result } = record;
  const { provenance } = result;
  const save = async (format: ExportFormat) => {
    setBusy(true);
    try {
      await downloadProbeResult(result, format, figure.current);
    } catch (err) {
      onError(`Export as ${format.toUpperCase()} failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel probe-result" aria-label="Probe result">
      <h2>{provenance.probe}</h2>
      <p className="hint">
        {provenance.variantModels ? (
          <>models {provenance.variantModels.map(modelNote).join(', ')}</>
        ) : (
          <>
            {provenance.model.name} (trained at {provenance.model.trainedContext} tokens, RoPE base {provenance.model.rope.base})
          </>
        )}
        {provenance.texts.length > 0 && <> · text {provenance.texts.map((t) => `${t.id} (${t.tokens} tokens)`).join(', ')}</>}
        {provenance.seed !== null && <> · seed {provenance.seed}</>} · {(record.runMs / 1000).toFixed(1)} s ·{' '}
        {new Date(provenance.finishedAt).toLocaleString()}
      </p>
      <div ref={figure} className="probe-figure">
        {chart(record)}
      </div>
      <div className="export-buttons" role="group" aria-label="Export this result">
        <span className="export-label">Export</span>
        {EXPORT_FORMATS.map((format) => (
          <button key={format} type="button" className="button small" disabled={busy} onClick={() => void save(format)}>
            {format.toUpperCase()}
          </button>
        ))}
      </div>
    </section>
  );
}

/** "abf (2048 tokens, sha256 3f2a9c1e)": which model, and which exact file where the manifest says. */
function modelNote(m: ModelLabel): string {
  return `${m.name} (${m.trainedContext} tokens${m.sha256 ? `, sha256 ${m.sha256.slice(0, 8)}` : ''})`;
}

function chart(record: StoredProbeResult) {
  const { result } = record;
  switch (result.provenance.probe) {
    case 'loss-by-position':
      return <LossByPositionChart result={result as LossByPositionResult} />;
    case 'perplexity':
      return <PerplexityChart result={result as PerplexityResult} />;
    case 'attention-distance':
      return <AttentionDistanceCharts result={result as AttentionProbeResult} />;
    case 'passkey':
      return <PasskeyHeatmaps result={result as PasskeyResult} />;
    case 'first-sentence':
      return <FirstSentenceChart result={result as FirstSentenceResult} />;
  }
}
