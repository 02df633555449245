// Copies the page's URL, which holds the whole experiment (?s=…), so pasting it reproduces the view.
import { useEffect, useState } from 'react';

export function CopyLinkButton() {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2000);
    return () => clearTimeout(timer);
  }, [status]);
  const copy = () =>
    navigator.clipboard.writeText(window.location.href).then(
      () => setStatus('copied'),
      () => setStatus('failed'),
    );
  return (
    <button type="button" className="button small" onClick={copy} title="Copy a link that reproduces this view">
      {status === 'copied' ? 'Link copied' : status === 'failed' ? 'Copy failed: use the address bar' : 'Copy link'}
    </button>
  );
}
