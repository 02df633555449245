// Saving a probe result: CSV and JSON from the result itself (src/probes' probeResultCsv/Json, the same
// text `lab probe --csv/--json` prints), SVG and PNG from the chart on screen (the analytics' exporters).
import { probeResultCsv, probeResultJson, type ProbeResult } from '../../probes/index.ts';
import { svgText, svgToPngDataUrl, type ExportFormat } from '../export/viewExport.ts';

const MIME: Record<ExportFormat, string> = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv', json: 'application/json' };

async function exportBlob(result: ProbeResult, format: ExportFormat, svg: SVGSVGElement | null): Promise<Blob> {
  if (format === 'csv') return new Blob([probeResultCsv(result)], { type: MIME.csv });
  if (format === 'json') return new Blob([probeResultJson(result, 2)], { type: MIME.json });
  if (!svg) throw new Error('the chart is not on screen');
  const text = svgText(svg);
  if (format === 'svg') return new Blob([text], { type: MIME.svg });
  const { width, height } = svg.getBoundingClientRect();
  return (await fetch(await svgToPngDataUrl(text, width, height))).blob();
}

/** A file name that says what the result is: rope-lab-loss-by-position-2026-11-24T09-30-00.csv. */
export function exportFileName(result: ProbeResult, format: ExportFormat): string {
  const { probe, finishedAt } = result.provenance;
  return `rope-lab-${probe}-${finishedAt.slice(0, 19).replace(/:/g, '-')}.${format}`;
}

export async function downloadProbeResult(result: ProbeResult, format: ExportFormat, svg: SVGSVGElement | null): Promise<void> {
  const url = URL.createObjectURL(await exportBlob(result, format, svg));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(result, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
