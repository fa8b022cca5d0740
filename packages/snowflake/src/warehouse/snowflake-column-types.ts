import type { ColumnType } from '@orderstream/core';

/**
 * How each engine-independent {@link ColumnType} is stored in Snowflake.
 *
 * | column type   | Snowflake type   | written from                 | read back as                       |
 * | ------------- | ---------------- | ---------------------------- | ---------------------------------- |
 * | `text`        | `VARCHAR`        | `string`                     | `string`                           |
 * | `integer`     | `INTEGER` (`NUMBER(38,0)`) | `number`           | `number`                           |
 * | `bigint`      | `BIGINT` (`NUMBER(38,0)`)  | safe-integer `number` or decimal `string` | `number` when safe, else decimal `string` |
 * | `double`      | `FLOAT`          | `number`                     | `number`                           |
 * | `money`       | `NUMBER(18,2)`   | `number` of cents            | exact decimal `string` (`"12.30"`) |
 * | `timestamp`   | `TIMESTAMP_NTZ`  | `Date` (wall clock as UTC)   | `Date`                             |
 * | `timestamptz` | `TIMESTAMP_TZ`   | `Date` (an instant)          | `Date`                             |
 * | `json`        | `VARIANT`        | JSON `string` (`PARSE_JSON`) | JSON `string`                      |
 * | `boolean`     | `BOOLEAN`        | `boolean`                    | `boolean`                          |
 *
 * Timestamps: Olist's timestamps are wall-clock times in Brazil without a zone, so they are
 * `TIMESTAMP_NTZ` (the value is stored as written, never shifted by a session time zone); the
 * stream's own instants (`event_time`, `ingested_at`, …) are `TIMESTAMP_TZ`, written in UTC.
 * Money is exact: it is bound as a decimal string and read with `fetchAsString`, never through
 * a JS float.
 */
export const SNOWFLAKE_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'FLOAT',
  money: 'NUMBER(18,2)',
  timestamp: 'TIMESTAMP_NTZ',
  timestamptz: 'TIMESTAMP_TZ',
  json: 'VARIANT',
  boolean: 'BOOLEAN',
};
