import {
  ORDER_SINK_DEFAULTS,
  readDeadLetters,
  replayDeadLetters,
  summarizeDeadLetters,
} from '@orderstream/kafka';
import { Command, InvalidArgumentError } from 'commander';
import { positiveInt } from '../kafka-brokers.js';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';
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
    .option('--dlq <name>', 'dead-letter topic', ORDER_SINK_DEFAULTS.deadLetterTopic)
    .option('--samples <n>', 'samples per reason', arg(nonNegativeInt), 3)
    .option('--json', 'print the report as JSON on stdout', false)
    .action(
      runAction(async (opts: { dlq: string; samples: number; json: boolean }, command: Command) => {
        const deadLetters = await readDeadLetters({
          clientFactory: kafkaClients(loggerFor(command), 'orderstream-dlq'),
          deadLetterTopic: opts.dlq,
        });
        const report = summarizeDeadLetters(opts.dlq, deadLetters, opts.samples);
        if (opts.json) {
          console.log(JSON.stringify(report));
          return 0;
        }
        console.log(`${report.topic}: ${report.total} dead letters`);
        for (const c of report.codes) console.log(`${String(c.count).padStart(8)}  ${c.code}`);
        for (const c of report.codes) {
          if (c.samples.length === 0) continue;
          console.log(`\n${c.code}:`);
          for (const s of c.samples) {
            const from = s.originalTopic
              ? `${s.originalTopic}/${s.originalPartition}@${s.originalOffset}`
              : '?';
            console.log(`  ${s.position} from ${from}: ${s.reason ?? '-'}`);
            console.log(`    value: ${s.value === null ? '(none)' : JSON.stringify(s.value)}`);
          }
        }
        return 0;
      }),
    );
  dlq
    .command('replay')
    .description(
      'Re-publish dead letters that now pass the order-event schema (or --all) to the orders topic, once each.',
    )
    .option('--dlq <name>', 'dead-letter topic', ORDER_SINK_DEFAULTS.deadLetterTopic)
    .option('--topic <name>', 'topic to re-publish to', ORDER_SINK_DEFAULTS.topic)
    .option('--marker-topic <name>', 'compacted topic recording replayed positions (default: <dlq>.replayed)')
    .option('--code <code>', 'only dead letters with this x-error-code')
    .option('--all', 'replay every dead letter with a value, valid or not', false)
    .option('--dry-run', 'only report what would be replayed', false)
    .option('--json', 'print the report as JSON on stdout', false)
    .action(
      runAction(
        async (
          opts: {
            dlq: string;
            topic: string;
            markerTopic?: string;
            code?: string;
            all: boolean;
            dryRun: boolean;
            json: boolean;
          },
          command: Command,
        ) => {
          const log = loggerFor(command);
          const report = await replayDeadLetters({
            clientFactory: kafkaClients(log, 'orderstream-dlq'),
            deadLetterTopic: opts.dlq,
            topic: opts.topic,
            all: opts.all,
            dryRun: opts.dryRun,
            ...(opts.markerTopic === undefined ? {} : { markerTopic: opts.markerTopic }),
            ...(opts.code === undefined ? {} : { code: opts.code }),
          });
          if (opts.json) console.log(JSON.stringify(report));
          log.info(
            `${opts.dryRun ? 'would replay' : 'replayed'} ${report.replayed.length} of ${report.scanned} dead letters to ${opts.topic}` +
              ` (${report.alreadyReplayed} already replayed, ${report.stillInvalid} still invalid, ${report.noValue} without value, ${report.otherCode} other code)`,
            { event: 'dlq-replay', topic: opts.topic, deadLetterTopic: opts.dlq, ...report },
          );
          return 0;
        },
      ),
    );
  return dlq;
}
