import { Command, InvalidArgumentError } from 'commander';
import type { TopicsCommandOptions } from '../actions/topics.js';
import { kafkaBrokers, positiveInt } from '../kafka-brokers.js';
import { loadModule } from '../lazy-modules.js';
import { PACKAGE_DEFAULTS } from '../package-defaults.js';
import { runAction } from '../run-action.js';

const arg = (parse: (v: string) => number) => (value: string) => {
  try {
    return parse(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/**
 * `orderstream topics`: creates the orders and dead-letter topics when missing and checks the
 * partition counts of existing ones (exit code 1 on a mismatch).
 *
 * @returns the command
 */
export function topicsCommand(): Command {
  return new Command('topics')
    .description(
      'Create the orders and dead-letter topics (KAFKA_BROKERS, default 127.0.0.1:9092) and check them.',
    )
    .option('--topic <name>', 'orders topic', PACKAGE_DEFAULTS.ordersTopic)
    .option('--dlq <name>', 'dead-letter topic', PACKAGE_DEFAULTS.deadLetterTopic)
    .option(
      '--partitions <n>',
      'partitions of the orders topic',
      arg(positiveInt('--partitions')),
      PACKAGE_DEFAULTS.ordersTopicPartitions,
    )
    .option(
      '--retention-hours <h>',
      'retention of the orders topic, hours',
      arg(positiveInt('--retention-hours')),
      168,
    )
    .action(
      runAction(async (opts: TopicsCommandOptions, command: Command) => {
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything loads
        const { runTopics } = await loadModule('actions/topics');
        return runTopics(opts, command);
      }),
    );
}
