const BRAND = Symbol.for('orderstream.error');

/**
 * Error codes raised by `@orderstream/core`. Adapter packages define their own lists with their own
 * prefix (`DUCKDB_`, `KAFKA_`, `SNOWFLAKE_`) and raise them through {@link OrderstreamError} too: a
 * failed warehouse statement, transaction or lock is the adapter's code (e.g. `DUCKDB_LOCKED`), whose
 * `retryable` flag is what callers act on, so core has no warehouse codes of its own.
 */
export const CORE_ERROR_CODES = [
  'CORE_INVALID_OPTIONS',
  'CORE_FILE_NOT_FOUND',
  'CORE_FILE_UNREADABLE',
  'CORE_FILE_UNWRITABLE',
  'CORE_CSV_HEADER_MISMATCH',
  'CORE_DATA_DIR_INVALID',
  'CORE_OFFSET_CONFLICT',
  'CORE_UNKNOWN_TABLE',
  'CORE_INVALID_BATCH',
  'CORE_READER_FAILED',
  'CORE_DETECTOR_STATE_INVALID',
  'CORE_DBT_FAILED',
  'CORE_RETRY_DEADLINE_EXCEEDED',
  'CORE_UNSUPPORTED_WAREHOUSE',
] as const;

/** A code raised by `@orderstream/core`. */
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];

/** Options accepted by {@link OrderstreamError}. */
export interface OrderstreamErrorOptions {
  /** The underlying error, kept as the ES2022 `cause`. */
  cause?: unknown;
  /** Structured, secret-free context: file and line, topic/partition/offset, SQL text, zod issues. */
  details?: Record<string, unknown>;
  /** Whether retrying the same operation may succeed. Decided by code where the raiser knows. */
  retryable?: boolean;
}

/**
 * The base class of every error orderstream raises. Each carries a stable `code` to branch on,
 * structured `details` and, where it wraps a foreign error, its `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await loadHistory({ dataDir: './data/olist', warehouse });
 * } catch (error) {
 *   if (isOrderstreamError(error) && error.code === 'CORE_FILE_NOT_FOUND') console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class OrderstreamError<C extends string = string> extends Error {
  /** The stable, machine-readable code: branch on this, never on the message. */
  readonly code: C;
  /** Secret-free structured context. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Whether retrying the operation may succeed. */
  readonly retryable: boolean;
  readonly [BRAND] = true;

  /**
   * @param code - the stable code of this failure
   * @param message - a sentence for people, naming the record, field, file or table involved
   * @param options - cause, details and retryability
   */
  constructor(code: C, message: string, options: OrderstreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OrderstreamError';
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Tells whether a value is an {@link OrderstreamError}, also across two loaded copies of core
 * (it checks a global brand, not `instanceof`).
 *
 * @param value - anything caught
 * @returns `true` when `value` is an orderstream error
 */
export function isOrderstreamError(value: unknown): value is OrderstreamError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
