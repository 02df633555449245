// The view on screen registers its exporter here; the export buttons and the embed bridge ask it.
// One registry per lab instance, handed down through context like the store.
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { ViewExporter } from './viewExport.ts';

export class ExportRegistry {
  private exporter: ViewExporter | null = null;
  private listeners = new Set<() => void>();

  get current(): ViewExporter | null {
    return this.exporter;
  }

  register(exporter: ViewExporter): () => void {
    this.exporter = exporter;
    this.listeners.forEach((listener) => listener());
    return () => {
      if (this.exporter === exporter) this.exporter = null;
    };
  }

  /** Calls `listener` whenever a view registers (the embed bridge waits for the first one). */
  onRegister(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const ExportRegistryContext = createContext<ExportRegistry | null>(null);

export function ExportRegistryProvider({ registry, children }: { registry: ExportRegistry; children: ReactNode }) {
  return <ExportRegistryContext.Provider value={registry}>{children}</ExportRegistryContext.Provider>;
}

export function useExportRegistry(): ExportRegistry {
  const registry = useContext(ExportRegistryContext);
  if (!registry) throw new Error('useExportRegistry must be used inside <ExportRegistryProvider>');
  return registry;
}

/** Registers the view's exporter while it is mounted (pass a memoised exporter). */
export function useRegisterExporter(exporter: ViewExporter): void {
  const registry = useExportRegistry();
  useEffect(() => registry.register(exporter), [registry, exporter]);
}
