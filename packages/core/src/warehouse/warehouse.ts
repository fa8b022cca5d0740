import { OrderstreamError } from '../errors/orderstream-error.js';
import type { ColumnType } from '../schema/column-types.js';
import type { WarehouseRow, WarehouseValue } from '../schema/warehouse-row.js';
import type { ColumnBatch, columnBatchRows, WarehouseBatch } from './column-batch.js';

export type { WarehouseRow, WarehouseValue };

/** A parameter of a read query. */
export type QueryParam = string | number | boolean | Date | null;

/** Rows for one table, as part of a transactional write. */
export interface TableWrite {
  /** The RAW table's name (see `RAW_TABLES`). */
  readonly table: string;
  /** The rows, keyed by column name; missing nullable columns are written as `null`. */
  readonly rows: readonly WarehouseRow[];
  /**
   * `upsert` (default for tables with a natural key) replaces rows with the same key, so a
   * re-write is idempotent; `append` inserts blindly.
   */
  readonly mode?: 'upsert' | 'append';
  /**
   * The same rows as column batches, in order, when the writer has them (see
   * {@link columnarTableWrite}): an adapter with a columnar path writes these and never reads
   * `rows`, which is then only built on demand. The writer may free the batches' memory once the
   * write has settled (the Kafka sink does, after each flush): an adapter reads them, or `rows`,
   * before its promise settles, and keeps copies rather than views of them.
   */
  readonly columns?: readonly ColumnBatch[];
}

/** The sink's progress on one partition. */
export interface PartitionOffset {
  readonly consumerGroup: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume (Kafka's committed-offset convention), as a decimal string. */
  readonly nextOffset: string;
  /** An identity of the topic incarnation, to detect a topic deleted and re-created. */
  readonly topicId?: string | null;
  /**
   * A fence for {@link Warehouse.writeWithOffsets}: the offset the writer last saw stored for the
   * partition (`null`: none stored yet). When given, the write commits only if the stored offset
   * still equals it — a writer that lost the partition in a rebalance while its write was in
   * flight cannot write rows another member already wrote. Left out: no check.
   */
  readonly expectedNextOffset?: string | null;
}

/** Options of {@link Warehouse.replaceTable}. */
export interface ReplaceTableOptions {
  /**
   * Other writes that commit in the same transaction (manifest, quarantine). A function is called
   * once, after the last batch, with the number of rows written, so the writes can depend on what
   * was streamed (counts, rejects found while reading).
   */
  readonly alsoWrite?: readonly TableWrite[] | ((written: { rows: number }) => readonly TableWrite[]);
  /** Rows to delete from other tables in the same transaction before `alsoWrite` (e.g. old rejects). */
  readonly alsoDelete?: readonly { table: string; where: Readonly<Record<string, WarehouseValue>> }[];
  /** Called after each batch with the number of rows written so far. */
  readonly onProgress?: (rowsWritten: number) => void;
}

/**
 * The seam between orderstream and a warehouse engine. Every adapter (DuckDB, Snowflake)
 * implements it and passes the shared contract suite (`@orderstream/core/testing`).
 *
 * Values follow {@link ColumnType}: money is written as integer cents and read back as an exact
 * decimal string; timestamps are `Date`s.
 */
export interface Warehouse {
  /** The engine's name, e.g. `duckdb` or `snowflake`. */
  readonly dialect: string;

  /** Creates the RAW schema and its tables, or migrates an older one. Idempotent. */
  migrate(): Promise<void>;

  /**
   * The fully qualified, quoted name of a table for use in {@link Warehouse.query} SQL, e.g.
   * `"raw"."load_manifest"`, so callers need not know the schema or the engine's quoting.
   *
   * @param table - a table's name (see `RAW_TABLES`)
   * @returns the SQL identifier
   */
  qualify(table: string): string;

  /**
   * Writes rows to one or more tables in one transaction. With `upsert`, rows whose natural key
   * repeats within the call keep the last one.
   *
   * @throws `OrderstreamError` with the adapter's transaction code (e.g. `DUCKDB_TRANSACTION_FAILED`);
   *   nothing is written
   */
  write(writes: readonly TableWrite[]): Promise<void>;

  /**
   * Writes rows **together with** the sink's partition offsets in one transaction: both commit or
   * neither does. This is what makes the sink exactly-once. An offset with `expectedNextOffset`
   * is checked against the stored one inside the transaction first (see {@link assertExpectedOffsets}).
   *
   * @throws `OrderstreamError` `CORE_OFFSET_CONFLICT` when a stored offset is not the expected one;
   *   nothing is written
   * @throws `OrderstreamError` with the adapter's transaction code; neither rows nor offsets are written
   */
  writeWithOffsets(writes: readonly TableWrite[], offsets: readonly PartitionOffset[]): Promise<void>;

  /** Reads the stored offsets of a consumer group on a topic. */
  readOffsets(consumerGroup: string, topic: string): Promise<PartitionOffset[]>;

  /**
   * Replaces the whole content of a table with the streamed batches, atomically: readers see the
   * old rows or the new ones, never a half-loaded table. `alsoDelete` and `alsoWrite` commit in
   * the same transaction.
   *
   * Batches are arrays of rows or {@link ColumnBatch}es (what `loadHistory` writes); an adapter
   * without a columnar path turns the latter into rows with {@link columnBatchRows}.
   *
   * Calls for different tables may overlap (`loadHistory` runs two at once): an adapter runs them
   * side by side, each in its own transaction, or one after the other.
   *
   * @returns the number of rows written
   * @throws the error of `batches` itself, unchanged, after rolling everything back; otherwise an
   *   `OrderstreamError` with the adapter's transaction code
   */
  replaceTable(
    table: string,
    batches: AsyncIterable<WarehouseBatch>,
    options?: ReplaceTableOptions,
  ): Promise<{ rows: number }>;

  /**
   * Optional: moves what is committed into the warehouse's main storage now rather than later
   * (DuckDB: `CHECKPOINT`, which otherwise runs at close or once its log is large). Committed data
   * is durable either way; `loadHistory` calls this beside its last loads so that the work
   * overlaps them instead of following them. Adapters whose commits already land in main
   * storage (Snowflake) leave it out.
   *
   * @throws `OrderstreamError` with the adapter's transaction code
   */
  checkpoint?(): Promise<void>;

  /**
   * Optional: bounds the memory the warehouse's engine uses inside this process (DuckDB: its
   * `memory_limit`, for the whole instance, which every warehouse of the process on the same file
   * shares). A process that budgets its memory calls it, such as the Kafka sink before its first
   * read of the warehouse; adapters whose engine runs elsewhere (Snowflake) leave it out.
   *
   * @param bytes - the most bytes the engine may hold (its caches and buffers; what it spills
   *   beyond goes to temporary files)
   * @throws `OrderstreamError` with the adapter's query code when the engine refuses the limit
   */
  limitMemory?(bytes: number): Promise<void>;

  /**
   * Runs a parameterized read query (`?` placeholders). Never interpolate user input into `sql`.
   *
   * Values are converted like written ones read back (see {@link ColumnType}): exact decimals as
   * strings, 64-bit integers as numbers when safe (else decimal strings), timestamps as `Date`s.
   *
   * @returns rows keyed by column name (lower-case)
   */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly QueryParam[],
  ): Promise<R[]>;

  /** Releases connections and files. Idempotent. */
  close(): Promise<void>;
}

/** Re-exported for adapters that map column types. */
export type { ColumnType };

/**
 * The fence of {@link Warehouse.writeWithOffsets}, for adapters: compares each offset's
 * `expectedNextOffset` (when given) with what the transaction reads from `sink_offsets`.
 *
 * @param offsets - the offsets about to be written
 * @param stored - the stored next offset per partition of the same group and topic, read inside the
 *   write's transaction (a partition without a row is absent)
 * @throws `OrderstreamError` `CORE_OFFSET_CONFLICT` (not retryable) naming the first partition whose
 *   stored offset differs; the caller rolls back
 */
export function assertExpectedOffsets(
  offsets: readonly PartitionOffset[],
  stored: ReadonlyMap<number, string>,
): void {
  for (const offset of offsets) {
    if (offset.expectedNextOffset === undefined) continue;
    const found = stored.get(offset.partition) ?? null;
    if (found !== offset.expectedNextOffset) {
      throw new OrderstreamError(
        'CORE_OFFSET_CONFLICT',
        `The stored offset of ${offset.topic}/${offset.partition} for group ${offset.consumerGroup} is ` +
          `${found ?? 'absent'}, not ${offset.expectedNextOffset ?? 'absent'} as this writer expected: another ` +
          'member wrote the partition (a rebalance); nothing was written',
        {
          details: {
            consumerGroup: offset.consumerGroup,
            topic: offset.topic,
            partition: offset.partition,
            expected: offset.expectedNextOffset,
            found,
          },
        },
      );
    }
  }
}
