import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ensureDirectory } from '@orderstream/core';
import { runTransaction } from '@orderstream/core/adapter';
import type { DuckDbCommitContext, ResolvedDuckDbWarehouseOptions } from '../warehouse/options.js';
import { duckDbError, openError, unwritableError } from './duckdb-error.js';
import { execSql } from './exec-sql.js';
import type { InstanceLease, OpenSettings } from './instance-registry.js';
import { leaseInstance } from './instance-registry.js';
import { SerialQueue } from './serial-queue.js';

/** One connection of the warehouse and the queue that serializes the work on it. */
export interface Lane {
  readonly connection: DuckDBConnection;
  readonly queue: SerialQueue;
  /** Staging tables created on this connection (TEMP tables belong to their connection). */
  readonly staged: Set<string>;
  /** Transactions queued or running on this connection. */
  pending: number;
}

/** The open database: its lease and every lane. */
export interface OpenLanes {
  readonly lease: InstanceLease;
  readonly writer: Lane;
  readonly readers: readonly Lane[];
  /** The connections `replaceTable` runs on, so that bulk loads run beside the writer's work. */
  readonly bulk: readonly Lane[];
}

/**
 * Connections for `replaceTable`: two, so that one table's commit (DuckDB's work, off the JS
 * thread) overlaps the next table's append.
 */
const BULK_CONNECTIONS = 2;

/**
 * Opens the database at `path` (creating its parent folder unless `:memory:`) and its lanes: one
 * writer, `readConnections` readers and the bulk lanes, each in the UTC session time zone.
 */
export async function openLanes(
  path: string,
  settings: OpenSettings,
  readConnections: number,
): Promise<OpenLanes> {
  if (path !== ':memory:') {
    await ensureDirectory(dirname(path)).catch((error: unknown) => {
      throw unwritableError(error, path);
    });
  }
  let lease: InstanceLease;
  try {
    lease = await leaseInstance(path, settings);
  } catch (error) {
    throw openError(error, path);
  }
  const lanes: Lane[] = [];
  try {
    for (let i = 0; i <= readConnections + BULK_CONNECTIONS; i += 1) {
      const connection = await lease.instance.connect();
      if (lease.attachedAs !== undefined) await connection.run(`USE ${lease.attachedAs}`);
      // Casts between TIMESTAMP and TIMESTAMPTZ keep the wall clock, whatever the host's zone.
      await connection.run("SET SESSION TimeZone = 'UTC'");
      lanes.push({ connection, queue: new SerialQueue(), staged: new Set(), pending: 0 });
    }
  } catch (error) {
    for (const lane of lanes) lane.connection.closeSync();
    lease.release();
    throw openError(error, path);
  }
  const [writer, ...others] = lanes as [Lane, ...Lane[]];
  return {
    lease,
    writer,
    readers: others.slice(0, readConnections),
    bulk: others.slice(readConnections),
  };
}

/** Waits for each lane's running statements, closes its connection, then releases the lease. */
export async function closeLanes(open: OpenLanes): Promise<void> {
  for (const lane of [open.writer, ...open.readers, ...open.bulk]) {
    await lane.queue.drain();
    lane.connection.closeSync();
  }
  open.lease.release();
}

/**
 * Runs `body` in one transaction on the writer's lane, or for `replaceTable` on the bulk lane with
 * the fewest transactions queued.
 */
export async function laneTransaction(
  open: OpenLanes,
  operation: DuckDbCommitContext['operation'],
  onBeforeCommit: ResolvedDuckDbWarehouseOptions['onBeforeCommit'],
  body: (lane: Lane) => Promise<void>,
): Promise<void> {
  // A replacement takes the bulk connection with the fewest transactions queued (a large
  // table's must not hold up a small one that could run beside it).
  const lane =
    operation === 'replaceTable'
      ? open.bulk.reduce((best, bulk) => (bulk.pending < best.pending ? bulk : best))
      : open.writer;
  lane.pending += 1;
  try {
    await lane.queue.run(async () => {
      const conn = lane.connection;
      await runTransaction(
        {
          begin: () => execSql(conn, 'BEGIN TRANSACTION', [], 'DUCKDB_TRANSACTION_FAILED'),
          commit: () => execSql(conn, 'COMMIT', [], 'DUCKDB_TRANSACTION_FAILED'),
          rollback: () => conn.run('ROLLBACK'),
          beforeCommit: () => onBeforeCommit?.({ operation }),
          // Temporary tables created in the transaction are gone with it.
          afterRollback: () => lane.staged.clear(),
          failure: (error) =>
            duckDbError('DUCKDB_TRANSACTION_FAILED', `DuckDB ${operation} failed and was rolled back`, {
              cause: error,
            }),
        },
        () => body(lane),
      );
    });
  } finally {
    lane.pending -= 1;
  }
}
