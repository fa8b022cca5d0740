import { randomInt } from 'node:crypto';
import { createOrderEventStream } from '@orderstream/core';
import { createOrderProducer, ORDER_PRODUCER_DEFAULTS, replayOlistOrders } from '@orderstream/kafka';
import { Command, InvalidArgumentError, Option } from 'commander';
import { onShutdownSignal, positiveInt, positiveNumber } from '../kafka-brokers.js';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';
import { checkReadableDir } from '../preflight.js';
import { runAction } from '../run-action.js';

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
      'seed of the generator: the same seed sends the same events (same event ids, so a re-run counts once); ' +
        'default: a new seed each run, printed, so a run never repeats the event ids of an earlier one',
      arg((v) => (v === '0' ? 0 : positiveInt('--seed')(v))),
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
      runAction(async (opts: ProduceCommandOptions, command: Command) => {
        if (opts.replay !== undefined)
          await checkReadableDir('--replay', opts.replay, 'pass the folder holding the Olist CSV files');
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
          await producer.connect();
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
      }),
    );
}
