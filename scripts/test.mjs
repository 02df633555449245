// `npm test`: every test. Unit + WebGPU kernel tests (Vitest, Node + Dawn/SwiftShader), then Playwright
// in the system Chromium. Fails early, in one line, when there is no Chromium to drive.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.mjs';

if (!findChromium()) {
  console.error(
    'npm test: no Chromium found: install it with `apt-get install chromium` or set CHROMIUM_PATH to a Chromium binary',
  );
  process.exit(1);
}

const steps = [
  ['npx', ['tsc', '--noEmit']],
  ['npx', ['vitest', 'run']],
  ['npx', ['playwright', 'test']],
];
for (const [cmd, args] of steps) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
