// Exports of the view on screen: SVG text, PNG data URL, CSV text, JSON object. The download buttons
// and the embed protocol both go through exportView, so a notebook gets exactly what a click saves.
import type { ExportFormat } from '../../embed/protocol.ts';
import type { ViewId } from '../../state/experiment.ts';

export { EXPORT_FORMATS, type ExportFormat } from '../../embed/protocol.ts';

export type Cell = number | string | null;

export interface DataTable {
  columns: string[];
  rows: Cell[][];
}

/** What each view hands the exporter: its chart element and its numbers. */
export interface ViewExporter {
  view: ViewId;
  svg(): SVGSVGElement | null;
  table(): DataTable;
  json(): unknown;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Standalone SVG text of the chart (hover decorations marked data-export="skip" are left out). */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.querySelectorAll('[data-export="skip"]').forEach((node) => node.remove());
  clone.setAttribute('xmlns', SVG_NS);
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  return new XMLSerializer().serializeToString(clone);
}

/** Rasterises SVG text at `scale`× on white (PNG has no page behind it). */
export async function svgToPngDataUrl(text: string, width: number, height: number, scale = 2): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot create a 2D canvas for the PNG export');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}

/** RFC 4180 cell; text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tableToCsv(table: DataTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export async function exportView(exporter: ViewExporter, format: 'svg' | 'png' | 'csv'): Promise<string>;
export async function exportView(exporter: ViewExporter, format: 'json'): Promise<unknown>;
export async function exportView(exporter: ViewExporter, format: ExportFormat): Promise<unknown>;
export async function exportView(exporter: ViewExporter, format: ExportFormat): Promise<unknown> {
  if (format === 'csv') return tableToCsv(exporter.table());
  if (format === 'json') return exporter.json();
  const svg = exporter.svg();
  if (!svg) throw new Error(`the ${exporter.view} chart is not on screen yet`);
  const text = svgText(svg);
  if (format === 'svg') return text;
  const { width, height } = svg.getBoundingClientRect();
  return svgToPngDataUrl(text, width, height);
}

const MIME: Record<ExportFormat, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  csv: 'text/csv',
  json: 'application/json',
};

/** Saves an export as a file through a temporary link (what the download buttons do). */
export async function downloadView(exporter: ViewExporter, format: ExportFormat): Promise<void> {
  const data = await exportView(exporter, format);
  const blob =
    format === 'png'
      ? await (await fetch(data as string)).blob()
      : new Blob([format === 'json' ? JSON.stringify(data, null, 2) : (data as string)], { type: MIME[format] });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `rope-lab-${exporter.view}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
