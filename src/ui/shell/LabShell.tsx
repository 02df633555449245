// The full page: header with the lab's name, section navigation, notices, the section, a status line;
// each part but the header behind its own error boundary, so one failing leaves the others working.
import { useState } from 'react';
import { modelUrlFromSearch } from '../../state/modelUrl.ts';
import { PRESET_PARAM } from '../../state/presetUrl.ts';
import { PROBE_PARAM } from '../../state/probeUrl.ts';
import { NoticeArea } from './NoticeArea.tsx';
import { SectionBoundary } from './SectionBoundary.tsx';
import { SECTIONS } from './sections.tsx';
import { StatusLine } from './StatusLine.tsx';

export function LabShell() {
  // A `?model=` link is about the model: open on its section (the load itself starts in main.tsx); a
  // `&probe=` or `?preset=` link is about probe results (restored or offered by the Probes section).
  const [sectionId, setSectionId] = useState(() => {
    const search = window.location.search;
    if (new URLSearchParams(search).has(PROBE_PARAM) || new URLSearchParams(search).has(PRESET_PARAM)) return 'probes';
    return modelUrlFromSearch(search) ? 'model' : SECTIONS[0].id;
  });
  const section = SECTIONS.find((s) => s.id === sectionId) ?? SECTIONS[0];
  const Section = section.component;
  return (
    <div className="lab">
      <header className="lab-header">
        <div className="lab-title">
          <h1>RoPE Lab</h1>
          <p className="lab-tagline">What rotary position embeddings do to long-range dependencies</p>
        </div>
        <nav className="lab-nav" aria-label="Lab sections">
          {SECTIONS.map((s) => (
            <button
              key={s.id}
              type="button"
              className={s.id === section.id ? 'nav-item active' : 'nav-item'}
              aria-current={s.id === section.id ? 'page' : undefined}
              onClick={() => setSectionId(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
      </header>
      <SectionBoundary name="Notices">
        <NoticeArea />
      </SectionBoundary>
      <main className="lab-main">
        <SectionBoundary key={section.id} name={section.label}>
          <Section />
        </SectionBoundary>
      </main>
      <footer className="lab-footer">
        <SectionBoundary name="The status line">
          <StatusLine />
        </SectionBoundary>
      </footer>
    </div>
  );
}
