// Notices for the whole lab (a rejected link, a failed export). Errors are announced (role="alert").
import { useLab } from '../LabStoreContext.tsx';
import { selectActions, selectNotices } from '../../state/labStore.ts';

export function NoticeArea() {
  const notices = useLab(selectNotices);
  const { dismissNotice } = useLab(selectActions);
  if (notices.length === 0) return null;
  return (
    <div className="notice-area">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{notice.text}</span>
          <button type="button" className="notice-close" aria-label="Dismiss notice" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
