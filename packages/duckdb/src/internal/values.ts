import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import {
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  decimalValue,
  timestampTZValue,
  timestampValue,
} from '@duckdb/node-api';
import type { ColumnDefinition, QueryParam } from '@orderstream/core';
import { duckDbError } from './duckdb-error.js';

const INTEGER = /^-?\d+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Converts one written value to what a DuckDB vector of the column's type takes. */
export type ValueWriter = (value: unknown) => DuckDBValue;

function invalid(table: string, column: ColumnDefinition, value: unknown): never {
  // The value itself is never put in the message: rows may carry personal data.
  const kind = value instanceof Date ? 'Date' : typeof value;
  throw duckDbError(
    'DUCKDB_INVALID_VALUE',
    `Column ${table}.${column.name} (${column.type}) cannot take a ${kind} value`,
    { details: { table, column: column.name, type: column.type, valueType: kind } },
  );
}

function micros(date: Date, table: string, column: ColumnDefinition): bigint {
  const millis = date.getTime();
  if (Number.isNaN(millis)) invalid(table, column, date);
  return BigInt(millis) * 1000n;
}

/** The converter of one column, chosen once per column rather than per value. */
export function valueWriter(table: string, column: ColumnDefinition): ValueWriter {
  const orNull =
    (convert: (value: unknown) => DuckDBValue): ValueWriter =>
    (value) =>
      value === null || value === undefined ? null : convert(value);
  switch (column.type) {
    case 'text':
    case 'json':
      return orNull((value) => (typeof value === 'string' ? value : invalid(table, column, value)));
    case 'integer':
      return orNull((value) =>
        typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
          ? value
          : invalid(table, column, value),
      );
    case 'bigint':
      return orNull((value) => {
        if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
        if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
        if (typeof value === 'bigint') return value;
        return invalid(table, column, value);
      });
    case 'double':
      return orNull((value) => (typeof value === 'number' ? value : invalid(table, column, value)));
    case 'money':
      return orNull((value) =>
        typeof value === 'number' && Number.isSafeInteger(value)
          ? decimalValue(BigInt(value), 18, 2)
          : invalid(table, column, value),
      );
    case 'timestamp':
      return orNull((value) =>
        value instanceof Date ? timestampValue(micros(value, table, column)) : invalid(table, column, value),
      );
    case 'timestamptz':
      return orNull((value) =>
        value instanceof Date
          ? timestampTZValue(micros(value, table, column))
          : invalid(table, column, value),
      );
    case 'boolean':
      return orNull((value) => (typeof value === 'boolean' ? value : invalid(table, column, value)));
  }
}

/**
 * Converts one written value to its text form for the bulk insert (see `text-batch.ts`), or `null`
 * for SQL NULL. Validates exactly as {@link valueWriter} does, with the same errors.
 */
export type TextWriter = (value: unknown) => string | null;

const cents = (value: number): string => {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const fraction = abs % 100;
  return `${sign}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
};

/** The text converter of one column, chosen once per column rather than per value. */
export function textWriter(table: string, column: ColumnDefinition): TextWriter {
  const orNull =
    (convert: (value: unknown) => string): TextWriter =>
    (value) =>
      value === null || value === undefined ? null : convert(value);
  switch (column.type) {
    case 'text':
    case 'json':
      return orNull((value) => (typeof value === 'string' ? value : invalid(table, column, value)));
    case 'integer':
      return orNull((value) =>
        typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
          ? String(value)
          : invalid(table, column, value),
      );
    case 'bigint':
      return orNull((value) => {
        if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
        if (typeof value === 'string' && INTEGER.test(value)) return value;
        if (typeof value === 'bigint') return String(value);
        return invalid(table, column, value);
      });
    case 'double':
      return orNull((value) => {
        if (typeof value !== 'number') return invalid(table, column, value);
        return Object.is(value, -0) ? '-0' : String(value);
      });
    case 'money':
      return orNull((value) =>
        typeof value === 'number' && Number.isSafeInteger(value)
          ? cents(value)
          : invalid(table, column, value),
      );
    case 'timestamp':
    case 'timestamptz':
      return orNull((value) => {
        if (!(value instanceof Date)) return invalid(table, column, value);
        const millis = value.getTime();
        if (Number.isNaN(millis)) return invalid(table, column, value);
        // Microseconds as text without BigInt: an integer number of milliseconds followed by 000.
        return millis === 0 ? '0' : `${millis}000`;
      });
    case 'boolean':
      return orNull((value) => (typeof value === 'boolean' ? String(value) : invalid(table, column, value)));
  }
}

/** Converts a read value to the contract's JS form (see the DuckDB column type table). */
export function readValue(value: DuckDBValue, type: DuckDBType): unknown {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toString();
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT: {
      const big = value as bigint;
      const asNumber = Number(big);
      return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new Date(Number((value as DuckDBTimestampValue | DuckDBTimestampTZValue).micros / 1000n));
    case DuckDBTypeId.TIMESTAMP_MS:
      return new Date(Number((value as DuckDBTimestampMillisecondsValue).millis));
    case DuckDBTypeId.TIMESTAMP_S:
      return new Date(Number((value as DuckDBTimestampSecondsValue).seconds) * 1000);
    case DuckDBTypeId.TIMESTAMP_NS:
      return new Date(Number((value as DuckDBTimestampNanosecondsValue).nanos / 1_000_000n));
    case DuckDBTypeId.DATE:
      return new Date((value as DuckDBDateValue).days * 86_400_000);
    default:
      if (typeof value === 'object') return String(value);
      return value;
  }
}

/** Converts a query parameter for binding: integers as BIGINT, Dates as TIMESTAMPTZ instants. */
export function bindValue(param: QueryParam): DuckDBValue {
  if (param instanceof Date) return timestampTZValue(BigInt(param.getTime()) * 1000n);
  if (typeof param === 'number' && Number.isSafeInteger(param)) return BigInt(param);
  return param;
}
