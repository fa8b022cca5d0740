import { Command } from 'commander';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { dlqCommand } from './commands/dlq.js';
import { generateCommand } from './commands/generate.js';
import { healthCommand } from './commands/health.js';
import { loadHistoryCommand } from './commands/load-history.js';
import { produceCommand } from './commands/produce.js';
import { sinkCommand } from './commands/sink.js';
import { topicsCommand } from './commands/topics.js';
import { logFormatOption } from './logging/command-logger.js';

/**
 * The `orderstream` command. Each sub-command lives in `commands/<name>.ts` and is composed only
 * from the packages' public API.
 */
export function createProgram(): Command {
  const program = new Command('orderstream')
    .description('Real-time sales analytics: generate, load, stream, model and watch e-commerce orders.')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: false })
    .addOption(logFormatOption());
  program.addCommand(demoCommand());
  program.addCommand(generateCommand());
  program.addCommand(checkCommand());
  program.addCommand(loadHistoryCommand());
  program.addCommand(topicsCommand());
  program.addCommand(produceCommand());
  program.addCommand(sinkCommand());
  program.addCommand(dlqCommand());
  program.addCommand(healthCommand());
  return program;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  await createProgram().parseAsync(process.argv);
}
