import type { Command } from 'commander';
import { Option } from 'commander';
import type { LogFormat, Logger } from './logger.js';
import { createLogger, LOG_FORMATS } from './logger.js';

/**
 * The CLI's global `--log-format text|json` option (environment `ORDERSTREAM_LOG_FORMAT`).
 *
 * @returns the option, default `text`
 */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines on stderr: text or json (pino)')
    .choices(LOG_FORMATS)
    .env('ORDERSTREAM_LOG_FORMAT')
    .default('text');
}

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
