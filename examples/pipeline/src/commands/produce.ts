import { Command, InvalidArgumentError, Option } from 'commander';
import type { ProduceCommandOptions } from '../actions/produce.js';
import { kafkaBrokers, positiveInt, positiveNumber } from '../kafka-brokers.js';
import { loadModule } from '../lazy-modules.js';
import { PACKAGE_DEFAULTS } from '../package-defaults.js';
import { checkReadableDir } from '../preflight.js';
import { runAction } from '../run-action.js';

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
    .option('--topic <name>', 'topic', PACKAGE_DEFAULTS.ordersTopic)
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
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything loads
        if (opts.replay !== undefined)
          await checkReadableDir('--replay', opts.replay, 'pass the folder holding the Olist CSV files');
        const { runProduce } = await loadModule('actions/produce');
        return runProduce(opts, command);
      }),
    );
}
