import { Kafka, logLevel } from 'kafkajs';
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
  await warmGroupCoordinator(local.brokers);
  return { brokers: local.brokers.join(','), teardown: () => local.stop() };
}

/**
 * Looks up a group coordinator once, retrying while the broker answers "coordinator not available"
 * or "loading": on a fresh broker the first lookup creates `__consumer_offsets`, and a consumer that
 * joins while it loads may crash with kafkajs' non-retriable `KafkaJSGroupCoordinatorNotFound`.
 */
async function warmGroupCoordinator(brokers: string[]): Promise<void> {
  const admin = new Kafka({
    brokers,
    clientId: 'orderstream-test-setup',
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
  }).admin();
  await admin.connect();
  try {
    await admin.describeGroups(['orderstream-test-warmup']);
  } finally {
    await admin.disconnect();
  }
}
