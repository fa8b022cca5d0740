import type { TableDefinition } from '../schema/column-types.js';
import type { WarehouseRow } from '../schema/warehouse-row.js';
import type { ColumnBatch } from './column-batch.js';
import { columnBatchRows } from './column-batch.js';
import type { TableWrite } from './warehouse.js';

/**
 * A {@link TableWrite} made of column batches: `columns` holds them for adapters with a columnar
 * path, `rows` turns them into row objects on first read (once) for every other reader — an
 * adapter without a columnar path, or a wrapper that inspects or edits the rows.
 *
 * `columns` is not enumerable: a copy made with spread (`{ ...write, rows: edited }`) carries the
 * rows alone, so an adapter writes the edited rows rather than the batches they came from.
 *
 * @param table - the table the batches belong to (their columns in its order)
 * @param columns - the batches, in row order
 * @param mode - `append` or `upsert`, as {@link TableWrite.mode}
 * @returns the write
 * @throws `OrderstreamError` `CORE_INVALID_BATCH` from `rows` when a batch does not fit the table
 * @example
 * ```ts
 * await warehouse.writeWithOffsets([columnarTableWrite(RAW_ORDER_EVENTS, [batch], 'append')], offsets);
 * ```
 */
export function columnarTableWrite(
  table: TableDefinition,
  columns: readonly ColumnBatch[],
  mode?: TableWrite['mode'],
): TableWrite {
  let rows: WarehouseRow[] | undefined;
  const write = {
    table: table.name,
    get rows(): readonly WarehouseRow[] {
      rows ??= columns.flatMap((batch) => columnBatchRows(batch, table));
      return rows;
    },
    ...(mode === undefined ? {} : { mode }),
  };
  Object.defineProperty(write, 'columns', { value: columns, enumerable: false });
  return write as TableWrite;
}
