import type { ColumnDefinition, QueryParam } from '@orderstream/core';
import { formatCents } from '@orderstream/core';
import { snowflakeError } from './snowflake-error.js';

const INTEGER = /^-?\d+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

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

function iso(date: Date, table: string, column: ColumnDefinition): string {
  if (Number.isNaN(date.getTime())) invalid(table, column, date);
  return date.toISOString();
}

/** The converter of one column to text, chosen once per column rather than per value. */
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
        if (typeof value === 'bigint') return value.toString();
        return invalid(table, column, value);
      });
    case 'double':
      // String(n) is the shortest text that parses back to the same double.
      return orNull((value) =>
        typeof value === 'number' && Number.isFinite(value) ? String(value) : invalid(table, column, value),
      );
    case 'money':
      return orNull((value) =>
        typeof value === 'number' && Number.isSafeInteger(value)
          ? formatCents(value)
          : invalid(table, column, value),
      );
    case 'timestamp':
      // The wall clock, written as UTC, without a zone: 2017-10-02 10:56:33.000
      return orNull((value) =>
        value instanceof Date
          ? iso(value, table, column).slice(0, 23).replace('T', ' ')
          : invalid(table, column, value),
      );
    case 'timestamptz':
      return orNull((value) =>
        value instanceof Date ? iso(value, table, column) : invalid(table, column, value),
      );
    case 'boolean':
      return orNull((value) =>
        typeof value === 'boolean' ? (value ? 'true' : 'false') : invalid(table, column, value),
      );
  }
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
