import { OrderstreamError } from '@orderstream/core';
import type { SnowflakeErrorCode } from '../snowflake-error-codes.js';
import { SNOWFLAKE_RETRYABLE_CODES } from '../snowflake-error-codes.js';

/** Creates an orderstream error with a Snowflake code. */
export function snowflakeError(
  code: SnowflakeErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
): OrderstreamError<SnowflakeErrorCode> {
  return new OrderstreamError(code, message, options);
}

const RETRYABLE = new Set(SNOWFLAKE_RETRYABLE_CODES);

/** The Snowflake or driver code of a foreign error, as a string, when it has one. */
export function foreignCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return code === undefined || code === null ? undefined : String(code);
}

/**
 * snowflake-sdk's messages of its retryable network codes (401001, 401002, 402001, 402002). Its
 * connection pool rejects a failed login with a plain `Error` of the message only, without the
 * code, so a login answered e.g. HTTP 500 is recognised by these.
 */
const RETRYABLE_DRIVER_MESSAGES =
  /^(Network error\. Could not reach (Snowflake|S3\/Blob)\.|Request to (Snowflake|S3\/Blob) failed\.)$/;

/** Whether a foreign (driver or server) error is worth retrying, by its code. */
export function isRetryableForeign(error: unknown): boolean {
  const code = foreignCode(error);
  if (code !== undefined && RETRYABLE.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return (
    /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up/i.test(message) ||
    (code === undefined && RETRYABLE_DRIVER_MESSAGES.test(message))
  );
}

/** snowflake-sdk's code for a session token the server rejects: the session must log in again. */
const SESSION_GONE = '401004';

/**
 * Whether an error (or the sanitized cause of one of ours) says the server no longer knows the
 * session, so it must be dropped from the pool rather than reused.
 */
export function isSessionGone(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    if (foreignCode(current) === SESSION_GONE) return true;
    const snowflakeCode = (current as { details?: { snowflakeCode?: unknown } }).details?.snowflakeCode;
    if (snowflakeCode === SESSION_GONE) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Removes secrets and bound values from a message. Values shorter than 3 characters are left
 * alone: they cannot carry a secret and would mangle the message.
 */
export function redact(message: string, sensitive: readonly unknown[]): string {
  let redacted = message;
  for (const value of sensitive) {
    if (typeof value === 'string' && value.length >= 3) redacted = redacted.split(value).join('***');
  }
  return redacted;
}

/**
 * A secret-free copy of a foreign error: its redacted message, code and SQL state. The driver's
 * own error is never kept as the cause, since it may carry the request (and so the login body).
 */
export function sanitizedCause(error: unknown, sensitive: readonly unknown[]): Error {
  const message = redact(error instanceof Error ? error.message : String(error), sensitive);
  const copy = new Error(message) as Error & { code?: string; sqlState?: string };
  const code = foreignCode(error);
  if (code !== undefined) copy.code = code;
  const sqlState = (error as { sqlState?: unknown } | null)?.sqlState;
  if (typeof sqlState === 'string') copy.sqlState = sqlState;
  return copy;
}

/**
 * Wraps a failed statement with its SQL text, never its bound values or the credentials: both
 * are redacted from the message, and the cause is a sanitized copy. A data exception (SQL state
 * class 22, e.g. a numeric overflow) in a write is `SNOWFLAKE_INVALID_VALUE`.
 */
export function statementError(
  error: unknown,
  sql: string,
  sensitive: readonly unknown[],
  code: SnowflakeErrorCode = 'SNOWFLAKE_QUERY_FAILED',
): OrderstreamError<SnowflakeErrorCode> {
  const cause = sanitizedCause(error, sensitive);
  const snowflakeCode = foreignCode(error);
  // In a write, SQL state class 22 (a data exception) means the value is at fault, not the warehouse.
  const refused =
    code === 'SNOWFLAKE_TRANSACTION_FAILED' &&
    (cause as { sqlState?: string }).sqlState?.startsWith('22') === true;
  return snowflakeError(
    refused ? 'SNOWFLAKE_INVALID_VALUE' : code,
    `Snowflake statement failed: ${cause.message.split('\n')[0]}`,
    {
      cause,
      details: { sql, ...(snowflakeCode === undefined ? {} : { snowflakeCode }) },
      retryable: isRetryableForeign(error),
    },
  );
}
