// The CLI's own errors. They extend core's base error from its own small entry
// (`@orderstream/core/errors`, which loads nothing else): a user error is found and reported before
// the CLI loads @orderstream/core or anything heavier (a user error costs well under 2 s).
import { OrderstreamError, type OrderstreamErrorOptions } from '@orderstream/core/errors';

/**
 * Codes of the CLI's own errors: a user error (a bad option, a taken port, a missing folder or
 * prerequisite) found before the command starts anything.
 *
 * | code                         | when                                                           |
 * | ---------------------------- | -------------------------------------------------------------- |
 * | `CLI_INVALID_OPTION`         | an option or argument is malformed, unknown or missing         |
 * | `CLI_PORT_INVALID`           | a port is not a whole number in its range                      |
 * | `CLI_PORT_IN_USE`            | a port to listen on is taken (or the address cannot be bound)  |
 * | `CLI_PATH_NOT_FOUND`         | a folder or file to read does not exist                        |
 * | `CLI_PATH_UNWRITABLE`        | a folder or file to write cannot be created or written         |
 * | `CLI_WAREHOUSE_INVALID`      | `--warehouse` names no known engine or lacks its settings      |
 * | `CLI_BROKERS_INVALID`        | `KAFKA_BROKERS` is not a list of `host:port`                   |
 * | `CLI_KAFKA_UNREACHABLE`      | no broker of `KAFKA_BROKERS` accepts a connection              |
 * | `CLI_PREREQUISITE_MISSING`   | a program the command needs (Java, Maven, Python) is missing   |
 * | `CLI_INTERRUPTED`            | Ctrl-C (SIGINT) or SIGTERM stopped the command                 |
 */
export const CLI_ERROR_CODES = [
  'CLI_INVALID_OPTION',
  'CLI_PORT_INVALID',
  'CLI_PORT_IN_USE',
  'CLI_PATH_NOT_FOUND',
  'CLI_PATH_UNWRITABLE',
  'CLI_WAREHOUSE_INVALID',
  'CLI_BROKERS_INVALID',
  'CLI_KAFKA_UNREACHABLE',
  'CLI_PREREQUISITE_MISSING',
  'CLI_INTERRUPTED',
] as const;

/** A code of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** The exit code of a user error (a usage problem, found before anything started). */
export const USAGE_EXIT_CODE = 2;

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * An error of the CLI itself, with a stable code of {@link CLI_ERROR_CODES}: an `OrderstreamError`
 * like every error of the packages (`isOrderstreamError` holds, `details` carry the option and its
 * value), constructible before `@orderstream/core` is loaded (checking options loads no package).
 */
export class CliError extends OrderstreamError<CliErrorCode> {
  /**
   * @param code - the stable code
   * @param message - what happened, naming the option and its value
   * @param options - cause and details
   */
  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CliError';
  }
}

/** What a {@link CliError} carries beside its code and message; a user error is never retryable. */
export type CliErrorOptions = Omit<OrderstreamErrorOptions, 'retryable'>;

/**
 * A user error: what is wrong, and how to fix it. The CLI prints it as one line,
 * `error CODE: message — fix: …`, and exits with {@link USAGE_EXIT_CODE}; never a stack trace.
 */
export class UsageError extends CliError {
  /** What the user can do about it, one short sentence. */
  readonly fix: string;

  /**
   * @param code - the stable code
   * @param message - what is wrong, naming the option and its value
   * @param fix - how to fix it
   * @param options - cause and details
   */
  constructor(code: CliErrorCode, message: string, fix: string, options: CliErrorOptions = {}) {
    super(code, message, options);
    this.name = 'UsageError';
    this.fix = fix;
  }
}

/**
 * Whether an error is a {@link UsageError}.
 *
 * @param error - anything thrown
 * @returns whether it is a user error
 */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}

/**
 * The one line a user error prints.
 *
 * @param error - the user error
 * @returns `error CODE: message — fix: …`, on one line
 */
export function formatUsageError(error: UsageError): string {
  return oneLine(`error ${error.code}: ${error.message} — fix: ${error.fix}`);
}

/**
 * Folds a message onto one line (engine messages sometimes hold line breaks).
 *
 * @param text - the text
 * @returns the text with runs of white space as single spaces
 */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
