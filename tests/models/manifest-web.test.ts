import { describe, expect, it } from 'vitest';
import { siteBaseOf } from '../../src/models/manifest-web.ts';

describe('siteBaseOf', () => {
  it('dev server: the absolute base against the location, page or worker', () => {
    expect(siteBaseOf('/', '/src/models/manifest-web.ts', 'http://h:5173/?s=abc')).toBe('http://h:5173/');
    expect(siteBaseOf('/', '/src/models/manifest-web.ts', 'http://h:5173/src/worker/engine.worker.ts?worker_file&type=module')).toBe(
      'http://h:5173/',
    );
  });

  it('static build from a sub-path: the page and its worker find the same root', () => {
    const page = siteBaseOf('./', 'https://h/rope-lab/assets/index-Abc.js', 'https://h/rope-lab/?embed=1&view=decay');
    const worker = siteBaseOf('./', 'https://h/rope-lab/assets/engine.worker-Xyz.js', 'https://h/rope-lab/assets/engine.worker-Xyz.js');
    expect(page).toBe('https://h/rope-lab/');
    expect(worker).toBe('https://h/rope-lab/');
    expect(new URL('models/models.json', worker).href).toBe('https://h/rope-lab/models/models.json');
  });

  it('static build at the root of a host', () => {
    expect(siteBaseOf('./', 'https://h/assets/engine.worker-Xyz.js', 'https://h/assets/engine.worker-Xyz.js')).toBe('https://h/');
  });
});
