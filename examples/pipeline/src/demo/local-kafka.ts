import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OrderstreamError } from '@orderstream/core';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../../scripts/kafka.sh', import.meta.url));

/**
 * Starts the repo's local Kafka broker (KRaft, one node on loopback; jars fetched from Maven
 * Central on first use) unless it already runs, and returns its bootstrap address.
 *
 * @returns the brokers, e.g. `['127.0.0.1:9092']`
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when the broker cannot be started (the script's
 *   last lines are in `details.stderr`)
 */
export function startLocalKafka(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('bash', [KAFKA_SCRIPT, 'start'], { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new OrderstreamError(
            'CORE_INVALID_OPTIONS',
            `Could not start the local Kafka broker: ${error.message}`,
            {
              cause: error,
              details: { stderr: stderr.split('\n').slice(-15).join('\n') },
            },
          ),
        );
        return;
      }
      const address = stdout.trim().split('\n').at(-1)?.trim() ?? '';
      resolve([address]);
    });
  });
}
