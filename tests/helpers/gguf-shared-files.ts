// Locates the shared test models (../shared/models). Tests that need them skip with a reason when absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_MODELS = fileURLToPath(new URL('../../../shared/models/', import.meta.url));

export function sharedModel(name: string): string {
  return SHARED_MODELS + name;
}

export const haveSharedModels = existsSync(sharedModel('stories260K.gguf'));
if (!haveSharedModels) console.warn(`SKIPPING shared-model GGUF tests: ${SHARED_MODELS} not found`);
