// `npm run lab -- <command> [options]`: the headless lab. Each command lives in commands/<name>.ts and
// exports `run(args: string[]): Promise<void>`; this file only dispatches and turns errors into one line.
import { CliError } from './args.ts';
import { COMMANDS } from './commands.ts';

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const names = Object.keys(COMMANDS).sort();
  if (!name || name === '--help' || name === 'help') {
    console.log(`usage: npm run lab -- <command> [options] [--json]\ncommands: ${names.join(', ')}`);
    return;
  }
  if (!names.includes(name)) throw new CliError(`unknown command '${name}' (commands: ${names.join(', ')})`);
  await (await COMMANDS[name]()).run(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`lab: ${message.split('\n')[0]}\n`);
  if (process.env.LAB_DEBUG && err instanceof Error) console.error(err.stack);
  process.exit(err instanceof CliError ? 2 : 1);
});
