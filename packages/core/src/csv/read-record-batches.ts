import type { OlistTableKey } from '../schema/olist-tables.js';
import { FileBytes } from './file-bytes.js';
import {
  type ReadRecordOptions,
  type RecordBatch,
  RecordBatcher,
  type RowCollector,
} from './record-batcher.js';
import { splitCsvRecords } from './record-splitter.js';

/**
 * The reader behind `readOlistCsv`, with the valid rows gathered by a {@link RowCollector}.
 * Internal: the loader uses it to build column batches.
 */
export async function* readRecordBatches<K extends OlistTableKey, T>(
  table: K,
  path: string,
  options: ReadRecordOptions,
  collector: RowCollector<T>,
): AsyncGenerator<RecordBatch<T>> {
  const { maxRecordLength, signal } = options;
  const source = await FileBytes.open(path, options, 256 * 1024);
  const batcher = new RecordBatcher(table, path, options, collector);
  try {
    for await (const run of splitCsvRecords(source.rest(0), maxRecordLength)) {
      signal?.throwIfAborted();
      for (const item of run) {
        const last = !batcher.push(item);
        if (batcher.full) {
          yield batcher.take(source.bytesRead);
          signal?.throwIfAborted();
        }
        if (last) break;
      }
    }
  } finally {
    await source.close();
  }
  batcher.finish();
  if (!batcher.empty) yield batcher.take(source.bytesRead);
}
