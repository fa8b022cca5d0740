import type { ReplaceTableOptions, WarehouseBatch } from '@orderstream/core';
import { columnBatchRows, isColumnBatch, SourceFailure } from '@orderstream/core/adapter';
import { appendFailure, appendRows } from './append-rows.js';
import { applyWrite } from './apply-write.js';
import { ColumnAppender } from './column-appender.js';
import { execSql } from './exec-sql.js';
import type { Lane } from './lane.js';
import { quoteIdent } from './sql.js';
import type { TableCatalog } from './table-catalog.js';
import { tableColumn } from './table-catalog.js';

/**
 * The body of `replaceTable` inside the lane's open transaction: `DELETE`, the appender straight
 * into the table, then `alsoDelete` and `alsoWrite`.
 *
 * @returns the number of rows written
 */
export async function replaceTableRows(
  lane: Lane,
  catalog: TableCatalog,
  table: string,
  batches: AsyncIterable<WarehouseBatch>,
  options: ReplaceTableOptions,
): Promise<number> {
  const definition = catalog.table(table);
  const conn = lane.connection;
  let rows = 0;
  await execSql(conn, `DELETE FROM ${catalog.qualify(table)}`);
  const layout = await catalog.layout(conn, table);
  const appender = await conn.createAppender(table, catalog.schema);
  try {
    const types = layout.map((_, index) => appender.columnType(index));
    // Column batches are copied vector by vector; rows when the table's types are not current.
    const columnar = ColumnAppender.create(definition, layout, types);
    const iterator = batches[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<WarehouseBatch>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new SourceFailure(error);
      }
      if (next.done) break;
      const batch = next.value;
      try {
        if (!isColumnBatch(batch)) appendRows(appender, definition, layout, types, batch);
        else if (columnar) columnar.append(appender, batch);
        else appendRows(appender, definition, layout, types, columnBatchRows(batch, definition));
      } catch (error) {
        // Let the source release its files before the rollback.
        await iterator.return?.().catch(() => undefined);
        throw error;
      }
      rows += isColumnBatch(batch) ? batch.rowCount : batch.length;
      options.onProgress?.(rows);
    }
    appender.flushSync();
  } catch (error) {
    throw appendFailure(error, table);
  } finally {
    try {
      appender.closeSync();
    } catch {
      // Already failed above; the transaction is rolled back.
    }
  }
  for (const removal of options.alsoDelete ?? []) {
    const target = catalog.table(removal.table);
    const entries = Object.entries(removal.where);
    for (const [column] of entries) tableColumn(target, column);
    const predicate =
      entries.length === 0
        ? 'TRUE'
        : entries.map(([column]) => `${quoteIdent(column)} IS NOT DISTINCT FROM ?`).join(' AND ');
    await execSql(
      conn,
      `DELETE FROM ${catalog.qualify(target.name)} WHERE ${predicate}`,
      entries.map(([, value]) => value),
    );
  }
  const alsoWrite = typeof options.alsoWrite === 'function' ? options.alsoWrite({ rows }) : options.alsoWrite;
  for (const write of alsoWrite ?? []) await applyWrite(lane, catalog, write);
  return rows;
}
