import type { TableDefinition } from '@orderstream/core';
import { RAW_TABLES } from '@orderstream/core';
import { z } from 'zod';

/** What a write transaction is doing, passed to {@link DuckDbWarehouseOptions.onBeforeCommit}. */
export interface DuckDbCommitContext {
  /** The warehouse method that opened the transaction. */
  readonly operation: 'write' | 'writeWithOffsets' | 'replaceTable';
}

/** Options of {@link DuckDbWarehouse.attachDatabase}. */
export interface DuckDbAttachOptions {
  /**
   * Attach the file read-only (other processes may then not write it while attached).
   * @defaultValue `false`
   */
  readonly readOnly?: boolean;
}

/** The defaults of {@link DuckDbWarehouseOptions}. */
export const DUCKDB_WAREHOUSE_DEFAULTS = {
  path: './data/orderstream.duckdb',
  schema: 'raw',
  readConnections: 2,
  /**
   * DuckDB settings applied unless `config` sets them. DuckDB checkpoints every 16 MB of WAL by
   * default, and each checkpoint rewrites the table's partly filled row group: on a stream of
   * ~1 KB events that multiplies the write work several times over. 256 MiB lets a row group fill
   * between checkpoints, at the price of a longer WAL replay when the file is opened after a crash.
   *
   * `disabled_compression_methods: 'dictionary'`: a checkpoint tries every string compression on
   * every column, and the dictionary's attempt on the sink's long, all-distinct JSON payloads held
   * ~1.3 KB per row being checkpointed (a checkpoint of 120,000 rows: RSS +156–172 MiB, and
   * ~140 MiB more kept after it, against +30–52 without it) only to lose to FSST, which still
   * compresses them; the file is as large either way (69–72 MiB), and low-cardinality text keeps
   * DuckDB's `dict_fsst`.
   */
  config: { checkpoint_threshold: '256MiB', disabled_compression_methods: 'dictionary' } as Readonly<
    Record<string, string>
  >,
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The zod schema of {@link DuckDbWarehouseOptions}. */
export const duckDbWarehouseOptionsSchema = z
  .object({
    /**
     * The database file; its parent folder is created. `:memory:` keeps everything in memory.
     * @defaultValue `'./data/orderstream.duckdb'`
     */
    path: z.string().min(1).default(DUCKDB_WAREHOUSE_DEFAULTS.path),
    /**
     * The schema holding the RAW tables (a plain identifier).
     * @defaultValue `'raw'`
     */
    schema: z
      .string()
      .regex(IDENTIFIER, 'expected a plain SQL identifier')
      .default(DUCKDB_WAREHOUSE_DEFAULTS.schema),
    /**
     * How many connections serve {@link DuckDbWarehouse.query} (reads run beside the single writer).
     * @defaultValue `2`
     */
    readConnections: z.int().min(1).max(16).default(DUCKDB_WAREHOUSE_DEFAULTS.readConnections),
    /**
     * Rows per row group of the file (a multiple of 2048), given to DuckDB when it attaches the
     * file. Appended rows stay in memory until a checkpoint writes them; each checkpoint rewrites
     * the table's last, partly filled row group. Small row groups make that rewrite small, so the
     * checkpoint threshold can be low and the memory of uncheckpointed rows bounded (the sink's
     * streaming writes); DuckDB's default (122880) suits bulk loads.
     * @defaultValue DuckDB's (122880 rows)
     */
    rowGroupSize: z
      .int()
      .min(2048)
      .max(1 << 24)
      .refine((n) => n % 2048 === 0, "expected a multiple of 2048 (DuckDB's vector size)")
      .optional(),
    /**
     * DuckDB configuration options passed when opening, e.g. `{ threads: '2', memory_limit: '1GB' }`,
     * over `DUCKDB_WAREHOUSE_DEFAULTS.config` (`checkpoint_threshold: '256MiB'`,
     * `disabled_compression_methods: 'dictionary'`; `disabled_compression_methods: ''` lets DuckDB
     * use them all).
     * Warehouses of one process on the same file share one DuckDB instance (DuckDB must not attach a
     * file twice), opened with the first one's configuration.
     * @defaultValue `{ checkpoint_threshold: '256MiB', disabled_compression_methods: 'dictionary' }`
     */
    config: z
      .record(z.string(), z.string())
      .default({})
      .transform((config) => ({ ...DUCKDB_WAREHOUSE_DEFAULTS.config, ...config })),
    /**
     * The tables this warehouse manages, keyed by name.
     * @defaultValue core's `RAW_TABLES`
     */
    tables: z
      .custom<Readonly<Record<string, TableDefinition>>>(
        (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
        'expected table definitions keyed by name',
      )
      .default(() => RAW_TABLES),
    /**
     * The clock stamping `updated_at` of the sink's offsets.
     * @defaultValue `() => new Date()`
     */
    clock: z
      .custom<() => Date>((value) => typeof value === 'function', 'expected a function returning a Date')
      .default(() => () => new Date()),
    /**
     * Awaited inside every write transaction just before `COMMIT`; throwing rolls the transaction
     * back. For fault-injection tests and tracing.
     * @defaultValue none
     */
    onBeforeCommit: z
      .custom<(context: DuckDbCommitContext) => void | Promise<void>>(
        (value) => typeof value === 'function',
        'expected a function',
      )
      .optional(),
  })
  .strict();

/**
 * Options of {@link createDuckDbWarehouse}.
 *
 * @example
 * ```ts
 * const warehouse = await createDuckDbWarehouse({ path: './data/orderstream.duckdb' });
 * ```
 *
 * @interface
 */
export type DuckDbWarehouseOptions = z.input<typeof duckDbWarehouseOptionsSchema>;

/** {@link DuckDbWarehouseOptions} with every default filled in. */
export type ResolvedDuckDbWarehouseOptions = z.output<typeof duckDbWarehouseOptionsSchema>;
