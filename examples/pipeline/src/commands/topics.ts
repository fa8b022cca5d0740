import { ENSURE_TOPICS_DEFAULTS, ensureTopics } from '@orderstream/kafka';
import { Command, InvalidArgumentError } from 'commander';
import { kafkaClientFactory, positiveInt } from '../kafka-brokers.js';
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
    .option('--topic <name>', 'orders topic', ENSURE_TOPICS_DEFAULTS.ordersTopic)
    .option('--dlq <name>', 'dead-letter topic', ENSURE_TOPICS_DEFAULTS.deadLetterTopic)
    .option(
      '--partitions <n>',
      'partitions of the orders topic',
      arg(positiveInt('--partitions')),
      ENSURE_TOPICS_DEFAULTS.partitions,
    )
    .option(
      '--retention-hours <h>',
      'retention of the orders topic, hours',
      arg(positiveInt('--retention-hours')),
      168,
    )
    .action(
      runAction(async (opts: { topic: string; dlq: string; partitions: number; retentionHours: number }) => {
        const report = await ensureTopics({
          clientFactory: kafkaClientFactory(),
          ordersTopic: opts.topic,
          deadLetterTopic: opts.dlq,
          partitions: opts.partitions,
          retentionMs: opts.retentionHours * 3_600_000,
        });
        for (const t of report.topics) {
          const note = t.status === 'mismatch' ? ` (expected ${t.expectedPartitions})` : '';
          console.log(`${t.status.padEnd(8)} ${t.name} (${t.role}): ${t.partitions} partitions${note}`);
        }
        return report.mismatches.length > 0 ? 1 : 0;
      }),
    );
}
