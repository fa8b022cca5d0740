import { parseBrokerList } from './preflight.js';

/** The local broker started by `scripts/kafka.sh`. */
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/**
 * The bootstrap brokers of the Kafka commands: `KAFKA_BROKERS` (comma-separated `host:port`), or
 * the local broker.
 *
 * @param env - the environment to read
 * @returns the broker addresses
 * @throws `CLI_BROKERS_INVALID` when `KAFKA_BROKERS` is not a list of `host:port`
 */
export function kafkaBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  return parseBrokerList(env.KAFKA_BROKERS?.trim() || DEFAULT_KAFKA_BROKERS);
}

/**
 * Parses a positive integer option.
 *
 * @param name - the option, for the message
 * @returns a commander argument parser
 */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

/**
 * Parses a positive number option.
 *
 * @param name - the option, for the message
 * @returns a commander argument parser
 */
export function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

/**
 * A repeat of the first shutdown signal within this many milliseconds counts as the same one: a
 * terminal's Ctrl-C reaches the whole foreground process group, and `npm run` forwards it to its
 * child once more, so the CLI receives two SIGINTs for one key press.
 */
export const REPEATED_SIGNAL_MS = 1000;

/** Options of {@link onShutdownSignal}. */
export interface ShutdownSignalOptions {
  /** Whether the program is already stopping on its own: then the first signal quits at once. */
  isStopping?: () => boolean;
  /** Called before a second signal quits the process (exit code 130). */
  onForce?: (signal: NodeJS.Signals) => void;
  /** The clock, in milliseconds. */
  now?: () => number;
}

/**
 * Calls `onSignal` on the first SIGINT or SIGTERM; a second one, at least
 * {@link REPEATED_SIGNAL_MS} later, exits at once with code 130.
 *
 * @returns a function removing the handlers
 */
export function onShutdownSignal(
  onSignal: (signal: NodeJS.Signals) => void,
  options: ShutdownSignalOptions = {},
): () => void {
  const now = options.now ?? Date.now;
  let first: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    const at = now();
    if (first !== undefined && at - first < REPEATED_SIGNAL_MS) return;
    if (first !== undefined || options.isStopping?.()) {
      options.onForce?.(signal);
      process.exit(130);
      return;
    }
    first = at;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
