import { Command, InvalidArgumentError } from 'commander';
import type { DlqInspectOptions, DlqReplayOptions } from '../actions/dlq.js';
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

const nonNegativeInt = (value: string) => (value === '0' ? 0 : positiveInt('--samples')(value));

/**
 * `orderstream dlq inspect|replay`: counts the dead-letter topic by reason, and re-publishes fixed
 * dead letters to the orders topic exactly once per dead-letter position.
 *
 * @returns the command
 */
export function dlqCommand(): Command {
  const dlq = new Command('dlq').description(
    'Inspect and replay the dead-letter topic (KAFKA_BROKERS, default 127.0.0.1:9092).',
  );
  dlq
    .command('inspect')
    .description('Read the dead-letter topic to its current end; counts and samples per x-error-code.')
    .option('--dlq <name>', 'dead-letter topic', PACKAGE_DEFAULTS.deadLetterTopic)
    .option('--samples <n>', 'samples per reason', arg(nonNegativeInt), 3)
    .option('--json', 'print the report as JSON on stdout', false)
    .action(
      runAction(async (opts: DlqInspectOptions, command: Command) => {
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything loads
        const { runDlqInspect } = await loadModule('actions/dlq');
        return runDlqInspect(opts, command);
      }),
    );
  dlq
    .command('replay')
    .description(
      'Re-publish dead letters that now pass the order-event schema (or --all) to the orders topic, once each.',
    )
    .option('--dlq <name>', 'dead-letter topic', PACKAGE_DEFAULTS.deadLetterTopic)
    .option('--topic <name>', 'topic to re-publish to', PACKAGE_DEFAULTS.ordersTopic)
    .option('--marker-topic <name>', 'compacted topic recording replayed positions (default: <dlq>.replayed)')
    .option('--code <code>', 'only dead letters with this x-error-code')
    .option('--all', 'replay every dead letter with a value, valid or not', false)
    .option('--dry-run', 'only report what would be replayed', false)
    .option('--json', 'print the report as JSON on stdout', false)
    .action(
      runAction(async (opts: DlqReplayOptions, command: Command) => {
        kafkaBrokers();
        const { runDlqReplay } = await loadModule('actions/dlq');
        return runDlqReplay(opts, command);
      }),
    );
  return dlq;
}
