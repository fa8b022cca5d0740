import type { ColumnType } from '@orderstream/core';

/**
 * How each engine-independent {@link ColumnType} is stored in DuckDB.
 *
 * | column type   | DuckDB type      | written from                | read back as                       |
 * | ------------- | ---------------- | --------------------------- | ---------------------------------- |
 * | `text`        | `VARCHAR`        | `string`                    | `string`                           |
 * | `integer`     | `INTEGER`        | `number`                    | `number`                           |
 * | `bigint`      | `BIGINT`         | safe-integer `number` or decimal `string` | `number` when safe, else decimal `string` |
 * | `double`      | `DOUBLE`         | `number`                    | `number`                           |
 * | `money`       | `DECIMAL(18,2)`  | `number` of cents           | exact decimal `string` (`"12.30"`) |
 * | `timestamp`   | `TIMESTAMP`      | `Date` (wall clock as UTC)  | `Date`                             |
 * | `timestamptz` | `TIMESTAMPTZ`    | `Date` (an instant)         | `Date`                             |
 * | `json`        | `JSON`           | JSON `string`, stored as is | `string`                           |
 * | `boolean`     | `BOOLEAN`        | `boolean`                   | `boolean`                          |
 *
 * Sessions run with `TimeZone = 'UTC'`, so SQL casts between `TIMESTAMP` and `TIMESTAMPTZ` keep
 * Olist's wall clock unchanged.
 */
export const DUCKDB_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  money: 'DECIMAL(18,2)',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  json: 'JSON',
  boolean: 'BOOLEAN',
};
