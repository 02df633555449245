import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { runLabCli } from '../helpers/cli-runners.ts';

describe('lab CLI', () => {
  it('lists every module of src/cli/commands/ exactly once', () => {
    const files = readdirSync('src/cli/commands')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -3));
    expect(Object.keys(COMMANDS).sort()).toEqual(files.sort());
  });
  it('prints JSON with --json', () => {
    const out = execFileSync('node_modules/.bin/tsx', ['src/cli/main.ts', 'version', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toHaveProperty('version');
  });
  it('exits non-zero with one line naming a bad option', () => {
    const r = runLabCli('version', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--bogus');
  });
  it('names an unknown command', () => {
    const r = runLabCli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
