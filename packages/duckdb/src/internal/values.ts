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
import type { ColumnDefinition, ColumnType, QueryParam } from '@orderstream/core';
import { acceptsColumnValue } from '@orderstream/core/adapter';
import { duckDbError } from './duckdb-error.js';

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

// Conversions of values that acceptsColumnValue has let through.
const toValue: Readonly<Record<ColumnType, (value: never) => DuckDBValue>> = {
  text: (value: string) => value,
  json: (value: string) => value,
  integer: (value: number) => value,
  bigint: (value: number | string | bigint) => BigInt(value),
  double: (value: number) => value,
  money: (value: number) => decimalValue(BigInt(value), 18, 2),
  timestamp: (value: Date) => timestampValue(BigInt(value.getTime()) * 1000n),
  timestamptz: (value: Date) => timestampTZValue(BigInt(value.getTime()) * 1000n),
  boolean: (value: boolean) => value,
};

/** The converter of one column, chosen once per column rather than per value. */
export function valueWriter(table: string, column: ColumnDefinition): ValueWriter {
  const to = toValue[column.type] as (value: unknown) => DuckDBValue;
  return (value) => {
    if (value === null || value === undefined) return null;
    return acceptsColumnValue(column.type, value) ? to(value) : invalid(table, column, value);
  };
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
