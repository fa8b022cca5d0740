import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import type {
  PartitionOffset,
  QueryParam,
  ReplaceTableOptions,
  TableWrite,
  Warehouse,
  WarehouseBatch,
} from '@orderstream/core';
import { ensureDirectory, OrderstreamError, SINK_OFFSETS } from '@orderstream/core';
import {
  assertExpectedOffsets,
  partitionOffsets,
  resolveOptions,
  sinkOffsetRows,
} from '@orderstream/core/adapter';
import { applyWrite } from '../internal/apply-write.js';
import { checkAlias, copySchema } from '../internal/copy-schema.js';
import { duckDbError, openError, queryError, unwritableError } from '../internal/duckdb-error.js';
import { execSql } from '../internal/exec-sql.js';
import type { Lane, OpenLanes } from '../internal/lane.js';
import { closeLanes, laneTransaction, openLanes } from '../internal/lane.js';
import { replaceTableRows } from '../internal/replace-table-rows.js';
import { createTableSql, quoteIdent, quoteLiteral } from '../internal/sql.js';
import { TableCatalog } from '../internal/table-catalog.js';
import { bindValue, readValue } from '../internal/values.js';
import { DUCKDB_COLUMN_TYPES } from './duckdb-column-types.js';
import type {
  DuckDbAttachOptions,
  DuckDbCommitContext,
  DuckDbWarehouseOptions,
  ResolvedDuckDbWarehouseOptions,
} from './options.js';
import { duckDbWarehouseOptionsSchema } from './options.js';

/**
 * The embedded DuckDB {@link Warehouse}: one database file (or memory), the RAW tables in one
 * schema, a single serialized writer connection and a small pool of reader connections, so the
 * dashboard reads while the sink or the loader writes. Readers see committed data only (MVCC).
 *
 * Bulk writes go through DuckDB's appender in data chunks of 2048 rows. Upserts stage rows in a
 * temporary table and then, in the same transaction, delete the staged keys from the target and
 * insert the staged rows (the last one per key); tables carry no PRIMARY KEY constraint (see
 * `DUCKDB_COLUMN_TYPES` for the type mapping).
 *
 * @example
 * ```ts
 * const warehouse = new DuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * await warehouse.migrate();
 * const rows = await warehouse.query('select count(*) as n from raw.olist_orders');
 * await warehouse.close();
 * ```
 */
export class DuckDbWarehouse implements Warehouse {
  /** Always `duckdb`. */
  readonly dialect = 'duckdb';
  /** The resolved options. */
  readonly options: ResolvedDuckDbWarehouseOptions;
  #opening: Promise<OpenLanes> | undefined;
  #closing: Promise<void> | undefined;
  readonly #catalog: TableCatalog;
  #nextReader = 0;

  /**
   * @param options - file, schema, connections; validated here
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when an option is invalid
   */
  constructor(options: DuckDbWarehouseOptions = {}) {
    this.options = resolveOptions('DuckDbWarehouse', duckDbWarehouseOptionsSchema, options);
    this.#catalog = new TableCatalog(this.options.schema, this.options.tables);
  }

  /** The database file's absolute path, or `:memory:`. */
  get path(): string {
    return this.options.path === ':memory:' ? ':memory:' : resolve(this.options.path);
  }

  /**
   * Opens the database (creating its parent folder) and the connections. Called by every other
   * method; call it yourself to surface a locked or unreadable file early. Idempotent.
   *
   * @throws `OrderstreamError` `DUCKDB_LOCKED` (retryable) when another process holds the file,
   *   `DUCKDB_FILE_UNREADABLE` when it is not a DuckDB database, `DUCKDB_FILE_UNWRITABLE` when its
   *   folder cannot be created or written, `DUCKDB_OPEN_FAILED` otherwise
   */
  async open(): Promise<void> {
    await this.#open();
  }

  #open(): Promise<OpenLanes> {
    if (this.#closing) {
      return Promise.reject(duckDbError('DUCKDB_CLOSED', `The DuckDB warehouse ${this.path} is closed`));
    }
    this.#opening ??= openLanes(
      this.path,
      { config: this.options.config, rowGroupSize: this.options.rowGroupSize },
      this.options.readConnections,
    ).catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  /**
   * Creates the schema and every managed table, and adds columns a newer definition has. Idempotent.
   *
   * @throws `OrderstreamError` `DUCKDB_TRANSACTION_FAILED` when a statement fails
   */
  async migrate(): Promise<void> {
    const { writer } = await this.#open();
    const schema = this.options.schema;
    await writer.queue.run(async () => {
      const conn = writer.connection;
      await execSql(conn, 'BEGIN TRANSACTION');
      try {
        await execSql(conn, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
        for (const table of Object.values(this.options.tables)) {
          await execSql(conn, createTableSql(schema, table));
          const existing = await this.#catalog.physicalColumns(conn, table.name);
          for (const column of table.columns) {
            if (existing.includes(column.name)) continue;
            await execSql(
              conn,
              `ALTER TABLE ${this.qualify(table.name)} ADD COLUMN ${quoteIdent(column.name)} ${DUCKDB_COLUMN_TYPES[column.type]}`,
            );
          }
        }
        await execSql(conn, 'COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      this.#catalog.clearLayouts();
    });
  }

  /**
   * The quoted, schema-qualified name of a table, e.g. `"raw"."olist_orders"`.
   *
   * @param table - a table's name
   * @returns the SQL identifier
   */
  qualify(table: string): string {
    return this.#catalog.qualify(table);
  }

  /**
   * Writes rows to one or more tables in one transaction (upsert on the natural key by default).
   *
   * @param writes - rows per table
   * @throws `OrderstreamError` `DUCKDB_TRANSACTION_FAILED` (rolled back; retryable on a write
   *   conflict), `DUCKDB_UNKNOWN_TABLE`, `DUCKDB_UNKNOWN_COLUMN` or `DUCKDB_INVALID_VALUE`
   */
  async write(writes: readonly TableWrite[]): Promise<void> {
    await this.#transaction('write', async (lane) => {
      for (const write of writes) await applyWrite(lane, this.#catalog, write);
    });
  }

  /**
   * Writes rows and the sink's offsets (into `sink_offsets`) in one transaction.
   *
   * @param writes - rows per table
   * @param offsets - the next offset to read per partition
   * @throws `OrderstreamError` as {@link DuckDbWarehouse.write}; neither rows nor offsets are written
   */
  async writeWithOffsets(writes: readonly TableWrite[], offsets: readonly PartitionOffset[]): Promise<void> {
    const updatedAt = this.options.clock();
    const offsetRows = sinkOffsetRows(offsets, updatedAt);
    await this.#transaction('writeWithOffsets', async (lane) => {
      await this.#checkExpectedOffsets(lane.connection, offsets);
      for (const write of writes) await applyWrite(lane, this.#catalog, write);
      if (offsetRows.length > 0)
        await applyWrite(lane, this.#catalog, { table: SINK_OFFSETS.name, rows: offsetRows });
    });
  }

  /** The fence of `writeWithOffsets`: reads the stored offsets inside the transaction and compares. */
  async #checkExpectedOffsets(conn: DuckDBConnection, offsets: readonly PartitionOffset[]): Promise<void> {
    const fenced = offsets.filter((offset) => offset.expectedNextOffset !== undefined);
    const first = fenced[0];
    if (first === undefined) return;
    const sql = `SELECT "partition", CAST(next_offset AS VARCHAR) AS next_offset FROM ${this.qualify(SINK_OFFSETS.name)} WHERE consumer_group = ? AND topic = ?`;
    const params = [first.consumerGroup, first.topic];
    let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
    try {
      reader = await conn.runAndReadAll(sql, params);
    } catch (error) {
      throw queryError(error, sql, params, 'DUCKDB_TRANSACTION_FAILED');
    }
    const stored = new Map<number, string>();
    for (const [partition, nextOffset] of reader.getRows()) stored.set(Number(partition), String(nextOffset));
    assertExpectedOffsets(fenced, stored);
  }

  /**
   * Reads the stored offsets of a consumer group on a topic.
   *
   * @param consumerGroup - the sink's group id
   * @param topic - the topic
   * @returns one entry per stored partition, by partition
   * @throws `OrderstreamError` `DUCKDB_QUERY_FAILED`
   */
  async readOffsets(consumerGroup: string, topic: string): Promise<PartitionOffset[]> {
    const rows = await this.query<{ partition: number; next_offset: string; topic_id: string | null }>(
      `SELECT "partition", CAST(next_offset AS VARCHAR) AS next_offset, topic_id FROM ${this.qualify(SINK_OFFSETS.name)} WHERE consumer_group = ? AND topic = ? ORDER BY "partition"`,
      [consumerGroup, topic],
    );
    return partitionOffsets(consumerGroup, topic, rows);
  }

  /**
   * Replaces a table's rows with the streamed batches in one transaction: `DELETE`, then the
   * appender straight into the table, then `alsoDelete` and `alsoWrite`, then `COMMIT`. Readers
   * keep seeing the old rows until the commit.
   *
   * Runs on one of two connections of its own, not the writer's: two replacements of different
   * tables run side by side (one commits while the other appends), and neither waits for, nor
   * holds up, `write` and `writeWithOffsets`. Two replacements of the *same* table at once
   * conflict, and the second fails with `DUCKDB_TRANSACTION_FAILED`.
   *
   * @param table - the table to replace
   * @param batches - the new rows
   * @param options - writes that commit with the replacement, and a progress callback
   * @returns the number of rows written
   * @throws the error of `batches` unchanged (after the rollback); otherwise `OrderstreamError`
   *   `DUCKDB_TRANSACTION_FAILED`, `DUCKDB_UNKNOWN_TABLE`, `DUCKDB_UNKNOWN_COLUMN`, `DUCKDB_INVALID_VALUE`
   */
  async replaceTable(
    table: string,
    batches: AsyncIterable<WarehouseBatch>,
    options: ReplaceTableOptions = {},
  ): Promise<{ rows: number }> {
    this.#catalog.table(table);
    let rows = 0;
    await this.#transaction('replaceTable', async (lane) => {
      rows = await replaceTableRows(lane, this.#catalog, table, batches, options);
    });
    return { rows };
  }

  /**
   * Runs DuckDB's `CHECKPOINT`: what is committed moves from the write-ahead log into the
   * database file now, not at close or once the log reaches `checkpoint_threshold`. It runs beside
   * open transactions (a bulk load still appending), on the writer's connection after the writes
   * queued there.
   *
   * @throws `OrderstreamError` `DUCKDB_TRANSACTION_FAILED` when DuckDB cannot checkpoint
   */
  async checkpoint(): Promise<void> {
    const { writer } = await this.#open();
    await writer.queue.run(() => execSql(writer.connection, 'CHECKPOINT', [], 'DUCKDB_TRANSACTION_FAILED'));
  }

  /**
   * Sets DuckDB's `memory_limit` for the instance (shared by every warehouse of this process on
   * the same file). Without it DuckDB allows itself 80 % of the machine's memory, and keeps the
   * blocks a long-running stream writes cached up to that: a sink's memory grew with its file.
   *
   * @param bytes - the limit, in bytes (rounded down to whole KiB, at least 1 MiB)
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when `bytes` is not a positive number,
   *   `DUCKDB_QUERY_FAILED` when DuckDB refuses it
   */
  async limitMemory(bytes: number): Promise<void> {
    if (!Number.isFinite(bytes) || bytes <= 0) {
      throw new OrderstreamError(
        'CORE_INVALID_OPTIONS',
        `DuckDbWarehouse.limitMemory: bytes must be a positive number of bytes, got ${bytes}`,
        { details: { field: 'bytes' } },
      );
    }
    const { writer } = await this.#open();
    const kib = Math.max(1024, Math.floor(bytes / 1024));
    await writer.queue.run(() =>
      execSql(writer.connection, `SET GLOBAL memory_limit = '${kib}KiB'`, [], 'DUCKDB_QUERY_FAILED'),
    );
  }

  /**
   * Runs a read query with `?` parameters on one of the reader connections.
   *
   * @param sql - the statement; never interpolate input into it
   * @param params - values for the `?` placeholders
   * @returns rows keyed by lower-case column name, values converted per `DUCKDB_COLUMN_TYPES`
   * @throws `OrderstreamError` `DUCKDB_QUERY_FAILED` with `details.sql` (never the parameters),
   *   `DUCKDB_CLOSED` after {@link DuckDbWarehouse.close}
   */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: readonly QueryParam[] = [],
  ): Promise<R[]> {
    const { readers } = await this.#open();
    const lane = readers[this.#nextReader % readers.length] as Lane;
    this.#nextReader += 1;
    return lane.queue.run(async () => {
      let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
      try {
        reader =
          params.length === 0
            ? await lane.connection.runAndReadAll(sql)
            : await lane.connection.runAndReadAll(sql, params.map(bindValue));
      } catch (error) {
        throw queryError(error, sql, params);
      }
      const names = reader.columnNames().map((name) => name.toLowerCase());
      const types = reader.columnTypes();
      return reader.getRows().map((values) => {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i += 1) {
          row[names[i] as string] = readValue(values[i] ?? null, types[i] as DuckDBType);
        }
        return row as R;
      });
    });
  }

  /**
   * Copies the RAW schema (every managed table) into another DuckDB file, as one consistent
   * snapshot: the copy runs in one transaction between two writes, so it never holds half a write.
   * The file is created (with its folder) when missing; tables already there are replaced; it is
   * detached afterwards, so another process (dbt) may open it.
   *
   * @param path - the target database file
   * @throws `OrderstreamError` `DUCKDB_LOCKED` (retryable) when another process holds the target,
   *   `DUCKDB_TRANSACTION_FAILED` when the copy fails (the target keeps its previous tables)
   * @example
   * ```ts
   * await warehouse.copyRawSchemaTo('./data/analytics.duckdb');
   * ```
   */
  async copyRawSchemaTo(path: string): Promise<void> {
    const { writer } = await this.#open();
    const target = resolve(path);
    await ensureDirectory(dirname(target)).catch((error: unknown) => {
      throw unwritableError(error, target);
    });
    await writer.queue.run(() => copySchema(writer.connection, this.#catalog, target));
  }

  /**
   * Attaches another DuckDB file under `alias`, visible to every connection of this warehouse
   * (e.g. dbt's marts, read by the dashboard as `alias.schema.table`).
   *
   * @param path - the database file
   * @param alias - the catalog name to give it (a plain identifier)
   * @param options - `readOnly` to attach it read-only
   * @throws `OrderstreamError` `DUCKDB_LOCKED` (retryable), `DUCKDB_FILE_UNREADABLE`, `DUCKDB_OPEN_FAILED`
   * @example
   * ```ts
   * await warehouse.attachDatabase('./data/analytics.duckdb', 'analytics', { readOnly: true });
   * ```
   */
  async attachDatabase(path: string, alias: string, options: DuckDbAttachOptions = {}): Promise<void> {
    const { writer } = await this.#open();
    const target = resolve(path);
    const sql = `ATTACH ${quoteLiteral(target)} AS ${quoteIdent(checkAlias(alias))}${options.readOnly ? ' (READ_ONLY)' : ''}`;
    await writer.queue.run(async () => {
      try {
        await writer.connection.run(sql);
      } catch (error) {
        throw openError(error, target);
      }
    });
  }

  /**
   * Detaches a database attached with {@link DuckDbWarehouse.attachDatabase}; nothing happens when
   * none is attached under `alias`.
   *
   * @param alias - the catalog name it was given
   * @throws `OrderstreamError` `DUCKDB_QUERY_FAILED`
   */
  async detachDatabase(alias: string): Promise<void> {
    const { writer } = await this.#open();
    await writer.queue.run(() =>
      execSql(
        writer.connection,
        `DETACH DATABASE IF EXISTS ${quoteIdent(checkAlias(alias))}`,
        [],
        'DUCKDB_QUERY_FAILED',
      ),
    );
  }

  /**
   * Waits for running statements, then closes the connections and, with the last user of the file,
   * the database (releasing its lock). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const opening = this.#opening;
      if (!opening) return;
      let open: OpenLanes;
      try {
        open = await opening;
      } catch {
        return;
      }
      await closeLanes(open);
    })();
    return this.#closing;
  }

  /** Runs `body` in one transaction on the writer's connection, or on a bulk one for `replaceTable`. */
  async #transaction(operation: DuckDbCommitContext['operation'], body: (lane: Lane) => Promise<void>) {
    const open = await this.#open();
    await laneTransaction(open, operation, this.options.onBeforeCommit, body);
  }
}

/**
 * Creates a {@link DuckDbWarehouse} and opens it, so a locked or unreadable file fails here.
 *
 * @param options - file, schema, connections
 * @returns the open warehouse (call `migrate()` before the first write)
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, `DUCKDB_LOCKED` (retryable),
 *   `DUCKDB_FILE_UNREADABLE`, `DUCKDB_OPEN_FAILED`
 * @example
 * ```ts
 * const warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * await warehouse.migrate();
 * ```
 */
export async function createDuckDbWarehouse(options: DuckDbWarehouseOptions = {}): Promise<DuckDbWarehouse> {
  const warehouse = new DuckDbWarehouse(options);
  await warehouse.open();
  return warehouse;
}
