/**
 * Error codes raised by `@orderstream/snowflake`, through core's `OrderstreamError`.
 *
 * | code                            | when                                                              | retryable |
 * | ------------------------------- | ----------------------------------------------------------------- | --------- |
 * | `SNOWFLAKE_CONNECTION_FAILED`   | logging in or reaching the account failed                         | on network errors |
 * | `SNOWFLAKE_QUERY_FAILED`        | a statement failed; `details.sql` holds its text (never bind values) | on lock timeouts and network errors |
 * | `SNOWFLAKE_TRANSACTION_FAILED`  | a write transaction failed and was rolled back                    | on lock timeouts and network errors |
 * | `SNOWFLAKE_BULK_LOAD_FAILED`    | writing, staging (PUT) or copying (COPY INTO) a replacement failed | on network errors |
 * | `SNOWFLAKE_UNKNOWN_TABLE`       | a write names a table the warehouse does not manage               | no        |
 * | `SNOWFLAKE_UNKNOWN_COLUMN`      | a written row has a column its table does not have                | no        |
 * | `SNOWFLAKE_INVALID_VALUE`       | a written value does not fit its column's type                    | no        |
 * | `SNOWFLAKE_CLOSED`              | the warehouse was used after `close()`                            | no        |
 *
 * Messages, `details` and causes never hold passwords, key passphrases or bound values.
 */
export const SNOWFLAKE_ERROR_CODES = [
  'SNOWFLAKE_CONNECTION_FAILED',
  'SNOWFLAKE_QUERY_FAILED',
  'SNOWFLAKE_TRANSACTION_FAILED',
  'SNOWFLAKE_BULK_LOAD_FAILED',
  'SNOWFLAKE_UNKNOWN_TABLE',
  'SNOWFLAKE_UNKNOWN_COLUMN',
  'SNOWFLAKE_INVALID_VALUE',
  'SNOWFLAKE_CLOSED',
] as const;

/** A code raised by `@orderstream/snowflake`. */
export type SnowflakeErrorCode = (typeof SNOWFLAKE_ERROR_CODES)[number];

/**
 * Snowflake and snowflake-sdk error codes after which retrying the same operation may succeed:
 * the driver's network failures (`401001` could not connect, `401002` bad response, `402001`/`402002`
 * the same for result chunks), a session the server no longer knows (`401004`, e.g. after a
 * restart: the session is dropped and the retry logs in again) and the server's lock-wait timeout
 * (`000625`). Everything else (SQL errors, constraint violations, authentication) fails at once.
 */
export const SNOWFLAKE_RETRYABLE_CODES: readonly string[] = [
  '401001',
  '401002',
  '401004',
  '402001',
  '402002',
  '000625',
];
