import { OrderstreamError } from '../errors/orderstream-error.js';
import type { ColumnType, TableDefinition } from '../schema/column-types.js';
import type { WarehouseRow } from '../schema/warehouse-row.js';

/**
 * A text or JSON column of a {@link ColumnBatch}: the UTF-8 bytes of every value, back to back.
 * Value `i` is `bytes[offsets[i] .. offsets[i + 1])`.
 */
export interface TextColumnData {
  readonly kind: 'text';
  readonly bytes: Uint8Array;
  /** `rowCount + 1` byte offsets into `bytes`. */
  readonly offsets: Int32Array;
  /** `nulls[i] === 1` when value `i` is `null`; `null` when the column holds no `null`. */
  readonly nulls: Uint8Array | null;
}

/**
 * Any other column of a {@link ColumnBatch}, as numbers: `integer`, `bigint` (safe integers only)
 * and `double` as themselves, `money` as cents, `timestamp` and `timestamptz` as epoch
 * milliseconds, `boolean` as 0 or 1.
 */
export interface NumberColumnData {
  readonly kind: 'number';
  readonly values: Float64Array;
  /** `nulls[i] === 1` when value `i` is `null`; `null` when the column holds no `null`. */
  readonly nulls: Uint8Array | null;
}

/** One column of a {@link ColumnBatch}. */
export type ColumnData = TextColumnData | NumberColumnData;

/**
 * Rows of one table stored column by column in typed arrays: what `loadHistory` hands
 * {@link Warehouse.replaceTable} instead of row objects. Its buffers can move between threads
 * without copying, and an adapter can write them to its engine without a JS value per cell.
 * An adapter that has no use for columns turns the batch into rows with {@link columnBatchRows}.
 */
export interface ColumnBatch {
  readonly kind: 'columns';
  /** The number of rows. */
  readonly rowCount: number;
  /** One entry per column of the table's definition, in its order. */
  readonly columns: readonly ColumnData[];
}

/** What {@link Warehouse.replaceTable} takes: row objects, or the same rows as a {@link ColumnBatch}. */
export type WarehouseBatch = readonly WarehouseRow[] | ColumnBatch;

/** Whether a batch is a {@link ColumnBatch} (rather than an array of rows). */
export function isColumnBatch(batch: WarehouseBatch): batch is ColumnBatch {
  return !Array.isArray(batch) && (batch as ColumnBatch).kind === 'columns';
}

const isTextType = (type: ColumnType) => type === 'text' || type === 'json';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads one value of a column as the row API writes it (cents, `Date`s, `boolean`s). */
function valueAt(column: ColumnData, type: ColumnType, index: number): unknown {
  if (column.nulls?.[index] === 1) return null;
  if (column.kind === 'text') {
    return decoder.decode(column.bytes.subarray(column.offsets[index], column.offsets[index + 1]));
  }
  const value = column.values[index] as number;
  if (type === 'timestamp' || type === 'timestamptz') return new Date(value);
  if (type === 'boolean') return value === 1;
  return value;
}

function mismatch(table: TableDefinition, message: string, cause?: unknown): OrderstreamError {
  return new OrderstreamError('CORE_INVALID_BATCH', `Column batch for ${table.name}: ${message}`, {
    details: { table: table.name },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Checks that a column batch has the shape of a table: one column per definition column, of the
 * right kind and length.
 *
 * @throws `OrderstreamError` `CORE_INVALID_BATCH` naming the table and the column
 */
export function assertColumnBatchShape(batch: ColumnBatch, table: TableDefinition): void {
  if (batch.columns.length !== table.columns.length) {
    throw mismatch(table, `${batch.columns.length} columns, the table has ${table.columns.length}`);
  }
  for (const [index, column] of batch.columns.entries()) {
    const definition = table.columns[index] as TableDefinition['columns'][number];
    const kind = isTextType(definition.type) ? 'text' : 'number';
    const length = column.kind === 'text' ? column.offsets.length - 1 : column.values.length;
    if (column.kind !== kind || length !== batch.rowCount) {
      throw mismatch(table, `column ${definition.name} is not ${kind} data of ${batch.rowCount} rows`);
    }
    if (column.nulls !== null && column.nulls.length !== batch.rowCount) {
      throw mismatch(table, `column ${definition.name} has ${column.nulls.length} null flags`);
    }
  }
}

/**
 * Turns a column batch into the row objects it stands for, as `Warehouse.replaceTable`
 * takes them: for adapters that write rows.
 *
 * @param batch - the batch
 * @param table - the table it belongs to
 * @returns one row per batch row, keyed by column name
 * @throws `OrderstreamError` `CORE_INVALID_BATCH` when the batch does not fit the table or a
 *   text value is not UTF-8
 */
export function columnBatchRows(batch: ColumnBatch, table: TableDefinition): WarehouseRow[] {
  assertColumnBatchShape(batch, table);
  const rows: WarehouseRow[] = [];
  for (let index = 0; index < batch.rowCount; index++) {
    const row: Record<string, unknown> = {};
    for (const [position, definition] of table.columns.entries()) {
      try {
        row[definition.name] = valueAt(batch.columns[position] as ColumnData, definition.type, index);
      } catch (error) {
        throw mismatch(table, `row ${index} of column ${definition.name} is not UTF-8 text`, error);
      }
    }
    rows.push(row as WarehouseRow);
  }
  return rows;
}
