import { Command } from 'commander';

/**
 * The `orderstream` command. Each sub-command lives in `commands/<name>.ts` and is composed only
 * from the packages' public API.
 */
export function createProgram(): Command {
  const program = new Command('orderstream')
    .description('Real-time sales analytics: generate, load, stream, model and watch e-commerce orders.')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false });
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  await createProgram().parseAsync(process.argv);
}
