// Saving a probe result: CSV and JSON from the result itself (src/probes' probeResultCsv/Json, the same
// text `lab probe --csv/--json` prints), SVG and PNG from the figure on screen: every chart of the result
// (several for attention and passkey), laid out as shown, canvases (attention maps) as embedded images.
import { probeResultCsv, probeResultJson, type ProbeResult } from '../../probes/index.ts';
import { svgText, svgToPngDataUrl, type ExportFormat } from '../export/viewExport.ts';

const MIME: Record<ExportFormat, string> = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv', json: 'application/json' };

const SVG_NS = 'http://www.w3.org/2000/svg';

/** One SVG of the figure's charts at their on-screen places: nested <svg>s, and canvases as PNG <image>s. */
export function figureSvg(figure: HTMLElement): { text: string; width: number; height: number } {
  const frame = figure.getBoundingClientRect();
  const parts: string[] = [];
  for (const element of figure.querySelectorAll<SVGSVGElement | HTMLCanvasElement>('svg, canvas')) {
    if (element instanceof SVGSVGElement && element.ownerSVGElement) continue; // travels inside its outer svg
    const r = element.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const x = Math.round(r.left - frame.left);
    const y = Math.round(r.top - frame.top);
    if (element instanceof HTMLCanvasElement) {
      parts.push(
        `<image x="${x}" y="${y}" width="${Math.round(r.width)}" height="${Math.round(r.height)}" href="${element.toDataURL('image/png')}"/>`,
      );
    } else {
      parts.push(svgText(element).replace(/^<svg/, `<svg x="${x}" y="${y}"`));
    }
  }
  if (parts.length === 0) throw new Error('the chart is not on screen');
  const width = Math.round(frame.width);
  const height = Math.round(frame.height);
  return { text: `<svg xmlns="${SVG_NS}" width="${width}" height="${height}">${parts.join('')}</svg>`, width, height };
}

async function exportBlob(result: ProbeResult, format: ExportFormat, figure: HTMLElement | null): Promise<Blob> {
  if (format === 'csv') return new Blob([probeResultCsv(result)], { type: MIME.csv });
  if (format === 'json') return new Blob([probeResultJson(result, 2)], { type: MIME.json });
  if (!figure) throw new Error('the chart is not on screen');
  const { text, width, height } = figureSvg(figure);
  if (format === 'svg') return new Blob([text], { type: MIME.svg });
  return (await fetch(await svgToPngDataUrl(text, width, height))).blob();
}

/** A file name that says what the result is: rope-lab-loss-by-position-2026-11-24T09-30-00.csv. */
export function exportFileName(result: ProbeResult, format: ExportFormat): string {
  const { probe, finishedAt } = result.provenance;
  return `rope-lab-${probe}-${finishedAt.slice(0, 19).replace(/:/g, '-')}.${format}`;
}

export async function downloadProbeResult(result: ProbeResult, format: ExportFormat, figure: HTMLElement | null): Promise<void> {
  const url = URL.createObjectURL(await exportBlob(result, format, figure));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(result, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
