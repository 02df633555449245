// Hands the views the page's analytics client (the slow RoPE scans, off the main thread) through React
// context, so the UI depends on the AnalyticsClient interface only and tests can mount views with their own.
import { createContext, useContext, type ReactNode } from 'react';
import type { AnalyticsClient } from '../../worker/analytics-api.ts';

const AnalyticsContext = createContext<AnalyticsClient | null>(null);

export function AnalyticsProvider({ client, children }: { client: AnalyticsClient; children: ReactNode }) {
  return <AnalyticsContext.Provider value={client}>{children}</AnalyticsContext.Provider>;
}

export function useAnalytics(): AnalyticsClient {
  const client = useContext(AnalyticsContext);
  if (!client) throw new Error('useAnalytics must be used inside <AnalyticsProvider>');
  return client;
}
