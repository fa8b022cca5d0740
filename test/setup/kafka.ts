import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));

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
 * broker that was already running is left running.
 */
export async function startKafka(): Promise<KafkaService> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv, teardown: async () => {} };
  const running = await run('bash', [script, 'status']).then(
    () => true,
    () => false,
  );
  const { stdout } = await run('bash', [script, 'start'], { timeout: 180_000 });
  const brokers = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^[^\s:]+:\d+$/.test(brokers))
    throw new Error(`scripts/kafka.sh start printed no bootstrap address: ${stdout}`);
  return {
    brokers,
    teardown: running
      ? async () => {}
      : async () => {
          await run('bash', [script, 'stop'], { timeout: 60_000 });
        },
  };
}
