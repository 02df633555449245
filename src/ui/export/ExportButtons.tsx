// Download buttons for the view on screen; they call the same exportView the embed protocol uses.
import { useState } from 'react';
import { useLab } from '../LabStoreContext.tsx';
import { selectActions } from '../../state/labStore.ts';
import { useExportRegistry } from './ExportRegistry.tsx';
import { downloadView, EXPORT_FORMATS, type ExportFormat } from './viewExport.ts';

export function ExportButtons() {
  const registry = useExportRegistry();
  const { notify } = useLab(selectActions);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const save = async (format: ExportFormat) => {
    const exporter = registry.current;
    if (!exporter) return;
    setBusy(format);
    try {
      await downloadView(exporter, format);
    } catch (err) {
      notify('error', `Export as ${format.toUpperCase()} failed: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="export-buttons" role="group" aria-label="Export this view">
      <span className="export-label">Export</span>
      {EXPORT_FORMATS.map((format) => (
        <button key={format} type="button" className="button small" disabled={busy !== null} onClick={() => save(format)}>
          {format.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
