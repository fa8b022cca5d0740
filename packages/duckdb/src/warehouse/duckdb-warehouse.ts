import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { DuckDBDataChunk } from '@duckdb/node-api';
import type {
  ColumnDefinition,
  PartitionOffset,
  QueryParam,
  ReplaceTableOptions,
  TableDefinition,
  TableWrite,
  Warehouse,
  WarehouseBatch,
  WarehouseRow,
  WarehouseValue,
} from '@orderstream/core';
import { ensureDirectory, isOrderstreamError, SINK_OFFSETS } from '@orderstream/core';
import {
  assertExpectedOffsets,
  columnBatchRows,
  isColumnBatch,
  partitionOffsets,
  resolveOptions,
  runTransaction,
  SourceFailure,
  sinkOffsetRows,
} from '@orderstream/core/adapter';
import { CHUNK_ROWS, ColumnAppender } from '../internal/column-appender.js';
import { duckDbError, openError, queryError, unwritableError } from '../internal/duckdb-error.js';
import type { InstanceLease } from '../internal/instance-registry.js';
import { leaseInstance } from '../internal/instance-registry.js';
import { COLUMNAR_MIN_ROWS, rowsToColumns } from '../internal/row-columns.js';
import { SerialQueue } from '../internal/serial-queue.js';
import { createStagingSql, createTableSql, quoteIdent, quoteLiteral } from '../internal/sql.js';
import { bindValue, readValue, valueWriter } from '../internal/values.js';
import { DUCKDB_COLUMN_TYPES } from './duckdb-column-types.js';
import type {
  DuckDbAttachOptions,
  DuckDbCommitContext,
  DuckDbWarehouseOptions,
  ResolvedDuckDbWarehouseOptions,
} from './options.js';
import { duckDbWarehouseOptionsSchema } from './options.js';

interface Lane {
  readonly connection: DuckDBConnection;
  readonly queue: SerialQueue;
  /** Staging tables created on this connection (TEMP tables belong to their connection). */
  readonly staged: Set<string>;
  /** Transactions queued or running on this connection. */
  pending: number;
}

interface Open {
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

const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkAlias(alias: string): string {
  if (!ALIAS.test(alias)) {
    throw duckDbError(
      'DUCKDB_QUERY_FAILED',
      `"${alias}" is not a plain identifier for an attached database`,
      {
        details: { alias },
      },
    );
  }
  return alias;
}

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
  #opening: Promise<Open> | undefined;
  #closing: Promise<void> | undefined;
  #layouts = new Map<string, readonly (ColumnDefinition | undefined)[]>();
  #nextReader = 0;

  /**
   * @param options - file, schema, connections; validated here
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when an option is invalid
   */
  constructor(options: DuckDbWarehouseOptions = {}) {
    this.options = resolveOptions('DuckDbWarehouse', duckDbWarehouseOptionsSchema, options);
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

  #open(): Promise<Open> {
    if (this.#closing) {
      return Promise.reject(duckDbError('DUCKDB_CLOSED', `The DuckDB warehouse ${this.path} is closed`));
    }
    this.#opening ??= this.#connect();
    return this.#opening;
  }

  async #connect(): Promise<Open> {
    const path = this.path;
    if (path !== ':memory:') {
      await ensureDirectory(dirname(path)).catch((error: unknown) => {
        this.#opening = undefined;
        throw unwritableError(error, path);
      });
    }
    let lease: InstanceLease;
    try {
      lease = await leaseInstance(path, this.options.config);
    } catch (error) {
      this.#opening = undefined;
      throw openError(error, path);
    }
    const lanes: Lane[] = [];
    try {
      for (let i = 0; i <= this.options.readConnections + BULK_CONNECTIONS; i += 1) {
        const connection = await lease.instance.connect();
        // Casts between TIMESTAMP and TIMESTAMPTZ keep the wall clock, whatever the host's zone.
        await connection.run("SET SESSION TimeZone = 'UTC'");
        lanes.push({ connection, queue: new SerialQueue(), staged: new Set(), pending: 0 });
      }
    } catch (error) {
      for (const lane of lanes) lane.connection.closeSync();
      lease.release();
      this.#opening = undefined;
      throw openError(error, path);
    }
    const [writer, ...others] = lanes as [Lane, ...Lane[]];
    return {
      lease,
      writer,
      readers: others.slice(0, this.options.readConnections),
      bulk: others.slice(this.options.readConnections),
    };
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
      await this.#exec(conn, 'BEGIN TRANSACTION');
      try {
        await this.#exec(conn, `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
        for (const table of Object.values(this.options.tables)) {
          await this.#exec(conn, createTableSql(schema, table));
          const existing = await this.#physicalColumns(conn, table.name);
          for (const column of table.columns) {
            if (existing.includes(column.name)) continue;
            await this.#exec(
              conn,
              `ALTER TABLE ${this.qualify(table.name)} ADD COLUMN ${quoteIdent(column.name)} ${DUCKDB_COLUMN_TYPES[column.type]}`,
            );
          }
        }
        await this.#exec(conn, 'COMMIT');
      } catch (error) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      this.#layouts.clear();
    });
  }

  /**
   * The quoted, schema-qualified name of a table, e.g. `"raw"."olist_orders"`.
   *
   * @param table - a table's name
   * @returns the SQL identifier
   */
  qualify(table: string): string {
    return `${quoteIdent(this.options.schema)}.${quoteIdent(table)}`;
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
      for (const write of writes) await this.#applyWrite(lane, write);
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
      for (const write of writes) await this.#applyWrite(lane, write);
      if (offsetRows.length > 0) await this.#applyWrite(lane, { table: SINK_OFFSETS.name, rows: offsetRows });
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
    const definition = this.#table(table);
    let rows = 0;
    await this.#transaction('replaceTable', async (lane) => {
      const conn = lane.connection;
      rows = 0;
      await this.#exec(conn, `DELETE FROM ${this.qualify(table)}`);
      const layout = await this.#layout(conn, table);
      const appender = await conn.createAppender(table, this.options.schema);
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
            if (!isColumnBatch(batch)) this.#append(appender, definition, layout, types, batch);
            else if (columnar) columnar.append(appender, batch);
            else this.#append(appender, definition, layout, types, columnBatchRows(batch, definition));
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
        throw this.#appendFailure(error, table);
      } finally {
        try {
          appender.closeSync();
        } catch {
          // Already failed above; the transaction is rolled back.
        }
      }
      for (const removal of options.alsoDelete ?? []) {
        const target = this.#table(removal.table);
        const entries = Object.entries(removal.where);
        for (const [column] of entries) this.#column(target, column);
        const predicate =
          entries.length === 0
            ? 'TRUE'
            : entries.map(([column]) => `${quoteIdent(column)} IS NOT DISTINCT FROM ?`).join(' AND ');
        await this.#exec(
          conn,
          `DELETE FROM ${this.qualify(target.name)} WHERE ${predicate}`,
          entries.map(([, value]) => value),
        );
      }
      const alsoWrite =
        typeof options.alsoWrite === 'function' ? options.alsoWrite({ rows }) : options.alsoWrite;
      for (const write of alsoWrite ?? []) await this.#applyWrite(lane, write);
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
    await writer.queue.run(() =>
      this.#exec(writer.connection, 'CHECKPOINT', [], 'DUCKDB_TRANSACTION_FAILED'),
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
    const alias = quoteIdent('__orderstream_copy');
    const schema = quoteIdent(this.options.schema);
    await writer.queue.run(async () => {
      const conn = writer.connection;
      try {
        await conn.run(`ATTACH ${quoteLiteral(target)} AS ${alias}`);
      } catch (error) {
        throw openError(error, target);
      }
      try {
        await this.#exec(conn, 'BEGIN TRANSACTION');
        try {
          await this.#exec(conn, `CREATE SCHEMA IF NOT EXISTS ${alias}.${schema}`);
          for (const table of Object.keys(this.options.tables)) {
            await this.#exec(
              conn,
              `CREATE OR REPLACE TABLE ${alias}.${schema}.${quoteIdent(table)} AS SELECT * FROM ${this.qualify(table)}`,
            );
          }
          await this.#exec(conn, 'COMMIT');
        } catch (error) {
          await conn.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        await conn.run(`DETACH DATABASE IF EXISTS ${alias}`).catch(() => undefined);
      }
    });
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
      this.#exec(
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
      let open: Open;
      try {
        open = await opening;
      } catch {
        return;
      }
      for (const lane of [open.writer, ...open.readers, ...open.bulk]) {
        await lane.queue.drain();
        lane.connection.closeSync();
      }
      open.lease.release();
    })();
    return this.#closing;
  }

  /** Runs `body` in one transaction on the writer's connection, or on a bulk one for `replaceTable`. */
  async #transaction(operation: DuckDbCommitContext['operation'], body: (lane: Lane) => Promise<void>) {
    const open = await this.#open();
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
            begin: () => this.#exec(conn, 'BEGIN TRANSACTION', [], 'DUCKDB_TRANSACTION_FAILED'),
            commit: () => this.#exec(conn, 'COMMIT', [], 'DUCKDB_TRANSACTION_FAILED'),
            rollback: () => conn.run('ROLLBACK'),
            beforeCommit: () => this.options.onBeforeCommit?.({ operation }),
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

  async #applyWrite(lane: Lane, write: TableWrite): Promise<void> {
    const conn = lane.connection;
    const definition = this.#table(write.table);
    if (write.rows.length === 0) return;
    const upsert = (write.mode ?? 'upsert') === 'upsert' && definition.key.length > 0;
    const columns = definition.columns.map((column) => quoteIdent(column.name)).join(', ');
    if (!upsert) {
      const layout = await this.#layout(conn, definition.name);
      await this.#appendAll(conn, definition, layout, write.rows, definition.name, this.options.schema);
      return;
    }
    const stage = `__orderstream_stage_${definition.name}`;
    if (!lane.staged.has(stage)) {
      await this.#exec(conn, createStagingSql(stage, definition), [], 'DUCKDB_TRANSACTION_FAILED');
      lane.staged.add(stage);
    }
    const staged = quoteIdent(stage);
    await this.#exec(conn, `DELETE FROM ${staged}`, [], 'DUCKDB_TRANSACTION_FAILED');
    await this.#appendAll(conn, definition, definition.columns, write.rows, stage, 'main', 'temp');
    const keys = definition.key.map(quoteIdent);
    const target = this.qualify(definition.name);
    await this.#exec(
      conn,
      `DELETE FROM ${target} AS t USING ${staged} AS s WHERE ${keys.map((key) => `t.${key} = s.${key}`).join(' AND ')}`,
      [],
      'DUCKDB_TRANSACTION_FAILED',
    );
    await this.#exec(
      conn,
      `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${staged} QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY rowid DESC) = 1`,
      [],
      'DUCKDB_TRANSACTION_FAILED',
    );
    await this.#exec(conn, `DELETE FROM ${staged}`, [], 'DUCKDB_TRANSACTION_FAILED');
  }

  async #appendAll(
    conn: DuckDBConnection,
    definition: TableDefinition,
    layout: readonly (ColumnDefinition | undefined)[],
    rows: readonly WarehouseRow[],
    table: string,
    schema: string,
    catalog?: string,
  ): Promise<void> {
    const appender = await conn.createAppender(table, schema, catalog ?? null);
    try {
      const types = layout.map((_, index) => appender.columnType(index));
      // Many rows go in as column batches through the column appender, as loadHistory writes.
      const columnar =
        rows.length >= COLUMNAR_MIN_ROWS ? ColumnAppender.create(definition, layout, types) : undefined;
      const batch =
        columnar && this.#knownColumns(definition, rows) ? rowsToColumns(definition, rows) : undefined;
      if (columnar && batch) columnar.append(appender, batch);
      else this.#append(appender, definition, layout, types, rows);
      appender.flushSync();
    } catch (error) {
      throw this.#appendFailure(error, definition.name);
    } finally {
      try {
        appender.closeSync();
      } catch {
        // Already failed above; the transaction is rolled back.
      }
    }
  }

  /** Checks that every key of every row is a column of the table; returns `true`. */
  #knownColumns(definition: TableDefinition, rows: readonly WarehouseRow[]): true {
    const known = new Set(definition.columns.map((column) => column.name));
    for (const row of rows) {
      for (const column in row) if (!known.has(column)) this.#column(definition, column);
    }
    return true;
  }

  #append(
    appender: Awaited<ReturnType<DuckDBConnection['createAppender']>>,
    definition: TableDefinition,
    layout: readonly (ColumnDefinition | undefined)[],
    types: readonly DuckDBType[],
    rows: readonly WarehouseRow[],
  ): void {
    if (rows.length === 0) return;
    this.#knownColumns(definition, rows);
    const writers = layout.map((column) => (column ? valueWriter(definition.name, column) : () => null));
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const end = Math.min(rows.length, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(types, end - start);
      chunk.setColumns(
        layout.map((column, index) => {
          const write = writers[index] as (value: unknown) => ReturnType<ReturnType<typeof valueWriter>>;
          const values = new Array(end - start);
          const name = column?.name;
          for (let row = start; row < end; row += 1) {
            values[row - start] = name === undefined ? null : write((rows[row] as WarehouseRow)[name]);
          }
          return values;
        }),
      );
      appender.appendDataChunk(chunk);
    }
  }

  #appendFailure(error: unknown, table: string): unknown {
    if (error instanceof SourceFailure || isOrderstreamError(error)) return error;
    return duckDbError(
      'DUCKDB_TRANSACTION_FAILED',
      `Appending to ${table} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      { cause: error, details: { table } },
    );
  }

  /** The table's physical columns in order, mapped to their definitions (a dropped one is undefined). */
  async #layout(conn: DuckDBConnection, table: string): Promise<readonly (ColumnDefinition | undefined)[]> {
    const cached = this.#layouts.get(table);
    if (cached) return cached;
    const definition = this.#table(table);
    const names = await this.#physicalColumns(conn, table);
    const byName = new Map(definition.columns.map((column) => [column.name, column]));
    const layout = names.map((name) => byName.get(name));
    this.#layouts.set(table, layout);
    return layout;
  }

  async #physicalColumns(conn: DuckDBConnection, table: string): Promise<string[]> {
    const sql =
      // Only this database's catalog: an attached database (the dbt analytics copy) has the same tables.
      'SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ? ORDER BY ordinal_position';
    try {
      const reader = await conn.runAndReadAll(sql, [this.options.schema, table]);
      return reader.getRows().map((row) => String(row[0]));
    } catch (error) {
      throw queryError(error, sql);
    }
  }

  #table(name: string): TableDefinition {
    const table = this.options.tables[name];
    if (!table) {
      throw duckDbError('DUCKDB_UNKNOWN_TABLE', `The warehouse does not manage a table named ${name}`, {
        details: { table: name },
      });
    }
    return table;
  }

  #column(table: TableDefinition, name: string): ColumnDefinition {
    const column = table.columns.find((candidate) => candidate.name === name);
    if (!column) {
      throw duckDbError('DUCKDB_UNKNOWN_COLUMN', `Table ${table.name} has no column named ${name}`, {
        details: { table: table.name, column: name },
      });
    }
    return column;
  }

  async #exec(
    conn: DuckDBConnection,
    sql: string,
    params: readonly WarehouseValue[] = [],
    code: 'DUCKDB_QUERY_FAILED' | 'DUCKDB_TRANSACTION_FAILED' = 'DUCKDB_TRANSACTION_FAILED',
  ): Promise<void> {
    try {
      if (params.length === 0) await conn.run(sql);
      else await conn.run(sql, params.map(bindValue));
    } catch (error) {
      throw queryError(error, sql, params, code);
    }
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
