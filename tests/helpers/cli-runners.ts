// Two ways to run `lab`: as a child process (exit code and stderr, as a user sees them) and in-process
// (one command's module, stdout captured; no ~1 s tsx start-up per call).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { vi } from 'vitest';

/** Runs `lab …` through tsx in a child process, from the checkout root (the test's working directory). */
export function runLabCli(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('node_modules/.bin/tsx', ['src/cli/main.ts', ...args], { encoding: 'utf8' });
}

/** Runs one command module's `run(args)` in-process and returns what it printed to stdout. */
export async function stdoutOfCommand(command: (args: string[]) => Promise<void>, args: string[]): Promise<string> {
  let printed = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await command(args);
  } finally {
    spy.mockRestore();
  }
  return printed;
}
