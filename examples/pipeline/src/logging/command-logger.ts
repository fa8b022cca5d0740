import type { Command } from 'commander';
import type { LogFormat } from './log-format.js';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';

/**
 * The logger a sub-command uses, in the format of the global `--log-format`.
 *
 * @param command - the running sub-command (the action's last argument)
 * @returns the logger
 */
export function loggerFor(command: Command): Logger {
  const { logFormat } = command.optsWithGlobals<{ logFormat?: LogFormat }>();
  return createLogger({ format: logFormat ?? 'text' });
}
