import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { DuckDBTableFunction } from '@duckdb/node-api';
import type { ColumnBatch } from '@orderstream/core';
import { CHUNK_ROWS, type ColumnAppender } from './column-appender.js';
import { quoteIdent } from './sql.js';

/** The column batches one `INSERT` reads, and where the scan is in them. */
interface ScanState {
  readonly appender: ColumnAppender;
  readonly types: readonly DuckDBType[];
  readonly batches: readonly ColumnBatch[];
  batch: number;
  start: number;
  /** What the scan threw, handed to the caller instead of DuckDB's wording of it. */
  error: unknown;
}

/** A connection's batch scan: the table function's name and the state of the running insert. */
interface BatchScan {
  readonly name: string;
  state: ScanState | undefined;
}

const scans = new WeakMap<DuckDBConnection, BatchScan>();
/** Table functions live in the instance's catalog, shared by its connections: one name each. */
let registered = 0;

/** Fills the next chunk of the running insert; returns its rows (0: the scan is done). */
function nextChunk(scan: BatchScan, chunk: DuckDBDataChunk): number {
  const state = scan.state;
  if (state === undefined) return 0;
  let batch = state.batches[state.batch];
  while (batch !== undefined && state.start >= batch.rowCount) {
    state.batch += 1;
    state.start = 0;
    batch = state.batches[state.batch];
  }
  if (batch === undefined) return 0;
  const count = Math.min(CHUNK_ROWS, batch.rowCount - state.start);
  state.appender.fill(chunk.chunk, batch, state.start, count);
  state.start += count;
  return count;
}

/**
 * Registers a table function on the connection that reads the column batches of the insert
 * running on it ({@link insertBatches}). Call it outside any transaction: a registration made in
 * one that rolls back is gone with it.
 */
export function registerBatchScan(conn: DuckDBConnection): void {
  if (scans.has(conn)) return;
  registered += 1;
  const scan: BatchScan = { name: `__orderstream_batches_${registered}`, state: undefined };
  conn.registerTableFunction(
    DuckDBTableFunction.create({
      name: scan.name,
      bindFunction: (info) => {
        if (scan.state === undefined) {
          info.setError(`${scan.name} reads the batches of an insert, and none is running`);
          return;
        }
        for (const [index, type] of scan.state.types.entries()) info.addResultColumn(`c${index}`, type);
      },
      // One thread: chunks come in the batches' order, and from one JS call at a time.
      initFunction: (info) => info.setMaxThreads(1),
      mainFunction: (info, output) => {
        try {
          if (nextChunk(scan, output) === 0) output.rowCount = 0;
        } catch (error) {
          if (scan.state !== undefined) scan.state.error = error;
          output.rowCount = 0;
          info.setError(error instanceof Error ? error.message : String(error));
        }
      },
    }),
  );
  scans.set(conn, scan);
}

/** Whether the connection has a batch scan ({@link registerBatchScan}) free for an insert. */
export function hasBatchScan(conn: DuckDBConnection): boolean {
  return scans.get(conn)?.state === undefined && scans.has(conn);
}

/**
 * Inserts column batches into a table with one `INSERT … SELECT` from the connection's batch scan:
 * JS fills each data chunk DuckDB asks for, and DuckDB appends it on its own thread, where the
 * appender's `appendDataChunk` and `flush` ran on the calling (the Node) thread. The batches are
 * checked first; what a chunk's encoding throws (a value out of range) is thrown as it is.
 * Check {@link hasBatchScan} first.
 */
export async function insertBatches(
  conn: DuckDBConnection,
  appender: ColumnAppender,
  types: readonly DuckDBType[],
  batches: readonly ColumnBatch[],
  target: { readonly table: string; readonly schema: string; readonly catalog?: string | undefined },
): Promise<void> {
  const scan = scans.get(conn);
  if (scan === undefined || scan.state !== undefined)
    throw new Error('insertBatches: the connection has no free batch scan');
  for (const batch of batches) appender.check(batch);
  const state: ScanState = { appender, types, batches, batch: 0, start: 0, error: undefined };
  const table = [target.catalog, target.schema, target.table]
    .filter((part) => part !== undefined)
    .map((part) => quoteIdent(part as string))
    .join('.');
  scan.state = state;
  try {
    await conn.run(`INSERT INTO ${table} SELECT * FROM ${scan.name}()`);
  } catch (error) {
    throw state.error ?? error;
  } finally {
    scan.state = undefined;
  }
}
