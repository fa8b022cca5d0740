/**
 * Error codes raised by `@orderstream/duckdb`, through core's `OrderstreamError`.
 *
 * | code                         | when                                                        | retryable |
 * | ---------------------------- | ----------------------------------------------------------- | --------- |
 * | `DUCKDB_LOCKED`              | another process holds the database file                     | yes       |
 * | `DUCKDB_FILE_UNREADABLE`     | the file is not a DuckDB database, or cannot be opened      | no        |
 * | `DUCKDB_FILE_UNWRITABLE`     | the file or its folder cannot be created or written         | no        |
 * | `DUCKDB_OPEN_FAILED`         | the database could not be opened for another reason         | no        |
 * | `DUCKDB_QUERY_FAILED`        | a statement failed; `details.sql` holds its text (never parameter values) | no |
 * | `DUCKDB_TRANSACTION_FAILED`  | a write transaction failed and was rolled back              | on a write-write conflict |
 * | `DUCKDB_UNKNOWN_TABLE`       | a write names a table the warehouse does not manage         | no        |
 * | `DUCKDB_UNKNOWN_COLUMN`      | a written row has a column its table does not have          | no        |
 * | `DUCKDB_INVALID_VALUE`       | a written value does not fit its column's type              | no        |
 * | `DUCKDB_CLOSED`              | the warehouse was used after `close()`                      | no        |
 */
export const DUCKDB_ERROR_CODES = [
  'DUCKDB_LOCKED',
  'DUCKDB_FILE_UNREADABLE',
  'DUCKDB_FILE_UNWRITABLE',
  'DUCKDB_OPEN_FAILED',
  'DUCKDB_QUERY_FAILED',
  'DUCKDB_TRANSACTION_FAILED',
  'DUCKDB_UNKNOWN_TABLE',
  'DUCKDB_UNKNOWN_COLUMN',
  'DUCKDB_INVALID_VALUE',
  'DUCKDB_CLOSED',
] as const;

/** A code raised by `@orderstream/duckdb`. */
export type DuckDbErrorCode = (typeof DUCKDB_ERROR_CODES)[number];
