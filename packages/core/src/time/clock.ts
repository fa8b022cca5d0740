import { z } from 'zod';

/**
 * The source of time for rate control, batching, replay and metrics. Injected so tests can run
 * with fake time; {@link systemClock} is the default everywhere.
 */
export interface Clock {
  /** The current time, in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds (at once for `ms <= 0`), or rejects with the signal's reason
   * when it aborts.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * const startedAt = systemClock.now();
 * await systemClock.sleep(1000, signal);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (ms <= 0) {
        resolve();
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * The zod schema of a {@link Clock} option: anything with `now()` and `sleep()`.
 *
 * @example
 * ```ts
 * const schema = z.object({ clock: clockSchema.default(systemClock) });
 * ```
 */
export const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).sleep === 'function',
  'expected a Clock with now() and sleep()',
);
