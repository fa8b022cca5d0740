import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { dlqCommand } from './commands/dlq.js';
import { doctorCommand } from './commands/doctor.js';
import { generateCommand } from './commands/generate.js';
import { healthCommand } from './commands/health.js';
import { loadHistoryCommand } from './commands/load-history.js';
import { produceCommand } from './commands/produce.js';
import { sinkCommand } from './commands/sink.js';
import { topicsCommand } from './commands/topics.js';
import { setTypeScriptLoader } from './lazy-modules.js';
import { logFormatOption } from './logging/log-format.js';
import { reportError } from './run-action.js';
import { USAGE_EXIT_CODE } from './usage-error.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The `orderstream` command. Each sub-command's options and checks live in `commands/<name>.ts`,
 * which loads no package: what the command does (`actions/<name>.ts`, composed only from the
 * packages' public API) is imported once its options are checked (lazy-modules.ts). Run from its
 * prebuilt entry (bin/orderstream.mjs), `--help`, `--version` and a user error cost Node and
 * commander, not the TypeScript loader nor the SDK.
 */
export function createProgram(): Command {
  const program = new Command('orderstream')
    .description('Real-time sales analytics: generate, load, stream, model and watch e-commerce orders.')
    .version(VERSION, '-V, --version', 'print the version and exit (touches nothing)')
    .configureHelp({ sortSubcommands: false })
    .addOption(logFormatOption())
    .option('--verbose', 'print stack traces with errors', false);
  program.addCommand(demoCommand());
  program.addCommand(doctorCommand());
  program.addCommand(generateCommand());
  program.addCommand(checkCommand());
  program.addCommand(loadHistoryCommand());
  program.addCommand(topicsCommand());
  program.addCommand(produceCommand());
  program.addCommand(sinkCommand());
  program.addCommand(dlqCommand());
  program.addCommand(healthCommand());
  // Commander's own errors (unknown option, bad value) are reported like every other user error:
  // one line with a code and a fix, no help text dumped after it.
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ outputError: () => {} });
    for (const sub of command.commands) quiet(sub);
  };
  quiet(program);
  return program;
}

/** Options of {@link main}. */
export interface MainOptions {
  /**
   * Registers the TypeScript loader before the first command implementation loads: given by the
   * prebuilt entry (bin/orderstream.mjs), which runs without it until a command's options pass.
   * @defaultValue none (running from the sources under `node --import tsx`)
   */
  readonly loadTypeScript?: () => Promise<void>;
}

/**
 * Runs the CLI on `argv` and exits: 0 on success, 1 on a failure, 2 on a user error (one line
 * with its code and fix), 130 after Ctrl-C.
 *
 * @param argv - `process.argv`
 * @param options - how to load the TypeScript sources
 */
export async function main(argv: string[], options: MainOptions = {}): Promise<never> {
  if (options.loadTypeScript) setTypeScriptLoader(options.loadTypeScript);
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(0);
      const command = findCommand(program, argv);
      const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      console.error(
        `error CLI_INVALID_OPTION: ${message} — fix: see \`orderstream ${command} --help\``.replace(
          / {2,}/g,
          ' ',
        ),
      );
      process.exit(USAGE_EXIT_CODE);
    }
    process.exit(await reportError(error, argv.includes('--verbose')));
  }
  // Everything the command started is stopped by now; leftover timers of client libraries must
  // not keep the process alive.
  process.exit(process.exitCode ?? 0);
}

function findCommand(program: Command, argv: string[]): string {
  const names: string[] = [];
  let current = program;
  for (const arg of argv.slice(2)) {
    const sub = current.commands.find((command) => command.name() === arg);
    if (!sub) continue;
    names.push(arg);
    current = sub;
  }
  return names.join(' ');
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) await main(process.argv);
