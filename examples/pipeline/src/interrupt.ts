import { onShutdownSignal } from './kafka-brokers.js';
import { CliError, INTERRUPTED_EXIT_CODE } from './usage-error.js';

/** Options of {@link createInterrupt}. */
export interface InterruptOptions {
  /** Called on the first Ctrl-C / SIGTERM, before the signal aborts. */
  onFirst?: (signal: NodeJS.Signals) => void;
  /** Called before a second Ctrl-C quits at once. */
  onForce?: (signal: NodeJS.Signals) => void;
  /**
   * After the first signal, quit with 130 when the command has not finished within this long, in
   * milliseconds (0: wait as long as it takes).
   * @defaultValue 0
   */
  graceMs?: number;
}

/** Ctrl-C as an `AbortSignal`: the first one aborts, a second one quits at once. */
export interface Interrupt {
  /** Aborted by the first SIGINT/SIGTERM, its reason a `CLI_INTERRUPTED` error. */
  readonly signal: AbortSignal;
  /** Removes the signal handlers. */
  dispose(): void;
}

let interrupted = false;

/**
 * Whether a Ctrl-C (or SIGTERM) has stopped this process: errors raised while a command unwinds
 * after one are part of the stop, not failures.
 *
 * @returns whether the process was interrupted
 */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Whether an error is the abort of an interrupt (its reason, or an `AbortError` caused by it).
 *
 * @param error - anything thrown
 * @returns whether it reports an interruption
 */
export function isInterruption(error: unknown): boolean {
  if (error instanceof CliError && error.code === 'CLI_INTERRUPTED') return true;
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: unknown };
  return name === 'AbortError' && (interrupted || isInterruption(cause));
}

/**
 * Turns Ctrl-C into an `AbortSignal` for a command's phases: pass `signal` to every long step
 * (generation, loading, dbt, broker start-up); the first Ctrl-C aborts them all, a second one
 * (at least a second later: `npm run` forwards one press twice) quits at once with 130.
 *
 * @param options - callbacks and the grace period
 * @returns the signal and its disposer
 */
export function createInterrupt(options: InterruptOptions = {}): Interrupt {
  const controller = new AbortController();
  const dispose = onShutdownSignal(
    (signal) => {
      interrupted = true;
      options.onFirst?.(signal);
      if (options.graceMs) {
        setTimeout(() => {
          console.error(`still stopping after ${options.graceMs} ms: quitting`);
          process.exit(INTERRUPTED_EXIT_CODE);
        }, options.graceMs).unref();
      }
      controller.abort(new CliError('CLI_INTERRUPTED', `interrupted by ${signal}`, { details: { signal } }));
    },
    {
      isStopping: () => controller.signal.aborted,
      ...(options.onForce ? { onForce: options.onForce } : {}),
    },
  );
  return { signal: controller.signal, dispose };
}
