// The lab's own model family, shipped with the page under public/models/ and listed by the hand-written
// manifest public/models/models.json (bytes and sha256 filled in by scripts/models-manifest.mjs). The page
// and the CLI both name these models `builtin:<name>`. Framework-free: no DOM, no fetch, no fs; the page
// (manifest-web.ts) and Node (manifest-node.ts) read the manifest their own way and validate it here.

/** Where a built-in model sits in the training recipe. */
export const MODEL_STAGES = ['pretraining', 'long-context'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface BuiltinModel {
  /** Short id, used in `builtin:<name>` and as the file's stem. */
  name: string;
  /** File name inside public/models/. */
  file: string;
  title: string;
  /** One line saying what this model is for. */
  description: string;
  stage: ModelStage;
  /** The model this one was continued from (another entry's name), if any. */
  from?: string;
  /** Tokens per training sequence. */
  trainedContext: number;
  /** The RoPE as a person would say it ("base 500K", "PI ×8, base 10K"). */
  rope: string;
  /** File size and SHA-256 (lowercase hex); null until scripts/models-manifest.mjs has seen the file. */
  bytes: number | null;
  sha256: string | null;
}

export interface ModelManifest {
  version: 1;
  /** The model the page opens with. */
  default: string;
  models: BuiltinModel[];
}

export const BUILTIN_PREFIX = 'builtin:';
const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const FILE = /^[a-z0-9][a-z0-9._-]{0,63}\.gguf$/;

/** The manifest's path relative to the site root (public/ in the repository). */
export const MANIFEST_PATH = 'models/models.json';

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

const fail = (path: string, what: string): never => {
  throw new ManifestError(`models.json: ${path} ${what}`);
};

function text(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max)
    fail(path, `must be a non-empty string of at most ${max} characters, got ${JSON.stringify(v)}`);
  return v as string;
}

function modelEntry(raw: unknown, path: string): BuiltinModel {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(path, 'must be an object');
  const o = raw as Record<string, unknown>;
  const known = ['name', 'file', 'title', 'description', 'stage', 'from', 'trainedContext', 'rope', 'bytes', 'sha256'];
  for (const key of Object.keys(o)) if (!known.includes(key)) fail(`${path}.${key}`, 'is not a model field');
  if (typeof o.name !== 'string' || !NAME.test(o.name))
    fail(`${path}.name`, `must be lowercase letters, digits and '-' (at most 32), got ${JSON.stringify(o.name)}`);
  if (typeof o.file !== 'string' || !FILE.test(o.file))
    fail(`${path}.file`, `must be a plain file name ending in .gguf, got ${JSON.stringify(o.file)}`);
  if (!MODEL_STAGES.includes(o.stage as ModelStage))
    fail(`${path}.stage`, `must be one of ${MODEL_STAGES.join(', ')}, got ${JSON.stringify(o.stage)}`);
  if (o.from !== undefined && (typeof o.from !== 'string' || !NAME.test(o.from)))
    fail(`${path}.from`, `must be another model's name, got ${JSON.stringify(o.from)}`);
  if (!(Number.isInteger(o.trainedContext) && (o.trainedContext as number) >= 2))
    fail(`${path}.trainedContext`, `must be an integer ≥ 2, got ${JSON.stringify(o.trainedContext)}`);
  if (o.bytes !== null && !(Number.isSafeInteger(o.bytes) && (o.bytes as number) > 0))
    fail(`${path}.bytes`, `must be a positive integer or null, got ${JSON.stringify(o.bytes)}`);
  if (o.sha256 !== null && !(typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256)))
    fail(`${path}.sha256`, `must be 64 lowercase hex digits or null, got ${JSON.stringify(o.sha256)}`);
  return {
    name: o.name as string,
    file: o.file as string,
    title: text(o.title, `${path}.title`, 80),
    description: text(o.description, `${path}.description`, 240),
    stage: o.stage as ModelStage,
    ...(o.from === undefined ? {} : { from: o.from as string }),
    trainedContext: o.trainedContext as number,
    rope: text(o.rope, `${path}.rope`, 80),
    bytes: o.bytes as number | null,
    sha256: o.sha256 as string | null,
  };
}

/** The manifest from parsed JSON, or a ManifestError naming the first problem by its path. */
export function parseModelManifest(raw: unknown): ModelManifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('the manifest', 'must be an object');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!['version', 'default', 'models'].includes(key)) fail(key, 'is not a manifest field');
  if (o.version !== 1) fail('version', `must be 1, got ${JSON.stringify(o.version)}`);
  if (!Array.isArray(o.models) || o.models.length === 0 || o.models.length > 32) fail('models', 'must be a list of 1 to 32 models');
  const models = (o.models as unknown[]).map((m, i) => modelEntry(m, `models[${i}]`));
  const names = models.map((m) => m.name);
  models.forEach((m, i) => {
    if (names.indexOf(m.name) !== i) fail(`models[${i}].name`, `repeats '${m.name}'`);
    if (models.findIndex((other) => other.file === m.file) !== i) fail(`models[${i}].file`, `repeats '${m.file}'`);
    if (m.from !== undefined && (m.from === m.name || !names.includes(m.from)))
      fail(`models[${i}].from`, `must name another model of the manifest, got '${m.from}'`);
  });
  if (typeof o.default !== 'string' || !names.includes(o.default))
    fail('default', `must name one of the models (${names.join(', ')}), got ${JSON.stringify(o.default)}`);
  return { version: 1, default: o.default as string, models };
}

/**
 * The name in a `builtin:<name>` reference; null when `text` is not a built-in reference at all (a URL,
 * a path). A reference with a malformed name is an error, so a typo is reported rather than read as a path.
 */
export function parseBuiltinRef(text: string): string | null {
  if (!text.startsWith(BUILTIN_PREFIX)) return null;
  const name = text.slice(BUILTIN_PREFIX.length);
  if (!NAME.test(name))
    throw new ManifestError(`'${text}' is not a built-in model reference (builtin:<name>, the name in lowercase letters, digits and '-')`);
  return name;
}

export const builtinRef = (name: string) => `${BUILTIN_PREFIX}${name}`;

/** Whether `text` is a well-formed `builtin:<name>` (syntax only; the manifest says whether it exists). */
export function isBuiltinRef(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith(BUILTIN_PREFIX) && NAME.test(text.slice(BUILTIN_PREFIX.length));
}

/** The model called `name`, or a ManifestError listing the names there are. */
export function findBuiltinModel(manifest: ModelManifest, name: string): BuiltinModel {
  const model = manifest.models.find((m) => m.name === name);
  if (!model) throw new ManifestError(`no built-in model '${name}' (built-in models: ${manifest.models.map((m) => m.name).join(', ')})`);
  return model;
}

/** The URL of a built-in model's file, against the site root `base` (the page's base URL, absolute). */
export function builtinModelUrl(manifest: ModelManifest, name: string, base: string): string {
  return new URL(`models/${findBuiltinModel(manifest, name).file}`, base).href;
}
