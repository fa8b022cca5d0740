import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  PartitionOffset,
  QueryParam,
  ReplaceTableOptions,
  RetryOptions,
  TableDefinition,
  TableWrite,
  Warehouse,
  WarehouseBatch,
} from '@orderstream/core';
import { isOrderstreamError, SINK_OFFSETS } from '@orderstream/core';
import {
  assertExpectedOffsets,
  partitionOffsets,
  resolveOptions,
  runTransaction,
  SourceFailure,
  sinkOffsetRows,
  withRetry,
} from '@orderstream/core/adapter';
import type { Connection } from 'snowflake-sdk';
import snowflake from 'snowflake-sdk';
import { alsoDeleteStatements } from '../internal/also-delete-statements.js';
import { driverOptions } from '../internal/driver-options.js';
import type { ExecStatement } from '../internal/exec-statement.js';
import { execStatement } from '../internal/exec-statement.js';
import { LoadStage } from '../internal/load-stage.js';
import { migrateSchema } from '../internal/migrate-schema.js';
import type { PreparedWrite } from '../internal/prepared-write.js';
import { applyPreparedWrite, prepareWrite } from '../internal/prepared-write.js';
import {
  isRetryableForeign,
  isSessionGone,
  sanitizedCause,
  snowflakeError,
} from '../internal/snowflake-error.js';
import { BULK_CSV_FORMAT, insertFromStagingSql, quoteIdent, stagingName } from '../internal/sql.js';
import { StagingTables } from '../internal/staging-tables.js';
import { execute } from '../internal/statement.js';
import { tableDefinition } from '../internal/table-lookup.js';
import { bindParam, readValue } from '../internal/values.js';
import { writeLoadCsv } from '../internal/write-load-csv.js';
import type {
  ResolvedSnowflakeWarehouseOptions,
  SnowflakeCommitContext,
  SnowflakeWarehouseOptions,
} from './options.js';
import { snowflakeWarehouseOptionsSchema } from './options.js';

type Pool = ReturnType<typeof snowflake.createPool>;

// The driver logs to the console by default; orderstream reports through its errors instead.
let driverConfigured = false;
function configureDriver(): void {
  if (driverConfigured) return;
  driverConfigured = true;
  snowflake.configure({ logLevel: 'OFF' });
}

/**
 * The Snowflake {@link Warehouse} on snowflake-sdk: the RAW tables in one schema, a pool of
 * sessions (snowflake-sdk's `createPool`), every statement tagged with `QUERY_TAG`.
 *
 * Writes: rows are array-bound, as text, into a per-session temporary staging table in chunks of
 * at most `arrayBindingThreshold` bind values (so the driver never switches to stage binding),
 * then `MERGE`d on the natural key (upsert) or `INSERT`ed (append) into the target with explicit
 * casts — all in one transaction on one session, with the sink's offsets in the same transaction
 * for {@link SnowflakeWarehouse.writeWithOffsets}.
 *
 * Replacements (and so core's `loadHistory`) take the bulk path: PUT a clean CSV to a stage and
 * COPY INTO; see {@link SnowflakeWarehouse.replaceTable}. Transient failures (see
 * `SNOWFLAKE_RETRYABLE_CODES`) are retried with core's `withRetry`; column types follow
 * `SNOWFLAKE_COLUMN_TYPES`.
 *
 * @example
 * ```ts
 * const warehouse = new SnowflakeWarehouse({ connection: snowflakeConnectionFromEnv() });
 * await warehouse.migrate();
 * const rows = await warehouse.query('select count(*) as n from raw.olist_orders');
 * await warehouse.close();
 * ```
 */
export class SnowflakeWarehouse implements Warehouse {
  /** Always `snowflake`. */
  readonly dialect = 'snowflake';
  /** The resolved options (the connection's secrets included: do not log them). */
  readonly options: ResolvedSnowflakeWarehouseOptions;
  #pool: Pool | undefined;
  #closing: Promise<void> | undefined;
  readonly #staging: StagingTables;
  readonly #loadStage: LoadStage;
  #secrets: readonly string[];
  readonly #exec: ExecStatement;

  /**
   * @param options - connection, schema, pool and batching; validated here
   * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when an option is invalid
   */
  constructor(options: SnowflakeWarehouseOptions) {
    this.options = resolveOptions('SnowflakeWarehouse', snowflakeWarehouseOptionsSchema, options);
    const { password, privateKeyPassphrase } = this.options.connection;
    this.#secrets = [password, privateKeyPassphrase].filter((value): value is string => !!value);
    this.#exec = execStatement(this.#secrets);
    this.#staging = new StagingTables(this.#exec, this.options.schema);
    this.#loadStage = new LoadStage(this.#exec);
  }

  /**
   * Opens the pool and one session, so wrong credentials or an unreachable account fail here.
   * Called by every other method. Idempotent.
   *
   * A login that fails on the network (refused, reset, HTTP 5xx) is retried until
   * `retryDeadlineMs`, each attempt logged through `log`.
   *
   * @throws `OrderstreamError` `SNOWFLAKE_CONNECTION_FAILED` (not retryable: e.g. wrong credentials),
   *   `CORE_RETRY_DEADLINE_EXCEEDED` when no session opened by the deadline (its `cause` is the last
   *   `SNOWFLAKE_CONNECTION_FAILED`), `SNOWFLAKE_CLOSED` after {@link SnowflakeWarehouse.close}
   */
  async open(): Promise<void> {
    await this.#withSession(async () => undefined);
  }

  #poolOrThrow(): Pool {
    if (this.#closing) throw snowflakeError('SNOWFLAKE_CLOSED', 'The Snowflake warehouse is closed');
    if (!this.#pool) {
      configureDriver();
      this.#pool = snowflake.createPool(driverOptions(this.options), { max: this.options.poolSize, min: 0 });
    }
    return this.#pool;
  }

  async #acquire(): Promise<{ pool: Pool; session: Connection }> {
    const pool = this.#poolOrThrow();
    const { account, username } = this.options.connection;
    // Until the deadline, not a number of retries: a login is worth waiting for, visibly.
    // `retries: 0` turns retrying off here too.
    const session = await withRetry(() => this.#login(pool), {
      ...this.#retryOptions(`a Snowflake session for account ${account} as ${username}`),
      retries: this.options.retries === 0 ? 0 : Number.POSITIVE_INFINITY,
      maxTimeoutMs: 5_000,
    });
    return { pool, session };
  }

  async #login(pool: Pool): Promise<Connection> {
    try {
      return await pool.acquire();
    } catch (error) {
      const { account, username } = this.options.connection;
      const cause = sanitizedCause(error, this.#secrets);
      throw snowflakeError(
        'SNOWFLAKE_CONNECTION_FAILED',
        `Could not open a Snowflake session for account ${account} as ${username}: ${cause.message}`,
        { cause, details: { account, username }, retryable: isRetryableForeign(error) },
      );
    }
  }

  async #withSession<T>(body: (session: Connection) => Promise<T>): Promise<T> {
    const { pool, session } = await this.#acquire();
    let gone = false;
    try {
      return await body(session);
    } catch (error) {
      gone = isSessionGone(error);
      throw error;
    } finally {
      // A session the server forgot (e.g. it restarted) would fail every later statement too.
      if (gone) await pool.destroy(session);
      else await pool.release(session);
    }
  }

  #retryOptions(what: string): RetryOptions {
    const { retryDeadlineMs, log } = this.options;
    return {
      what,
      deadlineMs: retryDeadlineMs,
      ...(log ? { log } : {}),
      // A loop that already waited out its deadline (opening a session) is not waited out again.
      isRetryable: (error) =>
        isOrderstreamError(error) && error.retryable && error.code !== 'CORE_RETRY_DEADLINE_EXCEEDED',
    };
  }

  #retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withRetry(operation, { ...this.#retryOptions(what), retries: this.options.retries });
  }

  /**
   * Creates the schema and every managed table, and adds columns a newer definition has. Idempotent.
   * DDL commits implicitly in Snowflake, so each statement stands on its own.
   *
   * @throws `OrderstreamError` `SNOWFLAKE_QUERY_FAILED` when a statement fails,
   *   `SNOWFLAKE_CONNECTION_FAILED` when no session opens
   */
  async migrate(): Promise<void> {
    await this.#retry('the Snowflake migration', () =>
      this.#withSession((session) =>
        migrateSchema(this.#exec, session, this.options.schema, this.options.tables, (table) =>
          this.qualify(table),
        ),
      ),
    );
  }

  /**
   * The quoted, schema-qualified name of a table, e.g. `"RAW"."OLIST_ORDERS"` (Snowflake stores
   * unquoted names upper-case, so `raw.olist_orders` names the same table).
   *
   * @param table - a table's name
   * @returns the SQL identifier
   */
  qualify(table: string): string {
    return `${quoteIdent(this.options.schema)}.${quoteIdent(table)}`;
  }

  /**
   * Writes rows to one or more tables in one transaction (MERGE on the natural key by default).
   *
   * @param writes - rows per table
   * @throws `OrderstreamError` `SNOWFLAKE_TRANSACTION_FAILED` (rolled back; retried while
   *   retryable), `SNOWFLAKE_UNKNOWN_TABLE`, `SNOWFLAKE_UNKNOWN_COLUMN` or `SNOWFLAKE_INVALID_VALUE`
   */
  async write(writes: readonly TableWrite[]): Promise<void> {
    const prepared = writes.map((write) => prepareWrite(this.options.tables, write));
    await this.#retry('a Snowflake write', () =>
      this.#transaction('write', prepared, async (session) => {
        for (const write of prepared) await this.#applyWrite(session, write);
      }),
    );
  }

  /**
   * Writes rows and the sink's offsets (into `sink_offsets`) in one transaction on one session:
   * both commit or neither does, which keeps the sink exactly-once.
   *
   * @param writes - rows per table
   * @param offsets - the next offset to read per partition
   * @throws `OrderstreamError` as {@link SnowflakeWarehouse.write}; neither rows nor offsets are written
   */
  async writeWithOffsets(writes: readonly TableWrite[], offsets: readonly PartitionOffset[]): Promise<void> {
    const updatedAt = this.options.clock();
    const offsetRows = sinkOffsetRows(offsets, updatedAt);
    const prepared = [
      ...writes,
      ...(offsetRows.length > 0 ? [{ table: SINK_OFFSETS.name, rows: offsetRows }] : []),
    ].map((write) => prepareWrite(this.options.tables, write));
    await this.#retry('a Snowflake write with offsets', () =>
      this.#transaction('writeWithOffsets', prepared, async (session) => {
        await this.#checkExpectedOffsets(session, offsets);
        for (const write of prepared) await this.#applyWrite(session, write);
      }),
    );
  }

  /**
   * The fence of `writeWithOffsets`, inside its transaction: a no-op UPDATE first takes the
   * group's offset rows (Snowflake holds DML locks to the end of the transaction, so a concurrent
   * writer of the same rows waits), then the stored offsets are read and compared.
   */
  async #checkExpectedOffsets(session: Connection, offsets: readonly PartitionOffset[]): Promise<void> {
    const fenced = offsets.filter((offset) => offset.expectedNextOffset !== undefined);
    const first = fenced[0];
    if (first === undefined) return;
    const table = this.qualify(SINK_OFFSETS.name);
    const where = `"CONSUMER_GROUP" = ? AND "TOPIC" = ?`;
    const binds = [first.consumerGroup, first.topic];
    await this.#exec(session, `UPDATE ${table} SET "NEXT_OFFSET" = "NEXT_OFFSET" WHERE ${where}`, binds);
    const { rows } = await this.#exec(
      session,
      `SELECT "PARTITION" AS "PARTITION", CAST("NEXT_OFFSET" AS VARCHAR) AS "NEXT_OFFSET" FROM ${table} WHERE ${where}`,
      binds,
    );
    const stored = new Map<number, string>();
    for (const row of rows) stored.set(Number(row.PARTITION), String(row.NEXT_OFFSET));
    assertExpectedOffsets(fenced, stored);
  }

  /**
   * Reads the stored offsets of a consumer group on a topic.
   *
   * @param consumerGroup - the sink's group id
   * @param topic - the topic
   * @returns one entry per stored partition, by partition
   * @throws `OrderstreamError` `SNOWFLAKE_QUERY_FAILED`
   */
  async readOffsets(consumerGroup: string, topic: string): Promise<PartitionOffset[]> {
    const rows = await this.query<{ partition: number; next_offset: string; topic_id: string | null }>(
      `SELECT "PARTITION" AS "PARTITION", CAST("NEXT_OFFSET" AS VARCHAR) AS "NEXT_OFFSET", "TOPIC_ID" AS "TOPIC_ID" FROM ${this.qualify(SINK_OFFSETS.name)} WHERE "CONSUMER_GROUP" = ? AND "TOPIC" = ? ORDER BY "PARTITION"`,
      [consumerGroup, topic],
    );
    return partitionOffsets(consumerGroup, topic, rows);
  }

  /**
   * Replaces a table's rows with the streamed batches, through Snowflake's bulk path:
   *
   * 1. the batches (already validated: core's `loadHistory` reads them with `readOlistCsv`, which
   *    quarantines malformed records in `raw_rejects` with their line numbers) are written to a
   *    clean temporary CSV file in the adapter's own format (`BULK_CSV_FORMAT`);
   * 2. the file is `PUT` to the internal stage (`stage` option) under a unique path;
   * 3. one transaction on one session copies it into the session's staging table with
   *    `COPY INTO … ON_ERROR = ABORT_STATEMENT`, deletes the target's rows, inserts the staged rows
   *    with explicit casts, applies `alsoDelete` and `alsoWrite`, and commits.
   *
   * Why not COPY the Olist file directly with `ON_ERROR = CONTINUE`: that skips bad rows and only
   * leaves them in the load history, where they age out — rows would be silently dropped. Here
   * COPY only ever sees rows that were validated, so a COPY error means something unexpected and
   * aborts (and rolls back) the whole replacement, and every rejected record is in `raw_rejects`.
   * Readers see the old rows until the commit. Empty strings load as `NULL` (as Olist's blanks do).
   *
   * @param table - the table to replace
   * @param batches - the new rows
   * @param options - writes that commit with the replacement, and a progress callback
   * @returns the number of rows written
   * @throws the error of `batches` unchanged (nothing was touched); otherwise `OrderstreamError`
   *   `SNOWFLAKE_BULK_LOAD_FAILED` (writing, PUT), `SNOWFLAKE_TRANSACTION_FAILED` (rolled back),
   *   `SNOWFLAKE_UNKNOWN_TABLE`, `SNOWFLAKE_UNKNOWN_COLUMN`, `SNOWFLAKE_INVALID_VALUE`
   */
  async replaceTable(
    table: string,
    batches: AsyncIterable<WarehouseBatch>,
    options: ReplaceTableOptions = {},
  ): Promise<{ rows: number }> {
    const definition = tableDefinition(this.options.tables, table);
    this.#poolOrThrow();
    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'orderstream-snowflake-'));
    try {
      const file = join(dir, `${definition.name}.csv`);
      const rows = await writeLoadCsv(file, definition, batches, options.onProgress);
      const alsoWrite =
        typeof options.alsoWrite === 'function' ? options.alsoWrite({ rows }) : (options.alsoWrite ?? []);
      const prepared = alsoWrite.map((write) => prepareWrite(this.options.tables, write));
      const removals = alsoDeleteStatements(this.options.tables, options.alsoDelete, (name) =>
        this.qualify(name),
      );
      const stagePath = `${randomUUID()}`;
      const stage = `${quoteIdent(this.options.schema)}.${quoteIdent(this.options.stage)}`;
      await this.#retry(`the Snowflake load of ${definition.name}`, () =>
        this.#transaction(
          'replaceTable',
          [definition, ...prepared.map((write) => write.definition)],
          async (session) => {
            await this.#exec(session, `DELETE FROM ${stagingName(definition.name)}`);
            if (rows > 0) {
              await this.#exec(
                session,
                `COPY INTO ${stagingName(definition.name)} (${definition.columns.map((column) => quoteIdent(column.name)).join(', ')}) FROM @${stage}/${stagePath}/ FILE_FORMAT = (${BULK_CSV_FORMAT}) ON_ERROR = ABORT_STATEMENT`,
              );
            }
            await this.#exec(session, `DELETE FROM ${this.qualify(definition.name)}`);
            await this.#exec(session, insertFromStagingSql(this.qualify(definition.name), definition));
            await this.#exec(session, `DELETE FROM ${stagingName(definition.name)}`);
            for (const removal of removals) await this.#exec(session, removal.sql, removal.binds);
            for (const write of prepared) await this.#applyWrite(session, write);
          },
          async (session) => {
            if (rows === 0) return;
            // Stage DDL and PUT run before the transaction: DDL would commit it implicitly.
            await this.#loadStage.ensure(session, stage);
            const url = `file://${file.replace(/\\/g, '/')}`;
            await this.#exec(
              session,
              `PUT '${url.replace(/'/g, "\\'")}' @${stage}/${stagePath}/ AUTO_COMPRESS = TRUE OVERWRITE = TRUE`,
              [],
              'SNOWFLAKE_BULK_LOAD_FAILED',
            );
          },
          async (session) => {
            if (rows === 0) return;
            // Best effort: a stage file left behind costs storage only, never correctness.
            await execute(session, `REMOVE @${stage}/${stagePath}/`).catch(() => undefined);
          },
        ),
      );
      return { rows };
    } catch (error) {
      if (error instanceof SourceFailure) throw error.error;
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs a read query with `?` parameters on a pooled session.
   *
   * @param sql - the statement; never interpolate input into it
   * @param params - values for the `?` placeholders (`Date`s are bound as ISO 8601 instants)
   * @returns rows keyed by lower-case column name, values converted per `SNOWFLAKE_COLUMN_TYPES`
   * @throws `OrderstreamError` `SNOWFLAKE_QUERY_FAILED` with `details.sql` (never the parameters),
   *   `SNOWFLAKE_CLOSED` after {@link SnowflakeWarehouse.close}
   */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: readonly QueryParam[] = [],
  ): Promise<R[]> {
    const binds = params.map(bindParam);
    const { rows, columns } = await this.#retry('a Snowflake query', () =>
      this.#withSession((session) => this.#exec(session, sql, binds, 'SNOWFLAKE_QUERY_FAILED')),
    );
    return rows.map((row) => {
      const converted: Record<string, unknown> = {};
      for (const column of columns)
        converted[column.name.toLowerCase()] = readValue(row[column.name], column);
      return converted as R;
    });
  }

  /** Waits for borrowed sessions to come back, then closes every session. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const pool = this.#pool;
      if (!pool) return;
      await pool.drain();
      await pool.clear();
    })();
    return this.#closing;
  }

  #applyWrite(session: Connection, write: PreparedWrite): Promise<void> {
    const target = this.qualify(write.definition.name);
    return applyPreparedWrite(this.#exec, session, write, target, this.options.arrayBindingThreshold);
  }

  /**
   * Runs `body` in one transaction on one session. `before` (DDL, PUT) and the staging tables'
   * creation run first, outside it, because DDL commits an open transaction in Snowflake.
   */
  async #transaction(
    operation: SnowflakeCommitContext['operation'],
    tables: readonly (PreparedWrite | TableDefinition)[],
    body: (session: Connection) => Promise<void>,
    before?: (session: Connection) => Promise<void>,
    after?: (session: Connection) => Promise<void>,
  ): Promise<void> {
    await this.#withSession(async (session) => {
      await this.#staging.ensure(
        session,
        tables.map((entry) => ('definition' in entry ? entry.definition : entry)),
      );
      await before?.(session);
      await runTransaction(
        {
          begin: () => this.#exec(session, 'BEGIN'),
          commit: () => this.#exec(session, 'COMMIT'),
          rollback: () => execute(session, 'ROLLBACK'),
          beforeCommit: () => this.options.onBeforeCommit?.({ operation }),
          failure: (error) =>
            snowflakeError(
              'SNOWFLAKE_TRANSACTION_FAILED',
              `Snowflake ${operation} failed and was rolled back`,
              {
                cause: sanitizedCause(error, this.#secrets),
              },
            ),
        },
        () => body(session),
      );
      await after?.(session);
    });
  }
}

/**
 * Creates a {@link SnowflakeWarehouse} and opens one session, so wrong credentials or an
 * unreachable account fail here.
 *
 * @param options - connection, schema, pool and batching
 * @returns the open warehouse (call `migrate()` before the first write)
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS`, `SNOWFLAKE_CONNECTION_FAILED`
 * @example
 * ```ts
 * const warehouse = await createSnowflakeWarehouse({ connection: snowflakeConnectionFromEnv() });
 * await warehouse.migrate();
 * ```
 */
export async function createSnowflakeWarehouse(
  options: SnowflakeWarehouseOptions,
): Promise<SnowflakeWarehouse> {
  const warehouse = new SnowflakeWarehouse(options);
  try {
    await warehouse.open();
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return warehouse;
}
