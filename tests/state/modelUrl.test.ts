// ?model= handling and the load-error sentences the panel shows.
import { describe, expect, it } from 'vitest';
import { describeLoadError } from '../../src/state/modelErrors.ts';
import { resolveModelUrl } from '../../src/state/modelSource.ts';
import { hrefWithModel, modelUrlFromSearch } from '../../src/state/modelUrl.ts';

describe('?model=', () => {
  it('reads the parameter, ignoring a blank one', () => {
    expect(modelUrlFromSearch('?s=abc&model=https%3A%2F%2Fh%2Fm.gguf')).toBe('https://h/m.gguf');
    expect(modelUrlFromSearch('?model=%20')).toBeNull();
    expect(modelUrlFromSearch('')).toBeNull();
  });

  it('writes http(s) sources and removes the parameter for files, keeping other parameters', () => {
    expect(hrefWithModel('https://lab/?s=abc&embed=1', 'https://h/m.gguf')).toBe(
      'https://lab/?s=abc&embed=1&model=https%3A%2F%2Fh%2Fm.gguf',
    );
    expect(hrefWithModel('https://lab/?model=x&s=abc', 'file:m.gguf')).toBe('https://lab/?s=abc');
  });

  it('writes a built-in model, except the default one the page opens with anyway', () => {
    expect(hrefWithModel('https://lab/?s=abc', 'builtin:pi', 'builtin:abf')).toBe('https://lab/?s=abc&model=builtin%3Api');
    expect(hrefWithModel('https://lab/?model=builtin%3Api&s=abc', 'builtin:abf', 'builtin:abf')).toBe('https://lab/?s=abc');
    expect(modelUrlFromSearch('?model=builtin%3Api')).toBe('builtin:pi');
  });

  it('resolves relative model URLs and refuses other schemes', () => {
    expect(resolveModelUrl('  https://h/m.gguf ')).toBe('https://h/m.gguf');
    expect(() => resolveModelUrl('')).toThrow('the model URL is empty');
    expect(() => resolveModelUrl('javascript:alert(1)')).toThrow('model URLs must be http(s), got javascript:');
    expect(() => resolveModelUrl('not a url')).toThrow("'not a url' is not a URL");
  });
});

describe('describeLoadError', () => {
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });
  it('says what kind of failure it was', () => {
    expect(describeLoadError(named('GGUFError', 'bad magic'), 'x.gguf')).toBe('x.gguf is not a usable GGUF model: bad magic');
    expect(describeLoadError(new TypeError('Failed to fetch'), 'https://h/m.gguf')).toMatch(
      /^Could not download https:\/\/h\/m.gguf: the request failed/,
    );
    expect(describeLoadError(named('EngineCrashError', 'the engine stopped: boom'), 'm')).toBe(
      'The engine stopped: boom. Load the model again.',
    );
    expect(
      describeLoadError(
        new Error('output.weight needs 2.0 GiB in one buffer, but this GPU allows at most 1.0 GiB per storage binding'),
        'm',
      ),
    ).toMatch(/^The model is too big for this GPU: /);
    expect(describeLoadError(new Error('odd'), 'm.gguf')).toBe('Loading m.gguf failed: odd');
  });
});
