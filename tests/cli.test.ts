import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const lab = (...args: string[]) => spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('lab CLI', () => {
  it('prints JSON with --json', () => {
    const out = execFileSync('node_modules/.bin/tsx', ['src/cli/main.ts', 'version', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toHaveProperty('version');
  });
  it('exits non-zero with one line naming a bad option', () => {
    const r = lab('version', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--bogus');
  });
  it('names an unknown command', () => {
    const r = lab('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
