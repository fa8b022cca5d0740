import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OrderstreamError } from '@orderstream/core';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../../scripts/kafka.sh', import.meta.url));
const CACHE =
  process.env.KAFKA_HOME_CACHE ?? fileURLToPath(new URL('../../../../.cache/kafka', import.meta.url));

/** The local broker as the demo found or started it. */
export interface LocalKafka {
  /** The bootstrap address, e.g. `['127.0.0.1:9092']`. */
  readonly brokers: string[];
  /** Whether this process started it (and so should stop it). */
  readonly started: boolean;
  /** Stops the broker when this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

/** Options of {@link startLocalKafka}. */
export interface StartLocalKafkaOptions {
  /**
   * Stops the start-up: the script is ended, a broker it launched is stopped, and the promise
   * rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

function script(
  command: 'start' | 'stop' | 'status',
  timeout: number,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
) {
  return new Promise<{ ok: boolean; stdout: string; stderr: string; error: Error | null }>((resolve) => {
    execFile(
      'bash',
      [KAFKA_SCRIPT, command],
      {
        timeout,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.env ? { env: options.env } : {}),
      },
      (error, stdout, stderr) => {
        resolve({ ok: error === null, stdout, stderr, error });
      },
    );
  });
}

/** The broker's pid from the script's pid file, if any. */
function brokerPid(): number | undefined {
  try {
    const pid = Number(readFileSync(`${CACHE}/kafka.pid`, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops a broker this process launched: gracefully, but within a few seconds. */
async function stopStarted(): Promise<void> {
  const stop = await script('stop', 30_000, { env: { ...process.env, KAFKA_STOP_TIMEOUT: '6' } });
  if (!stop.ok) throw new Error(`Could not stop the local Kafka broker: ${stop.stderr.trim()}`);
}

/**
 * Starts the repo's local Kafka broker (KRaft, one node on loopback; jars fetched from Maven
 * Central on first use) unless it already runs. A broker this call started is stopped by
 * {@link LocalKafka.stop} — and, should the process quit without it (a second Ctrl-C), sent
 * SIGTERM as the process exits; one that was already running is left alone.
 *
 * @param options - the abort signal
 * @returns the broker's address and whether it was started here
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` when the broker cannot be started (the script's
 *   last lines are in `details.stderr`); the signal's reason when aborted
 */
export async function startLocalKafka(options: StartLocalKafkaOptions = {}): Promise<LocalKafka> {
  const { signal } = options;
  signal?.throwIfAborted();
  const running = (await script('status', 30_000)).ok;
  const started = !running;
  let stopped = false;
  // A second Ctrl-C exits without waiting: the broker this process launched goes with it.
  const onExit = () => {
    const pid = brokerPid();
    if (started && !stopped && pid !== undefined) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  if (started) process.on('exit', onExit);
  const stop = async () => {
    if (!started || stopped) return;
    stopped = true;
    process.off('exit', onExit);
    await stopStarted();
  };
  const start = await script('start', 180_000, signal ? { signal } : {});
  if (signal?.aborted) {
    await stop();
    throw signal.reason;
  }
  if (!start.ok) {
    await stop().catch(() => undefined);
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `Could not start the local Kafka broker: ${start.stderr.trim().split('\n').at(-1) ?? start.error?.message ?? 'unknown error'}`,
      {
        cause: start.error,
        details: { stderr: start.stderr.split('\n').slice(-15).join('\n') },
      },
    );
  }
  const address = start.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!/^[^\s:]+:\d+$/.test(address)) {
    await stop().catch(() => undefined);
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `scripts/kafka.sh start printed no bootstrap address (last line: ${JSON.stringify(address.slice(0, 80))})`,
      { details: { stderr: start.stderr.split('\n').slice(-15).join('\n') } },
    );
  }
  return { brokers: [address], started, stop };
}
