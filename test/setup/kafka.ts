import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The global setup is loaded without the workspace's source condition, so it cannot import the
// packages: it talks to the broker with kafkajs itself.
import { Kafka, logLevel } from 'kafkajs';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));

/** A running Kafka for the integration suites, and how to release it. */
export interface KafkaService {
  /** Comma-separated `host:port` bootstrap brokers. */
  readonly brokers: string;
  /** Stops the broker if this setup started it; otherwise does nothing. */
  readonly teardown: () => Promise<void>;
}

function script(command: 'start' | 'stop' | 'status', timeoutMs: number) {
  return new Promise<{ ok: boolean; stdout: string; stderr: string; error: Error | null }>((resolve) => {
    execFile('bash', [KAFKA_SCRIPT, command], { timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout, stderr, error });
    });
  });
}

/**
 * Uses the brokers in `KAFKA_BROKERS` when set; otherwise the repo's local broker
 * (`scripts/kafka.sh`, on `KAFKA_PORT`), started here if it is not running yet and then stopped at
 * teardown. A broker that was already running is left running.
 */
export async function startKafka(): Promise<KafkaService> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv, teardown: async () => {} };
  const running = (await script('status', 30_000)).ok;
  const start = await script('start', 180_000);
  const address = start.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!start.ok || !/^[^\s:]+:\d+$/.test(address))
    throw new Error(
      `scripts/kafka.sh start failed (${start.error?.message ?? `printed ${JSON.stringify(address)}`}):\n` +
        start.stderr.split('\n').slice(-15).join('\n'),
    );
  await warmGroupCoordinator([address]);
  return {
    brokers: address,
    teardown: async () => {
      if (running) return;
      const stop = await script('stop', 60_000);
      if (!stop.ok) throw new Error(`Could not stop the local Kafka broker: ${stop.stderr.trim()}`);
    },
  };
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
