import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OrderstreamError } from '@orderstream/core';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../../scripts/kafka.sh', import.meta.url));

/** The local broker as the demo found or started it. */
export interface LocalKafka {
  /** The bootstrap address, e.g. `['127.0.0.1:9092']`. */
  readonly brokers: string[];
  /** Whether this process started it (and so should stop it). */
  readonly started: boolean;
  /** Stops the broker when this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

function script(command: 'start' | 'stop' | 'status', timeout: number) {
  return new Promise<{ ok: boolean; stdout: string; stderr: string; error: Error | null }>((resolve) => {
    execFile('bash', [KAFKA_SCRIPT, command], { timeout }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout, stderr, error });
    });
  });
}

/**
 * Starts the repo's local Kafka broker (KRaft, one node on loopback; jars fetched from Maven
 * Central on first use) unless it already runs. A broker this call started is stopped by
 * {@link LocalKafka.stop}; one that was already running is left alone.
 *
 * @returns the broker's address and whether it was started here
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when the broker cannot be started (the script's
 *   last lines are in `details.stderr`)
 */
export async function startLocalKafka(): Promise<LocalKafka> {
  const running = (await script('status', 30_000)).ok;
  const start = await script('start', 180_000);
  if (!start.ok) {
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `Could not start the local Kafka broker: ${start.error?.message ?? 'unknown error'}`,
      {
        cause: start.error,
        details: { stderr: start.stderr.split('\n').slice(-15).join('\n') },
      },
    );
  }
  const address = start.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^[^\s:]+:\d+$/.test(address)) {
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `scripts/kafka.sh start printed no bootstrap address (last line: ${JSON.stringify(address.slice(0, 80))})`,
      { details: { stderr: start.stderr.split('\n').slice(-15).join('\n') } },
    );
  }
  const started = !running;
  return {
    brokers: [address],
    started,
    stop: async () => {
      if (!started) return;
      const stop = await script('stop', 60_000);
      if (!stop.ok) throw new Error(`Could not stop the local Kafka broker: ${stop.stderr.trim()}`);
    },
  };
}
