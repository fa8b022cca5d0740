import type { ResolvedOrderSinkOptions } from './options.js';

/** The backoff of every retried sink operation, taken once from the options. */
export interface RetrySettings {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

/**
 * The sink's retry settings, from its options.
 *
 * @param options - the resolved sink options
 * @returns the settings `withRetry` takes
 */
export function retrySettings(options: ResolvedOrderSinkOptions): RetrySettings {
  return {
    retries: options.retries,
    minTimeoutMs: options.retryMinTimeoutMs,
    maxTimeoutMs: options.retryMaxTimeoutMs,
  };
}
