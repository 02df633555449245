// Types for scripts/test-models.mjs (plain Node so `.ci/run` can call it before anything is built).
export declare const SMOLLM2: {
  file: string;
  sha256: string;
  wheel: { name: string; version: string; member: string };
  f32: string;
};
/** $ROPE_LAB_CACHE, else $XDG_CACHE_HOME/rope-lab, else ~/.cache/rope-lab; then models/. */
export declare function cacheDir(): string;
export declare function ensureTestModels(): Promise<{ dir: string; smollm2: string; smollm2F32: string }>;
