/** The local broker started by `scripts/kafka.sh`. */
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/**
 * The bootstrap brokers of the Kafka commands: `KAFKA_BROKERS` (comma-separated `host:port`), or
 * the local broker.
 *
 * @param env - the environment to read
 * @returns the broker addresses
 */
export function kafkaBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.KAFKA_BROKERS?.trim() || DEFAULT_KAFKA_BROKERS;
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
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
 * Calls `onSignal` on the first SIGINT or SIGTERM; a second one exits at once.
 *
 * @returns a function removing the handlers
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let seen = false;
  const handler = (signal: NodeJS.Signals) => {
    if (seen) process.exit(130);
    seen = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
