/**
 * `@orderstream/core/adapter`: the kit for authors of a `Warehouse` adapter (the DuckDB and
 * Snowflake packages use it): option resolution and retries as the rest of orderstream does them,
 * column batches turned into rows, value checks, the offset fence of `writeWithOffsets`, and the
 * pieces every SQL adapter repeats (identifier quoting, the transaction skeleton, the
 * `sink_offsets` rows). Applications do not need it: `@orderstream/core` has what they use.
 *
 * @example
 * ```ts
 * import { assertExpectedOffsets, columnBatchRows, isColumnBatch } from '@orderstream/core/adapter';
 *
 * for await (const batch of batches) {
 *   const rows = isColumnBatch(batch) ? columnBatchRows(batch, definition) : batch;
 *   // … write rows
 * }
 * ```
 *
 * @packageDocumentation
 */

export { resolveOptions } from '../options/resolve-options.js';
export type { RetryOptions } from '../retry/with-retry.js';
export { withRetry } from '../retry/with-retry.js';
export { acceptsColumnValue } from '../schema/column-types.js';
export { assertColumnBatchShape, columnBatchRows, isColumnBatch } from '../warehouse/column-batch.js';
export { assertExpectedOffsets } from '../warehouse/warehouse.js';
export type { TransactionSteps } from './run-transaction.js';
export { runTransaction } from './run-transaction.js';
export type { StoredOffsetRow } from './sink-offset-rows.js';
export { partitionOffsets, sinkOffsetRows } from './sink-offset-rows.js';
export { SourceFailure } from './source-failure.js';
export { quoteIdentifier, quoteStringLiteral } from './sql-quoting.js';
