// Option parsing for the CLI, on Node's own util.parseArgs; every misuse becomes a one-line CliError.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** An error the user caused (bad option, missing file); printed as one line, exit code 2. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` strictly: unknown options and missing values are CliErrors naming the option. */
export function parseOptions<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { json: { type: 'boolean' }, ...options }, strict: true, allowPositionals });
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]);
  }
}

/** A finite number from an option value, or a CliError naming the option. */
export function numberOption(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new CliError(`missing required option --${name}`);
    return fallback;
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number, got '${value}'`);
  return n;
}

/** A positive integer option, or a CliError naming it. */
export function intOption(name: string, value: string | undefined, fallback?: number): number {
  const n = numberOption(name, value, fallback);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** A comma-separated list of numbers, or a CliError naming the option. */
export function numberListOption(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  return parts.map((p) => {
    const n = Number(p);
    if (p === '' || !Number.isFinite(n)) throw new CliError(`--${name}: '${p}' is not a number`);
    return n;
  });
}

/** Prints a result: JSON with --json, otherwise a readable rendering. */
export function output(json: boolean | undefined, value: unknown, human?: () => string): void {
  if (json || !human) process.stdout.write(JSON.stringify(value) + '\n');
  else process.stdout.write(human() + '\n');
}
