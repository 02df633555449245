// The `lab` commands by name, each imported on demand. A static list rather than a directory scan, so a
// bundler (the GPU machine's lab.mjs) sees every module; tests/cli/cli.test.ts checks it against commands/.

type Command = { run: (args: string[]) => Promise<void> };

export const COMMANDS: Record<string, () => Promise<Command>> = {
  'context-bound': () => import('./commands/context-bound.ts'),
  convert: () => import('./commands/convert.ts'),
  decay: () => import('./commands/decay.ts'),
  generate: () => import('./commands/generate.ts'),
  inspect: () => import('./commands/inspect.ts'),
  'min-base': () => import('./commands/min-base.ts'),
  ppl: () => import('./commands/ppl.ts'),
  probe: () => import('./commands/probe.ts'),
  rope: () => import('./commands/rope.ts'),
  tokenize: () => import('./commands/tokenize.ts'),
  version: () => import('./commands/version.ts'),
};
