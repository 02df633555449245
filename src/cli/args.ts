// Option parsing for the CLI, on Node's own util.parseArgs; every misuse becomes a one-line CliError.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** An error the user caused (bad option, missing file); printed as one line, exit code 2. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` strictly: unknown options and missing values are CliErrors naming the option. */
export function parseOptions<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: joinNegativeValues(args, options),
      options: { json: { type: 'boolean' }, ...options },
      strict: true,
      allowPositionals,
    });
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]);
  }
}

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * util.parseArgs calls `--base -5` ambiguous (the value could be an option); a value that reads as a
 * negative number is joined to its option (`--base=-5`), so the option's own check names what is wrong.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return [...out, ...args.slice(i)];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : null;
    const takesValue = name !== null && Object.hasOwn(options, name) && options[name].type === 'string';
    if (takesValue && i + 1 < args.length && NEGATIVE_NUMBER.test(args[i + 1])) {
      out.push(`${arg}=${args[i + 1]}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
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

/** A positive integer option of at most `max`, or a CliError naming it. */
export function intOption(name: string, value: string | undefined, fallback?: number, max = MAX_INT_OPTION): number {
  return rangeOption(name, value, { min: 1, max, integer: true }, fallback);
}

/** The largest value any integer option takes unless it says otherwise. */
export const MAX_INT_OPTION = 2 ** 31 - 1;

/** Token counts (contexts, lengths, generated tokens): 16M, above any model's trained context. */
export const MAX_TOKENS_OPTION = 2 ** 24;

/** Where a number option must lie: [min, max], or (above, max] with `above`; an integer when `integer`. */
export interface Range {
  min?: number;
  above?: number;
  max: number;
  integer?: boolean;
}

/** Readable bounds: 1e15 rather than 1000000000000000. */
function formatBound(x: number): string {
  const exponent = Math.log10(Math.abs(x));
  return Math.abs(x) >= 1e6 && Number.isInteger(exponent) ? `${x < 0 ? '-' : ''}1e${exponent}` : String(x);
}

/** "an integer in 1…64", "in (0, 1]", "in [0, 100]" */
export function describeRange(range: Range): string {
  if (range.integer) return `an integer in ${formatBound(range.min ?? range.above! + 1)}…${formatBound(range.max)}`;
  return range.above !== undefined
    ? `in (${formatBound(range.above)}, ${formatBound(range.max)}]`
    : `in [${formatBound(range.min!)}, ${formatBound(range.max)}]`;
}

/** Whether `n` lies in `range`. */
export function inRange(n: number, range: Range): boolean {
  if (range.integer && !Number.isInteger(n)) return false;
  if (range.above !== undefined ? !(n > range.above) : !(n >= range.min!)) return false;
  return n <= range.max;
}

/** A number option within `range`, or a one-line CliError naming it, the range and the value given. */
export function rangeOption(name: string, value: string | undefined, range: Range, fallback?: number): number {
  const n = numberOption(name, value, fallback);
  if (!inRange(n, range)) throw new CliError(`--${name} must be ${describeRange(range)}, got ${value ?? n}`);
  return n;
}

/** A comma-separated list of numbers (each within `range`, at most `maxItems` of them when given), or a CliError naming the option. */
export function numberListOption(name: string, value: string | undefined, range?: Range, maxItems = 100_000): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length > maxItems) throw new CliError(`--${name} takes at most ${maxItems} values, got ${parts.length}`);
  return parts.map((p) => {
    const n = Number(p);
    if (p === '' || !Number.isFinite(n)) throw new CliError(`--${name}: '${p}' is not a number`);
    if (range && !inRange(n, range)) throw new CliError(`--${name}: each value must be ${describeRange(range)}, got ${p}`);
    return n;
  });
}

/** Prints a result: JSON with --json, otherwise a readable rendering. */
export function output(json: boolean | undefined, value: unknown, human?: () => string): void {
  if (json || !human) process.stdout.write(JSON.stringify(value) + '\n');
  else process.stdout.write(human() + '\n');
}
