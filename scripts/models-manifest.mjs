// Fills in `bytes` and `sha256` of public/models/models.json from the GGUF files beside it, keeping every
// hand-written field as it is. Run it after replacing a built-in model:  node scripts/models-manifest.mjs
// A listed model whose file is missing gets null (a stale hash would be worse than none); a .gguf file
// the manifest does not list, or a file that is not GGUF, is reported and fails the run.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../public/models/', import.meta.url));
const manifestPath = `${dir}models.json`;

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

function isGGUF(path) {
  const head = readFileSync(path).subarray(0, 4);
  return head.toString('latin1') === 'GGUF';
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const problems = [];
for (const model of manifest.models) {
  const path = dir + model.file;
  if (!existsSync(path)) {
    console.warn(`${model.name}: ${model.file} is missing; bytes and sha256 set to null`);
    model.bytes = null;
    model.sha256 = null;
    continue;
  }
  if (!isGGUF(path)) problems.push(`${model.file} is not a GGUF file (no "GGUF" magic)`);
  model.bytes = statSync(path).size;
  model.sha256 = await sha256(path);
  console.log(`${model.name}: ${model.file}, ${model.bytes} bytes, sha256 ${model.sha256}`);
}
const listed = new Set(manifest.models.map((m) => m.file));
for (const file of readdirSync(dir)) {
  if (file.endsWith('.gguf') && !listed.has(file)) problems.push(`${file} is in public/models but not in models.json: add an entry for it`);
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
if (problems.length > 0) {
  for (const p of problems) console.error(`models-manifest: ${p}`);
  process.exit(1);
}
