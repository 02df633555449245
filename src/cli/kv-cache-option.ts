// `--kv-cache f32|f16`: the KV cache layout (LoadOptions.kvCache) of every command that loads a model
// (generate, ppl, probe), parsed in one place. Kept apart from engine-node.ts so that `lab probe
// --engine cpu` can read it without loading Dawn.
import type { KvCacheType } from '../engine/types.ts';
import { CliError } from './args.ts';

export const KV_CACHE_OPTION = { 'kv-cache': { type: 'string' } } as const;

const LAYOUTS: readonly KvCacheType[] = ['f32', 'f16'];

/** The layout asked for, or undefined for the engine's default (f32). */
export function kvCacheOption(value: string | undefined): KvCacheType | undefined {
  if (value === undefined) return undefined;
  if (!(LAYOUTS as readonly string[]).includes(value)) throw new CliError(`--kv-cache must be ${LAYOUTS.join(' or ')}, got '${value}'`);
  return value as KvCacheType;
}
