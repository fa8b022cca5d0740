import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { ColumnDefinition, TableDefinition, WarehouseBatch } from '@orderstream/core';
import { isOrderstreamError } from '@orderstream/core';
import { columnBatchRows, isColumnBatch, SourceFailure } from '@orderstream/core/adapter';
import { csvLine } from './csv-text.js';
import { snowflakeError } from './snowflake-error.js';
import { checkColumns } from './table-lookup.js';
import { textWriter } from './values.js';

/**
 * Writes the batches to a CSV file in the adapter's bulk format (a header of upper-case column
 * names, then one line per row), reporting the rows written so far.
 *
 * @returns the number of rows written
 * @throws `SourceFailure` around an error of `batches`; `OrderstreamError`
 *   `SNOWFLAKE_BULK_LOAD_FAILED` when the file cannot be written
 */
export async function writeLoadCsv(
  file: string,
  definition: TableDefinition,
  batches: AsyncIterable<WarehouseBatch>,
  onProgress: ((rows: number) => void) | undefined,
): Promise<number> {
  const writers = definition.columns.map((column) => textWriter(definition.name, column));
  const out = createWriteStream(file, { encoding: 'utf8' });
  const closed = once(out, 'close');
  // A write error rejects `closed` before it is awaited; it is rethrown where awaited below.
  closed.catch(() => undefined);
  let rows = 0;
  try {
    out.write(csvLine(definition.columns.map((column) => column.name.toUpperCase())));
    const iterator = batches[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<WarehouseBatch>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new SourceFailure(error);
      }
      if (next.done) break;
      const batch = isColumnBatch(next.value) ? columnBatchRows(next.value, definition) : next.value;
      let text = '';
      for (const row of batch) {
        checkColumns(definition, row);
        text += csvLine(
          writers.map((write, index) => write(row[(definition.columns[index] as ColumnDefinition).name])),
        );
      }
      if (!out.write(text)) await once(out, 'drain');
      rows += batch.length;
      onProgress?.(rows);
    }
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    if (error instanceof SourceFailure || isOrderstreamError(error)) throw error;
    throw snowflakeError('SNOWFLAKE_BULK_LOAD_FAILED', `Writing the load file of ${definition.name} failed`, {
      cause: error,
      details: { table: definition.name },
    });
  }
  out.end();
  await closed;
  return rows;
}
