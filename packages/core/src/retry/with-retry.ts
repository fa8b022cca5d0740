import pRetry from 'p-retry';
import { isOrderstreamError } from '../errors/orderstream-error.js';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /**
   * How many times to retry after the first failure.
   * @defaultValue 5
   */
  retries?: number;
  /**
   * The first delay, in milliseconds; later delays grow by `factor`.
   * @defaultValue 200
   */
  minTimeoutMs?: number;
  /**
   * The longest delay, in milliseconds.
   * @defaultValue 10000
   */
  maxTimeoutMs?: number;
  /**
   * The backoff factor.
   * @defaultValue 2
   */
  factor?: number;
  /**
   * Decides whether an error is worth retrying.
   * @defaultValue an {@link OrderstreamError} whose `retryable` is true
   */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each retry, e.g. to pause consumption and report. */
  onRetry?: (error: unknown, attempt: number, retriesLeft: number) => void;
  /** Aborts the waiting between attempts. */
  signal?: AbortSignal;
}

const defaultIsRetryable = (error: unknown): boolean => isOrderstreamError(error) && error.retryable;

/**
 * Runs `operation`, retrying with exponential backoff and jitter while the error is retryable.
 * This is the one place orderstream loops on errors; retryability is decided by error code.
 *
 * @param operation - the work; receives the attempt number (1-based)
 * @param options - backoff and classification
 * @returns what `operation` returns
 * @throws the last error, or the first non-retryable one, unchanged
 * @example
 * ```ts
 * await withRetry(() => warehouse.writeWithOffsets(writes, offsets), { retries: 8 });
 * ```
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  return pRetry((attempt) => operation(attempt), {
    retries: options.retries ?? 5,
    minTimeout: options.minTimeoutMs ?? 200,
    maxTimeout: options.maxTimeoutMs ?? 10_000,
    factor: options.factor ?? 2,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && isRetryable(error)) options.onRetry?.(error, attemptNumber, retriesLeft);
    },
  });
}
