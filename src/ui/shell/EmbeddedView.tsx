// `?embed=1`: the selected view alone, filling the iframe; notices stay visible above it.
import { ActiveView } from '../views/ActiveView.tsx';
import { NoticeArea } from './NoticeArea.tsx';
import { SectionBoundary } from './SectionBoundary.tsx';

export function EmbeddedView() {
  return (
    <div className="lab-embedded">
      <SectionBoundary name="Notices">
        <NoticeArea />
      </SectionBoundary>
      <SectionBoundary name="The view">
        <ActiveView />
      </SectionBoundary>
    </div>
  );
}
