import { startLocalKafka } from '../../examples/pipeline/src/demo/local-kafka.js';

/** A running Kafka for the integration suites, and how to release it. */
export interface KafkaService {
  /** Comma-separated `host:port` bootstrap brokers. */
  readonly brokers: string;
  /** Stops the broker if this setup started it; otherwise does nothing. */
  readonly teardown: () => Promise<void>;
}

/**
 * Uses the brokers in `KAFKA_BROKERS` when set; otherwise the repo's local broker
 * (`scripts/kafka.sh`), started here if it is not running yet and then stopped at teardown. A
 * broker that was already running is left running. The local broker is handled by the demo's own
 * `startLocalKafka`, so every integration run exercises it.
 */
export async function startKafka(): Promise<KafkaService> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv, teardown: async () => {} };
  const local = await startLocalKafka();
  return { brokers: local.brokers.join(','), teardown: () => local.stop() };
}
