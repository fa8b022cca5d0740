import { Command, InvalidArgumentError, Option } from 'commander';
import type { HealthCommandOptions } from '../actions/health.js';
import { HEALTH_RULES } from '../health/health-rules.js';
import { kafkaBrokers, positiveInt } from '../kafka-brokers.js';
import { loadModule } from '../lazy-modules.js';
import { DEFAULT_METRICS_PORT } from '../metrics/metrics-port.js';
import { PACKAGE_DEFAULTS } from '../package-defaults.js';
import { checkWarehouseUri } from '../preflight.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI } from '../warehouse-uri.js';

const arg = (parse: (v: string) => number) => (value: string) => {
  try {
    return parse(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

/**
 * `orderstream health`: the 5-minute monitor of the original design as a one-shot command for cron
 * or Airflow — freshness of the streamed rows in the warehouse, dead letters appended to the DLQ
 * topic within a window, and the sink group's consumer lag, the latter two read from Kafka. Exit
 * code 0 when every selected rule passes, 1 when one fails or the check itself cannot run. It
 * writes nothing: the long-running pipeline records health alerts itself.
 *
 * @returns the command
 */
export function healthCommand(): Command {
  return new Command('health')
    .description(
      'Check freshness, dead-letter growth and consumer lag once; exit 1 when unhealthy (for cron or Airflow).',
    )
    .option(
      '--warehouse <uri>',
      'duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA',
      DEFAULT_WAREHOUSE_URI,
    )
    .option('--group <id>', "the sink's consumer group", 'orderstream-sink')
    .option('--topic <name>', 'the orders topic', PACKAGE_DEFAULTS.ordersTopic)
    .option('--dlq <name>', 'the dead-letter topic', PACKAGE_DEFAULTS.deadLetterTopic)
    .option(
      '--max-staleness-s <seconds>',
      'newest streamed row older than this is stale',
      arg(positiveInt('--max-staleness-s')),
      120,
    )
    .option(
      '--max-lag <records>',
      'total consumer lag above this is unhealthy',
      arg(positiveInt('--max-lag')),
      50_000,
    )
    .option(
      '--dead-letter-window-s <seconds>',
      'any dead letter within this window is unhealthy',
      arg(positiveInt('--dead-letter-window-s')),
      300,
    )
    .option(
      '--progress-window-s <seconds>',
      'while the group has lag, watch it this long for progress and restarts (0: one snapshot)',
      arg((v) => (v === '0' ? 0 : positiveInt('--progress-window-s')(v))),
      15,
    )
    .option(
      '--max-restarts <n>',
      'this many consumers joining the group within the watch window is a restart loop',
      arg(positiveInt('--max-restarts')),
      3,
    )
    .option(
      '--sink-metrics <url>',
      `read freshness from the running sink's Prometheus endpoint instead of the warehouse (tried at http://127.0.0.1:${DEFAULT_METRICS_PORT}/metrics when the DuckDB file is held by the sink)`,
    )
    .addOption(
      new Option('--rule <name...>', 'check only these rules (default: all)').choices(
        Object.keys(HEALTH_RULES),
      ),
    )
    .option('--json', 'print the findings as one JSON object on stdout', false)
    .action(
      runAction(async (options: HealthCommandOptions, command: Command) => {
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything loads
        await checkWarehouseUri(options.warehouse);
        const { runHealthCommand } = await loadModule('actions/health');
        return runHealthCommand(options, command);
      }),
    );
}
