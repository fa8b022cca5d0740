import { OrderstreamError } from '@orderstream/core';
import type { DuckDbErrorCode } from '../duckdb-error-codes.js';

/** Creates an orderstream error with a DuckDB code. */
export function duckDbError(
  code: DuckDbErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown>; retryable?: boolean } = {},
): OrderstreamError<DuckDbErrorCode> {
  return new OrderstreamError(code, message, options);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The database file's folder cannot be created or written (core's `CORE_FILE_UNWRITABLE`). */
export function unwritableError(error: unknown, path: string): OrderstreamError<DuckDbErrorCode> {
  const reason = messageOf(error).replace(/^.*? cannot be written: /, '');
  return duckDbError('DUCKDB_FILE_UNWRITABLE', `The DuckDB database ${path} cannot be written: ${reason}`, {
    cause: error,
    details: { path },
  });
}

/** Classifies a failure to open the database file. */
export function openError(error: unknown, path: string): OrderstreamError<DuckDbErrorCode> {
  const message = messageOf(error);
  if (/could not set lock on file/i.test(message)) {
    const holder = /Conflicting lock is held in (.*?)(?:\. See also|$)/.exec(message)?.[1];
    return duckDbError(
      'DUCKDB_LOCKED',
      `The DuckDB database ${path} is locked by another process${holder ? ` (${holder})` : ''}; close it or wait.`,
      { cause: error, details: { path }, retryable: true },
    );
  }
  if (/Permission denied|Read-only file system/i.test(message)) return unwritableError(error, path);
  if (
    /not a valid DuckDB database file|Cannot open file|created with an? (?:newer|older)|version/i.test(
      message,
    )
  ) {
    return duckDbError('DUCKDB_FILE_UNREADABLE', `The DuckDB database ${path} cannot be read: ${message}`, {
      cause: error,
      details: { path },
    });
  }
  return duckDbError('DUCKDB_OPEN_FAILED', `Could not open the DuckDB database ${path}: ${message}`, {
    cause: error,
    details: { path },
  });
}

/** Whether DuckDB refused a commit because another transaction changed the same rows. */
export function isConflict(error: unknown): boolean {
  return /conflict/i.test(messageOf(error));
}

/**
 * Removes bound parameter values from an engine message (DuckDB quotes them in conversion errors),
 * so a failure never leaks what was bound.
 */
function redact(message: string, params: readonly unknown[]): string {
  let redacted = message;
  for (const param of params) {
    if (typeof param === 'string' && param.length > 0) redacted = redacted.split(param).join('?');
  }
  return redacted;
}

/** DuckDB's error types for a value that does not convert to, or fit, its column. */
const REFUSED_VALUE = /^(?:Conversion|Out of Range) Error\b/;

/**
 * Wraps a failed statement with its SQL text, never its parameter values: they are redacted from
 * the message, and the cause is replaced by a redacted copy when parameters were bound. A write
 * whose value the engine refuses (a conversion or out-of-range error) is `DUCKDB_INVALID_VALUE`.
 */
export function queryError(
  error: unknown,
  sql: string,
  params: readonly unknown[] = [],
  code: DuckDbErrorCode = 'DUCKDB_QUERY_FAILED',
): OrderstreamError<DuckDbErrorCode> {
  const message = redact(messageOf(error), params);
  const cause = params.length > 0 ? new Error(message) : error;
  // The engine refusing a value of a write is the data's fault, not the database's.
  if (code === 'DUCKDB_TRANSACTION_FAILED' && REFUSED_VALUE.test(message)) {
    return duckDbError('DUCKDB_INVALID_VALUE', `DuckDB refused a value: ${message}`, {
      cause,
      details: { sql },
    });
  }
  return duckDbError(code, `DuckDB statement failed: ${message}`, {
    cause,
    details: { sql },
    retryable: code === 'DUCKDB_TRANSACTION_FAILED' && isConflict(error),
  });
}
