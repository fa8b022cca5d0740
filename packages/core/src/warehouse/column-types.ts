/**
 * The column types of the warehouse's RAW schema, independent of any engine. Adapters map them to
 * their own SQL types and document the mapping.
 *
 * | type          | JS value written and read back        |
 * | ------------- | ------------------------------------- |
 * | `text`        | `string`                              |
 * | `integer`     | `number` (32-bit)                     |
 * | `bigint`      | `number` (safe integer) when written; `number` when read |
 * | `double`      | `number`                              |
 * | `money`       | `number` of **cents** when written; a decimal `string` (`"12.30"`) when read |
 * | `timestamp`   | `Date` (wall clock, no zone)          |
 * | `timestamptz` | `Date` (an instant)                   |
 * | `json`        | a JSON `string` when written and read |
 * | `boolean`     | `boolean`                             |
 */
export type ColumnType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'money'
  | 'timestamp'
  | 'timestamptz'
  | 'json'
  | 'boolean';

/** One column of a RAW table. */
export interface ColumnDefinition {
  /** The column name, exactly as in the source (Olist typos included). */
  readonly name: string;
  /** The engine-independent type. */
  readonly type: ColumnType;
  /** Whether the column accepts `null`. */
  readonly nullable: boolean;
}

/** A RAW table: its columns in order and, where it has one, its natural key. */
export interface TableDefinition {
  /** The table's name inside the RAW schema. */
  readonly name: string;
  /** The columns, in the order of the source file. */
  readonly columns: readonly ColumnDefinition[];
  /** The natural key, used for idempotent upserts; empty when the table is append-only. */
  readonly key: readonly string[];
}
