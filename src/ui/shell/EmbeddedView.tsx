// `?embed=1`: the selected view alone, filling the iframe; notices stay visible above it.
import { ActiveView } from '../views/ActiveView.tsx';
import { NoticeArea } from './NoticeArea.tsx';

export function EmbeddedView() {
  return (
    <div className="lab-embedded">
      <NoticeArea />
      <ActiveView />
    </div>
  );
}
