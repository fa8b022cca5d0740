import { createOrderEventStream } from '@orderstream/core';
import { createOrderProducer, ORDER_PRODUCER_DEFAULTS, replayOlistOrders } from '@orderstream/kafka';
import { Command, InvalidArgumentError, Option } from 'commander';
import { kafkaBrokers, onShutdownSignal, positiveInt, positiveNumber } from '../kafka-brokers.js';
import { checkReadableDir } from '../preflight.js';
import { runAction } from '../run-action.js';

/** What `orderstream produce` accepts. */
export interface ProduceCommandOptions {
  topic: string;
  rate?: number;
  count?: number;
  seed: number;
  replay?: string;
  speedup: number;
  eventTime: 'replay' | 'original';
  compression: 'gzip' | 'none';
}

const arg = (parse: (v: string) => number) => (value: string) => {
  try {
    return parse(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/**
 * `orderstream produce`: publishes live generated order events (seeded), or replays the Olist
 * history of a folder with time compression. Stops on `--count`, at the end of a replay, or on
 * SIGINT/SIGTERM.
 *
 * @returns the command
 */
export function produceCommand(): Command {
  return new Command('produce')
    .description(
      'Publish order events to Kafka (KAFKA_BROKERS, default 127.0.0.1:9092): generated live, or replayed from Olist CSVs.',
    )
    .option('--topic <name>', 'topic', ORDER_PRODUCER_DEFAULTS.topic)
    .option(
      '--rate <n>',
      'events per second (default: as fast as acknowledged)',
      arg(positiveNumber('--rate')),
    )
    .option(
      '--count <n>',
      'stop after this many events (default: endless, or the whole replay)',
      arg(positiveInt('--count')),
    )
    .option(
      '--seed <n>',
      'seed of the generator',
      arg((v) => (v === '0' ? 0 : positiveInt('--seed')(v))),
      42,
    )
    .option('--replay <dir>', 'replay the Olist orders of this folder instead of generating')
    .option(
      '--speedup <x>',
      'replay time compression: history gaps are divided by this',
      arg(positiveNumber('--speedup')),
      1,
    )
    .addOption(
      new Option('--event-time <mode>', 'replayed event_time: now (replay) or the purchase time (original)')
        .choices(['replay', 'original'])
        .default('replay'),
    )
    .addOption(
      new Option('--compression <codec>', 'record compression').choices(['gzip', 'none']).default('gzip'),
    )
    .action(
      runAction(async (opts: ProduceCommandOptions) => {
        const brokers = kafkaBrokers();
        if (opts.replay !== undefined)
          await checkReadableDir('--replay', opts.replay, 'pass the folder holding the Olist CSV files');
        const controller = new AbortController();
        const removeSignals = onShutdownSignal(() => controller.abort());
        const producer = createOrderProducer({
          brokers,
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
        const replay = opts.replay
          ? replayOlistOrders({
              dataDir: opts.replay,
              speedup: opts.speedup,
              eventTime: opts.eventTime,
              signal: controller.signal,
            })
          : undefined;
        try {
          await producer.connect();
          const { sent, bytes } = await producer.sendStream(
            replay ?? createOrderEventStream({ seed: opts.seed }),
            {
              signal: controller.signal,
              ...(opts.count === undefined ? {} : { limit: opts.count }),
            },
          );
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
      }),
    );
}
