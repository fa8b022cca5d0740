import type { Writable } from 'node:stream';
import { resolveOptions } from '@orderstream/core';
import { pino } from 'pino';
import { z } from 'zod';
import { LOG_FORMATS } from './log-format.js';

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** What the CLI commands log through. Lines go to stderr; stdout stays for command output. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Field names whose values JSON lines never carry (at the top level or one level down):
 * connection secrets such as `SNOWFLAKE_PASSWORD`.
 */
export const REDACTED_FIELDS = [
  'password',
  'passphrase',
  'privateKey',
  'private_key',
  'token',
  'secret',
  'authorization',
  'sasl',
  'SNOWFLAKE_PASSWORD',
  'SNOWFLAKE_PRIVATE_KEY',
  'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
  'SNOWFLAKE_TOKEN',
  'KAFKA_SASL_PASSWORD',
] as const;

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** The defaults of {@link LoggerOptions}. */
export const LOGGER_DEFAULTS = { format: 'text', name: 'orderstream' } as const;

/** The zod schema of {@link LoggerOptions}. */
export const loggerOptionsSchema = z.object({
  /**
   * `text` or `json` (pino).
   * @defaultValue `'text'`
   */
  format: z.enum(LOG_FORMATS).default(LOGGER_DEFAULTS.format),
  /**
   * The `name` field of JSON lines.
   * @defaultValue `'orderstream'`
   */
  name: z.string().min(1).default(LOGGER_DEFAULTS.name),
  /**
   * Where lines are written.
   * @defaultValue stderr
   */
  destination: z.custom<Writable>((v) => typeof (v as Writable | undefined)?.write === 'function').optional(),
});

/**
 * Options of {@link createLogger}.
 *
 * @interface
 */
export type LoggerOptions = z.input<typeof loggerOptionsSchema>;

/**
 * Creates the CLI logger: text lines (the message only, for people) or pino JSON lines (the message
 * as `msg` plus the structured fields, with the secret fields of {@link REDACTED_FIELDS} redacted).
 *
 * @param options - format, name and destination
 * @returns the logger
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for an unknown format
 * @example
 * ```ts
 * const log = createLogger({ format: 'json' });
 * log.info('sink started', { topic: 'orders' });
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const o = resolveOptions('Logger', loggerOptionsSchema, options);
  const destination = o.destination ?? process.stderr;
  if (o.format === 'json') {
    const paths = REDACTED_FIELDS.flatMap((k) => [k, `*.${k}`]);
    const logger = pino(
      { redact: { paths, censor: REDACTED }, base: { name: o.name } },
      o.destination ?? pino.destination({ fd: 2, sync: true }),
    );
    return {
      info: (message, fields = {}) => logger.info(fields, message),
      warn: (message, fields = {}) => logger.warn(fields, message),
      error: (message, fields = {}) => logger.error(fields, message),
    };
  }
  // Text lines carry the message only: the fields repeat it for machines, and may hold secrets.
  const write = (prefix: string, message: string) => destination.write(`${prefix}${message}\n`);
  return {
    info: (message) => write('', message),
    warn: (message) => write('warn: ', message),
    error: (message) => write('error: ', message),
  };
}
