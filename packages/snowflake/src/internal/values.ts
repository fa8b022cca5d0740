import type { ColumnDefinition, ColumnType, QueryParam } from '@orderstream/core';
import { formatCents } from '@orderstream/core';
import { acceptsColumnValue } from '@orderstream/core/adapter';
import { snowflakeError } from './snowflake-error.js';

const INTEGER = /^-?\d+$/;

/** Converts one written value to the text bound into (or copied to) a staging column. */
export type TextWriter = (value: unknown) => string | null;

function invalid(table: string, column: ColumnDefinition, value: unknown): never {
  // The value itself is never put in the message: rows may carry personal data.
  const kind = value instanceof Date ? 'Date' : typeof value;
  throw snowflakeError(
    'SNOWFLAKE_INVALID_VALUE',
    `Column ${table}.${column.name} (${column.type}) cannot take a ${kind} value`,
    { details: { table, column: column.name, type: column.type, valueType: kind } },
  );
}

// Conversions of values that acceptsColumnValue has let through.
const toText: Readonly<Record<ColumnType, (value: never) => string>> = {
  text: (value: string) => value,
  json: (value: string) => value,
  integer: (value: number) => String(value),
  bigint: (value: number | string | bigint) => String(value),
  // String(n) is the shortest text that parses back to the same double.
  double: (value: number) => String(value),
  money: formatCents,
  // The wall clock, written as UTC, without a zone: 2017-10-02 10:56:33.000
  timestamp: (value: Date) => value.toISOString().slice(0, 23).replace('T', ' '),
  timestamptz: (value: Date) => value.toISOString(),
  boolean: (value: boolean) => (value ? 'true' : 'false'),
};

/** The converter of one column to text, chosen once per column rather than per value. */
export function textWriter(table: string, column: ColumnDefinition): TextWriter {
  const to = toText[column.type] as (value: unknown) => string;
  // This adapter writes finite doubles only (NaN and infinities are refused).
  const fits =
    column.type === 'double'
      ? (value: unknown) => Number.isFinite(value)
      : (value: unknown) => acceptsColumnValue(column.type, value);
  return (value) => {
    if (value === null || value === undefined) return null;
    return fits(value) ? to(value) : invalid(table, column, value);
  };
}

/** A query parameter as snowflake-sdk binds it: `Date`s as ISO 8601 instants. */
export function bindParam(param: QueryParam): string | number | boolean | null {
  if (param instanceof Date) return param.toISOString();
  return param;
}

/** What snowflake-sdk tells of a result column. */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
  readonly scale: number | null;
}

/**
 * Converts a read value (numbers and JSON fetched as strings) to the contract's JS form: exact
 * decimals as strings with the column's scale, integers as numbers when safe, `Date`s for
 * timestamps, JSON as its text.
 */
export function readValue(value: unknown, column: ResultColumn): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'fixed': {
      const text = String(value);
      const scale = column.scale ?? 0;
      if (scale === 0) {
        const asNumber = Number(text);
        return Number.isSafeInteger(asNumber) && INTEGER.test(text) ? asNumber : text;
      }
      const [whole = '0', fraction = ''] = text.split('.');
      return `${whole}.${fraction.padEnd(scale, '0').slice(0, scale)}`;
    }
    case 'real':
      return typeof value === 'number' ? value : Number(value);
    case 'timestamp_ntz':
    case 'timestamp_tz':
    case 'timestamp_ltz':
    case 'date':
      return value instanceof Date ? new Date(value.getTime()) : new Date(String(value));
    case 'variant':
    case 'object':
    case 'array':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return value;
  }
}
