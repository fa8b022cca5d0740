import { isOrderstreamError } from '@orderstream/core';

/**
 * What a failed warehouse write means for the sink:
 * - `record`: the warehouse refused a value of some row (the data is at fault): the culprit is
 *   isolated and dead-lettered, the rest is written, the sink goes on;
 * - `offset-conflict`: another member of the group wrote the partitions meanwhile: drop what was
 *   taken and re-read the stored offsets;
 * - `warehouse`: the warehouse itself failed (unreachable, locked, out of disk, a bug): retried
 *   while the error is retryable, else the sink stops.
 */
export type WriteFailureKind = 'record' | 'offset-conflict' | 'warehouse';

/**
 * The codes that mean "this data does not fit", from every adapter. The one list the sink decides
 * by: an adapter that reports a refused value under one of these codes gets culprit isolation.
 */
const RECORD_CODES: ReadonlySet<string> = new Set([
  // a value does not fit its column (checked by the adapter, or a conversion error of the engine)
  'DUCKDB_INVALID_VALUE',
  'SNOWFLAKE_INVALID_VALUE',
  // a row the core mapping or a column batch cannot represent
  'CORE_VALIDATION_FAILED',
  'CORE_INVALID_BATCH',
]);

/**
 * Classifies a failed warehouse write by its error code. Foreign errors (no orderstream code) are
 * failures of the warehouse: refusing data needs a code that says so.
 *
 * @param error - what `writeWithOffsets` threw
 * @returns the kind of failure
 */
export function classifyWriteFailure(error: unknown): WriteFailureKind {
  if (!isOrderstreamError(error)) return 'warehouse';
  if (error.code === 'CORE_OFFSET_CONFLICT') return 'offset-conflict';
  return RECORD_CODES.has(error.code) ? 'record' : 'warehouse';
}
