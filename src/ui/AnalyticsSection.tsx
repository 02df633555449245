// The analytic RoPE explorer: series editor and chart settings on the left, the views on the right.
import { ChartSettings } from './editor/ChartSettings.tsx';
import { SeriesPanel } from './editor/SeriesPanel.tsx';
import { ActiveView, ViewTabs } from './views/ActiveView.tsx';

export function AnalyticsSection() {
  return (
    <div className="analytics">
      <div className="analytics-side">
        <SeriesPanel />
        <ChartSettings />
      </div>
      <div className="analytics-views">
        <ViewTabs />
        <ActiveView />
      </div>
    </div>
  );
}
