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

const INTEGER_TEXT = /^-?\d+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const isValidDate = (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime());

const ACCEPTS: Readonly<Record<ColumnType, (value: unknown) => boolean>> = {
  text: (value) => typeof value === 'string',
  json: (value) => typeof value === 'string',
  integer: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX,
  bigint: (value) =>
    (typeof value === 'number' && Number.isSafeInteger(value)) ||
    (typeof value === 'string' && INTEGER_TEXT.test(value)) ||
    typeof value === 'bigint',
  double: (value) => typeof value === 'number',
  money: (value) => typeof value === 'number' && Number.isSafeInteger(value),
  timestamp: isValidDate,
  timestamptz: isValidDate,
  boolean: (value) => typeof value === 'boolean',
};

/**
 * Whether a non-null value may be written to a column of this type (see {@link ColumnType}): the
 * check every adapter makes before converting a value. `bigint` also takes a decimal integer
 * string or a JS `bigint`; `double` takes any number (an adapter may refuse non-finite ones).
 *
 * @param type - the column's type
 * @param value - the value, not `null` or `undefined`
 * @returns whether the value fits
 * @example
 * ```ts
 * acceptsColumnValue('money', 1230); // true: 12.30 in cents
 * acceptsColumnValue('money', 12.3); // false
 * ```
 */
export function acceptsColumnValue(type: ColumnType, value: unknown): boolean {
  return ACCEPTS[type](value);
}
