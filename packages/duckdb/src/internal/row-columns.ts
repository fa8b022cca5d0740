import type { ColumnBatch, ColumnData, TableDefinition, WarehouseRow } from '@orderstream/core';
import { acceptsColumnValue } from '@orderstream/core/adapter';

/** Rows below this many go the row way: building columns does not pay for a handful. */
export const COLUMNAR_MIN_ROWS = 64;

const isText = (type: string) => type === 'text' || type === 'json';

/**
 * Turns rows into a {@link ColumnBatch} of the table (text as UTF-8 bytes back to back, numbers
 * as cents, epoch milliseconds, 0/1), so that a write of many rows goes through the column
 * appender, the way `loadHistory` writes: one native copy per vector instead of a JS value per
 * cell.
 *
 * @param table - the table
 * @param rows - the rows, keyed by column name (every key a column of the table)
 * @returns the batch, or `undefined` when a value does not fit its column (or a bigint is beyond
 *   2^53): the caller writes rows instead, whose path reports the value with its error
 */
export function rowsToColumns(
  table: TableDefinition,
  rows: readonly WarehouseRow[],
): ColumnBatch | undefined {
  const count = rows.length;
  const columns: ColumnData[] = [];
  for (const column of table.columns) {
    const name = column.name;
    let nulls: Uint8Array | null = null;
    if (isText(column.type)) {
      let chars = 0;
      for (let row = 0; row < count; row++) {
        const value = (rows[row] as WarehouseRow)[name];
        if (typeof value === 'string') chars += value.length;
      }
      // UTF-8 takes at most 3 bytes per UTF-16 unit; start at one and grow when needed.
      let bytes = Buffer.allocUnsafeSlow(Math.max(64, chars + (chars >> 3)));
      const offsets = new Int32Array(count + 1);
      let used = 0;
      for (let row = 0; row < count; row++) {
        const value = (rows[row] as WarehouseRow)[name];
        if (value === null || value === undefined) {
          if (!column.nullable) return undefined;
          nulls ??= new Uint8Array(count);
          nulls[row] = 1;
        } else if (typeof value !== 'string') {
          return undefined;
        } else {
          if (used + value.length * 3 > bytes.length) {
            const grown = Buffer.allocUnsafeSlow(Math.max(used + value.length * 3, bytes.length * 2));
            bytes.copy(grown, 0, 0, used);
            bytes = grown;
          }
          used += bytes.write(value, used);
        }
        offsets[row + 1] = used;
      }
      columns.push({ kind: 'text', bytes: bytes.subarray(0, used), offsets, nulls });
      continue;
    }
    const values = new Float64Array(count);
    for (let row = 0; row < count; row++) {
      const value = (rows[row] as WarehouseRow)[name];
      if (value === null || value === undefined) {
        if (!column.nullable) return undefined;
        nulls ??= new Uint8Array(count);
        nulls[row] = 1;
        continue;
      }
      if (!acceptsColumnValue(column.type, value)) return undefined;
      if (value instanceof Date) values[row] = value.getTime();
      else if (typeof value === 'boolean') values[row] = value ? 1 : 0;
      else {
        const number = Number(value);
        if (!Number.isSafeInteger(number) && column.type !== 'double') return undefined;
        values[row] = number;
      }
    }
    columns.push({ kind: 'number', values, nulls });
  }
  return { kind: 'columns', rowCount: count, columns };
}
