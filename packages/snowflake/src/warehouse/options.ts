import type { RetryLogger, TableDefinition } from '@orderstream/core';
import { RAW_TABLES } from '@orderstream/core';
import { z } from 'zod';

/** What a write transaction is doing, passed to {@link SnowflakeWarehouseOptions.onBeforeCommit}. */
export interface SnowflakeCommitContext {
  /** The warehouse method that opened the transaction. */
  readonly operation: 'write' | 'writeWithOffsets' | 'replaceTable';
}

/** The defaults of {@link SnowflakeWarehouseOptions}. */
export const SNOWFLAKE_WAREHOUSE_DEFAULTS = {
  schema: 'RAW',
  queryTag: 'orderstream',
  poolSize: 4,
  arrayBindingThreshold: 100_000,
  stage: 'ORDERSTREAM_LOAD',
  retries: 3,
  maxLoginRetries: 0,
  retryDeadlineMs: 60_000,
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The zod schema of {@link SnowflakeConnectionOptions}. */
export const snowflakeConnectionOptionsSchema = z
  .object({
    /** The account identifier, e.g. `myorg-myaccount`. */
    account: z.string().min(1),
    /** The login name. */
    username: z.string().min(1),
    /** The password (prefer key-pair auth for services). */
    password: z.string().min(1).optional(),
    /** Path to a PKCS#8 private key (PEM) for key-pair authentication. */
    privateKeyPath: z.string().min(1).optional(),
    /** The passphrase of an encrypted private key. */
    privateKeyPassphrase: z.string().min(1).optional(),
    /**
     * The role to use.
     * @defaultValue the user's default role
     */
    role: z.string().min(1).optional(),
    /**
     * The virtual warehouse running the queries.
     * @defaultValue the user's default warehouse
     */
    warehouse: z.string().min(1).optional(),
    /** The database holding the RAW schema (must exist). */
    database: z.string().min(1),
    /**
     * The full URL of a non-standard endpoint (a private link, a proxy, an emulator), e.g.
     * `http://127.0.0.1:8765`. Takes precedence over `host`/`port`/`protocol`.
     * @defaultValue `https://<account>.snowflakecomputing.com`
     */
    accessUrl: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * Host of a non-standard endpoint, used with `port` and `protocol`.
     * @defaultValue derived from `account`
     */
    host: z.string().min(1).optional(),
    /**
     * Port of a non-standard endpoint.
     * @defaultValue `443`
     */
    port: z.int().min(1).max(65_535).optional(),
    /**
     * Protocol of a non-standard endpoint.
     * @defaultValue `'https'`
     */
    protocol: z.enum(['http', 'https']).optional(),
  })
  .strict()
  .refine((value) => value.password !== undefined || value.privateKeyPath !== undefined, {
    message: 'expected a password or a privateKeyPath (key-pair authentication)',
  });

/**
 * How to reach and log in to Snowflake. Either `password` or `privateKeyPath` (key-pair
 * authentication, recommended for services) is required. Secrets are handed to snowflake-sdk
 * only: they never appear in errors, `details` or logs.
 *
 * @interface
 */
export type SnowflakeConnectionOptions = z.input<typeof snowflakeConnectionOptionsSchema>;

/** The zod schema of {@link SnowflakeWarehouseOptions}. */
export const snowflakeWarehouseOptionsSchema = z
  .object({
    /** How to reach and log in to Snowflake; see {@link snowflakeConnectionFromEnv}. */
    connection: snowflakeConnectionOptionsSchema,
    /**
     * The schema holding the RAW tables (a plain identifier, stored upper-case). It is created by
     * `migrate()`; it is also each session's current schema.
     * @defaultValue `'RAW'`
     */
    schema: z
      .string()
      .regex(IDENTIFIER, 'expected a plain SQL identifier')
      .default(SNOWFLAKE_WAREHOUSE_DEFAULTS.schema),
    /**
     * The `QUERY_TAG` of every statement, to find orderstream's queries in `QUERY_HISTORY`.
     * @defaultValue `'orderstream'`
     */
    queryTag: z.string().max(2000).default(SNOWFLAKE_WAREHOUSE_DEFAULTS.queryTag),
    /**
     * The most sessions the pool opens. A write transaction holds one session for its whole
     * duration; reads take the others.
     * @defaultValue `4` sessions
     */
    poolSize: z.int().min(2).max(32).default(SNOWFLAKE_WAREHOUSE_DEFAULTS.poolSize),
    /**
     * The most bind values (rows × columns) one array-bound INSERT carries. snowflake-sdk uploads
     * the binds of a bigger statement to a temporary stage instead of sending them inline
     * (stage binding); writes are chunked at or below this number so they never are, and it is
     * passed to the driver as its `arrayBindingThreshold` too.
     * @defaultValue `100000` bind values (snowflake-sdk's own default threshold)
     */
    arrayBindingThreshold: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(SNOWFLAKE_WAREHOUSE_DEFAULTS.arrayBindingThreshold),
    /**
     * The internal stage (in the RAW schema) the bulk path uploads its CSV files to; created when missing.
     * @defaultValue `'ORDERSTREAM_LOAD'`
     */
    stage: z
      .string()
      .regex(IDENTIFIER, 'expected a plain SQL identifier')
      .default(SNOWFLAKE_WAREHOUSE_DEFAULTS.stage),
    /**
     * How many times a transient failure (network, lock timeout; see `SNOWFLAKE_RETRYABLE_CODES`)
     * of a statement is retried, with core's `withRetry` backoff. Opening a session is retried until
     * `retryDeadlineMs` instead; `0` turns every retry off.
     * @defaultValue `3` retries
     */
    retries: z.int().min(0).max(20).default(SNOWFLAKE_WAREHOUSE_DEFAULTS.retries),
    /**
     * How many times snowflake-sdk itself retries a login that failed on the network, silently and
     * with its own backoff (its `sfRetryMaxLoginRetries`). orderstream retries a failed login
     * itself instead, visibly (see `log`) and until `retryDeadlineMs`.
     * @defaultValue `0` (snowflake-sdk's own default, 7, waits about 90 s without a word)
     */
    maxLoginRetries: z.int().min(0).max(20).default(SNOWFLAKE_WAREHOUSE_DEFAULTS.maxLoginRetries),
    /**
     * The most time, in milliseconds, one operation keeps retrying transient failures: opening a
     * session retries until then (not bounded by `retries`), statements stop at `retries` or then,
     * whichever comes first. Past it the operation fails with core's `CORE_RETRY_DEADLINE_EXCEEDED`,
     * whose `cause` is the last failure.
     * @defaultValue `60000` (one minute)
     */
    retryDeadlineMs: z.int().min(0).max(3_600_000).default(SNOWFLAKE_WAREHOUSE_DEFAULTS.retryDeadlineMs),
    /**
     * Receives one line per retried failure: what is awaited (a session, a statement), the failure
     * and the backoff. Give it the application's logger so waiting is never silent.
     * @defaultValue none (retries are not logged)
     */
    log: z.custom<RetryLogger>((value) => typeof value === 'function', 'expected a function').optional(),
    /**
     * Where the bulk path writes its temporary CSV files.
     * @defaultValue the OS temporary folder
     */
    tempDir: z.string().min(1).optional(),
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
      .custom<(context: SnowflakeCommitContext) => void | Promise<void>>(
        (value) => typeof value === 'function',
        'expected a function',
      )
      .optional(),
  })
  .strict();

/**
 * Options of {@link createSnowflakeWarehouse}.
 *
 * @example
 * ```ts
 * const warehouse = await createSnowflakeWarehouse({
 *   connection: snowflakeConnectionFromEnv(),
 *   schema: 'RAW',
 * });
 * ```
 *
 * @interface
 */
export type SnowflakeWarehouseOptions = z.input<typeof snowflakeWarehouseOptionsSchema>;

/** {@link SnowflakeWarehouseOptions} with every default filled in. */
export type ResolvedSnowflakeWarehouseOptions = z.output<typeof snowflakeWarehouseOptionsSchema>;
