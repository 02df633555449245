// Tabs over the analytics views and the view the experiment selects.
import { useLab } from '../LabStoreContext.tsx';
import { VIEW_IDS } from '../../state/experiment.ts';
import { selectActions, selectView } from '../../state/labStore.ts';
import { ExperimentBoundary } from '../shell/SectionBoundary.tsx';
import { VIEWS } from './registry.tsx';

export function ViewTabs() {
  const view = useLab(selectView);
  const { setView } = useLab(selectActions);
  return (
    <div className="view-tabs" role="tablist" aria-label="Analytics views">
      {VIEW_IDS.map((id) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`view-tab-${id}`}
          aria-selected={view === id}
          className={view === id ? 'tab active' : 'tab'}
          onClick={() => setView(id)}
        >
          {VIEWS[id].label}
        </button>
      ))}
    </div>
  );
}

export function ActiveView() {
  const view = useLab(selectView);
  const View = VIEWS[view].component;
  return (
    <div role="tabpanel" aria-labelledby={`view-tab-${view}`} className="view-panel">
      {/* A view that throws leaves the tabs and the editor working; another view or experiment retries. */}
      <ExperimentBoundary key={view} name={`The ${VIEWS[view].label} view`}>
        <View />
      </ExperimentBoundary>
    </div>
  );
}
