// `npm test`: every test. First the static checks side by side (type check; ESLint and the import-cycle
// check; Prettier's check), each timed, failing the run if any fails; then the unit + WebGPU kernel tests (Vitest,
// Node + Dawn/SwiftShader) and Playwright in the system Chromium side by side: Vitest runs one file at a time
// and most of its long files are one JS thread (the CPU reference scoring a real model), so on a 2-core
// machine the browser suite fits beside it. Each line is prefixed with its suite; fails early, in one line,
// when there is no Chromium to drive. `npm test -- --serial` runs the two suites one after the other.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findChromium } from './chromium.mjs';

if (!findChromium()) {
  console.error('npm test: no Chromium found: install it with `apt-get install chromium` or set CHROMIUM_PATH to a Chromium binary');
  process.exit(1);
}

/** Runs a suite with its output prefixed line by line; resolves to its exit status and wall time. */
function suite(name, args, command = 'npx') {
  const started = Date.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  return new Promise((resolve) => child.on('close', (code) => resolve({ name, code: code ?? 1, seconds: (Date.now() - started) / 1000 })));
}

/** Prints each result's time; true when all passed. */
function report(results) {
  for (const r of results)
    console.log(`npm test: ${r.name} ${r.code === 0 ? 'passed' : `failed (exit ${r.code})`} in ${r.seconds.toFixed(0)} s`);
  return results.every((r) => r.code === 0);
}

const checks = [
  ['typecheck', ['tsc', '--noEmit'], 'npx'],
  ['lint', ['run', '-s', 'lint'], 'npm'],
  ['format', ['run', '-s', 'format:check', '--', '--log-level', 'warn'], 'npm'],
];
if (!report(await Promise.all(checks.map(([name, args, command]) => suite(name, args, command))))) process.exit(1);

const suites = [
  ['unit', ['vitest', 'run']],
  ['e2e', ['playwright', 'test']],
];
const results = [];
if (process.argv.includes('--serial')) {
  for (const [name, args] of suites) results.push(await suite(name, args));
} else {
  results.push(...(await Promise.all(suites.map(([name, args]) => suite(name, args)))));
}
process.exit(report(results) ? 0 : 1);
