import { setTimeout as sleepFor } from 'node:timers/promises';
import pRetry from 'p-retry';
import { isOrderstreamError, OrderstreamError } from '../errors/orderstream-error.js';

/** One failed attempt that {@link withRetry} is about to retry (or gives up on), as logged. */
export interface RetryAttempt {
  /** What the loop waits for, e.g. `a Snowflake session for account xy12345`. */
  readonly what: string;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  /** The wait before the next attempt, in milliseconds; `undefined` when giving up. */
  readonly delayMs: number | undefined;
  /** Milliseconds since the first attempt started. */
  readonly elapsedMs: number;
  /** The deadline, in milliseconds since the first attempt; `undefined` when there is none. */
  readonly deadlineMs: number | undefined;
  /** The failure's `code` (an {@link OrderstreamError}'s, or a foreign error's `code`/`name`). */
  readonly code: string;
  /** The failure's message (adapters keep secrets out of their errors' messages). */
  readonly message: string;
}

/** Receives one line per failed attempt: what failed, why, and how long the loop now waits. */
export type RetryLogger = (line: string, attempt: RetryAttempt) => void;

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
  /**
   * What the loop waits for, named in every log line and in the give-up error.
   * @defaultValue `'the operation'`
   */
  what?: string;
  /**
   * The most time, in milliseconds from the first attempt, the loop keeps trying: no attempt starts
   * after it, and a retryable failure past it ends the loop with `CORE_RETRY_DEADLINE_EXCEEDED`.
   * @defaultValue no deadline (only `retries` bounds the loop)
   */
  deadlineMs?: number;
  /**
   * Receives one line per failed attempt that is retried (with its backoff) and one when the
   * loop gives up on a retryable failure.
   * @defaultValue no logging
   */
  log?: RetryLogger;
  /**
   * The clock of the deadline, in milliseconds. Injectable for tests.
   * @defaultValue `performance.now`
   */
  clock?: () => number;
  /**
   * Waits between attempts. Injectable for tests (with `clock`).
   * @defaultValue a timer
   */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

const defaultIsRetryable = (error: unknown): boolean => isOrderstreamError(error) && error.retryable;

const defaultSleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  sleepFor(ms, undefined, signal ? { signal } : {});

function codeOf(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return typeof name === 'string' ? name : 'Error';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs `operation`, retrying with exponential backoff and jitter while the error is retryable.
 * This is the one place orderstream loops on errors; retryability is decided by error code.
 *
 * Waiting is visible: with `log`, every retried failure gives one line naming `what` is awaited,
 * the failure, and the backoff before the next attempt. With `deadlineMs`, the loop gives up when
 * the deadline passes with a clear `CORE_RETRY_DEADLINE_EXCEEDED` error whose `cause` is the last
 * failure (and whose `retryable` is the last failure's, so an outer loop can decide again).
 *
 * @param operation - the work; receives the attempt number (1-based)
 * @param options - backoff, classification, deadline and logging
 * @returns what `operation` returns
 * @throws `OrderstreamError` `CORE_RETRY_DEADLINE_EXCEEDED` when the deadline passed; otherwise
 *   the last error, or the first non-retryable one, unchanged
 * @example
 * ```ts
 * await withRetry(() => warehouse.writeWithOffsets(writes, offsets), {
 *   what: 'the warehouse write',
 *   deadlineMs: 60_000,
 *   log: (line) => console.warn(line),
 * });
 * ```
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  const clock = options.clock ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const what = options.what ?? 'the operation';
  const { deadlineMs, log, signal } = options;
  const minTimeoutMs = options.minTimeoutMs ?? 200;
  const maxTimeoutMs = options.maxTimeoutMs ?? 10_000;
  const factor = options.factor ?? 2;
  const started = clock();

  const report = (error: unknown, attempt: number, delayMs: number | undefined): RetryAttempt => {
    const elapsedMs = Math.round(clock() - started);
    const entry: RetryAttempt = {
      what,
      attempt,
      delayMs,
      elapsedMs,
      deadlineMs,
      code: codeOf(error),
      message: error instanceof Error ? error.message : String(error),
    };
    if (log) {
      const failure = `attempt ${attempt} failed after ${seconds(elapsedMs)} (${entry.code}: ${entry.message})`;
      log(
        delayMs === undefined
          ? `gave up waiting for ${what}: ${failure}`
          : `waiting for ${what}: ${failure}; retrying in ${seconds(delayMs)}` +
              (deadlineMs === undefined ? '' : ` (gives up after ${seconds(deadlineMs)})`),
        entry,
      );
    }
    return entry;
  };

  // p-retry counts attempts and classifies; the wait is taken here, so that it can be logged and
  // cut at the deadline.
  return pRetry((attempt) => operation(attempt), {
    retries: options.retries ?? 5,
    minTimeout: 0,
    maxTimeout: 0,
    ...(signal ? { signal } : {}),
    shouldRetry: ({ error }) => isRetryable(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
      if (!isRetryable(error)) return;
      const remainingMs =
        deadlineMs === undefined ? Number.POSITIVE_INFINITY : deadlineMs - (clock() - started);
      if (remainingMs <= 0) {
        const entry = report(error, attemptNumber, undefined);
        throw new OrderstreamError(
          'CORE_RETRY_DEADLINE_EXCEEDED',
          `Gave up waiting for ${what} after ${attemptNumber} attempt${attemptNumber === 1 ? '' : 's'} in ${seconds(entry.elapsedMs)} (deadline ${seconds(deadlineMs ?? 0)}): ${entry.code}: ${entry.message}`,
          {
            cause: error,
            details: {
              what,
              attempts: attemptNumber,
              elapsedMs: entry.elapsedMs,
              deadlineMs,
              lastCode: entry.code,
            },
            retryable: true,
          },
        );
      }
      if (retriesLeft <= 0) {
        report(error, attemptNumber, undefined);
        return;
      }
      const backoff = Math.min(maxTimeoutMs, minTimeoutMs * factor ** retriesConsumed * (1 + Math.random()));
      const delayMs = Math.round(Math.max(0, Math.min(backoff, remainingMs)));
      report(error, attemptNumber, delayMs);
      options.onRetry?.(error, attemptNumber, retriesLeft);
      if (delayMs > 0) await sleep(delayMs, signal);
    },
  });
}
