import { randomInt } from 'node:crypto';
import { createOrderEventStream } from '@orderstream/core';
import { createOrderProducer, replayOlistOrders } from '@orderstream/kafka';
import type { Command } from 'commander';
import { onShutdownSignal } from '../kafka-brokers.js';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';

// What `orderstream produce` does once its options are checked (commands/produce.ts).

/** What `orderstream produce` accepts. */
export interface ProduceCommandOptions {
  topic: string;
  rate?: number;
  count?: number;
  /** The generator's seed; absent: a new one per run (printed), so runs never repeat event ids. */
  seed?: number;
  replay?: string;
  speedup: number;
  eventTime: 'replay' | 'original';
  compression: 'gzip' | 'none';
}

/**
 * The seed of a generated run: the given one (the same events, same event ids, again), else a new
 * random one, so a default run never repeats the event ids of an earlier run.
 *
 * @param given - the `--seed` value, if any
 * @returns the seed to use
 */
export function streamSeed(given: number | undefined): number {
  return given ?? randomInt(0, 0xffff_ffff);
}

/**
 * Publishes generated (or replayed) order events until `--count`, the end of a replay, or
 * SIGINT/SIGTERM, then prints what was sent.
 *
 * @param opts - the parsed command-line options, checked
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code, 0
 */
export async function runProduce(opts: ProduceCommandOptions, command: Command): Promise<number> {
  const controller = new AbortController();
  const removeSignals = onShutdownSignal(() => controller.abort());
  const producer = createOrderProducer({
    clientFactory: kafkaClients(loggerFor(command), 'orderstream-producer'),
    topic: opts.topic,
    compression: opts.compression,
    ...(opts.rate === undefined ? {} : { ratePerSecond: opts.rate }),
  });
  const started = Date.now();
  let lastReport = started;
  producer.on('sent', ({ total }) => {
    const now = Date.now();
    if (now - lastReport < 2000) return;
    lastReport = now;
    console.error(`sent ${total} events (${Math.round((total * 1000) / (now - started))}/s)`);
  });
  // A fresh seed by default: a second default run sends new orders, not the first run's
  // event ids again (which every reader would rightly count once).
  const seed = streamSeed(opts.seed);
  if (!opts.replay && opts.seed === undefined)
    console.error(`seed ${seed} (pass --seed ${seed} to repeat this run)`);
  const replay = opts.replay
    ? replayOlistOrders({
        dataDir: opts.replay,
        speedup: opts.speedup,
        eventTime: opts.eventTime,
        signal: controller.signal,
      })
    : undefined;
  try {
    await producer.connect({ signal: controller.signal });
    const { sent, bytes } = await producer.sendStream(replay ?? createOrderEventStream({ seed }), {
      signal: controller.signal,
      ...(opts.count === undefined ? {} : { limit: opts.count }),
    });
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    console.log(
      `produced ${sent} events (${(bytes / 1e6).toFixed(1)} MB JSON) to ${opts.topic} in ${seconds.toFixed(1)} s` +
        ` (${Math.round(sent / seconds)}/s)`,
    );
    if (replay) {
      const s = replay.stats;
      console.log(
        `replay: ${s.orders} orders read, ${s.emitted} emitted, ${s.skippedWithoutItems} without items,` +
          ` ${s.skippedWithoutCustomer} without customer, ${s.csvRejects} CSV rejects`,
      );
    }
  } catch (error) {
    if (controller.signal.aborted && (error as { name?: string })?.name === 'AbortError') return 0;
    throw error;
  } finally {
    removeSignals();
    await producer.disconnect();
  }
  return 0;
}
