import { Command, InvalidArgumentError, Option } from 'commander';
import type { SinkCommandOptions } from '../actions/sink.js';
import { kafkaBrokers, positiveInt } from '../kafka-brokers.js';
import { loadModule } from '../lazy-modules.js';
import { DEFAULT_METRICS_PORT } from '../metrics/metrics-port.js';
import { PACKAGE_DEFAULTS } from '../package-defaults.js';
import { checkPortFree, checkWarehouseUri, portOption } from '../preflight.js';
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
 * `orderstream sink`: runs the exactly-once Kafka → warehouse sink until SIGINT/SIGTERM, then
 * flushes, commits and exits 0. With `--json`, prints one JSON line per flush on stdout; with
 * `--metrics-port`, serves Prometheus metrics on `http://--metrics-host:port/metrics`.
 *
 * @returns the command
 */
export function sinkCommand(): Command {
  return new Command('sink')
    .description(
      'Consume order events (KAFKA_BROKERS, default 127.0.0.1:9092) into the warehouse, exactly once.',
    )
    .option(
      '--warehouse <uri>',
      'warehouse: duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA (SNOWFLAKE_* env)',
      DEFAULT_WAREHOUSE_URI,
    )
    .option('--group <id>', 'consumer group (also keys the offsets in the warehouse)', 'orderstream-sink')
    .option('--topic <name>', 'topic to consume', PACKAGE_DEFAULTS.ordersTopic)
    .option('--dlq <name>', 'dead-letter topic', PACKAGE_DEFAULTS.deadLetterTopic)
    .option(
      '--flush-records <n>',
      'flush a partition at this many records',
      arg(positiveInt('--flush-records')),
      PACKAGE_DEFAULTS.sinkFlushMaxRecords,
    )
    .option(
      '--flush-interval-ms <ms>',
      'flush records older than this',
      arg(positiveInt('--flush-interval-ms')),
      PACKAGE_DEFAULTS.sinkFlushIntervalMs,
    )
    .addOption(
      new Option('--tombstones <policy>', 'null values: dead-letter or skip')
        .choices(['dead-letter', 'skip'])
        .default('dead-letter'),
    )
    .option('--json', 'print one JSON line per flush on stdout', false)
    .option(
      '--metrics-interval-ms <ms>',
      'print metrics to stderr this often',
      arg(positiveInt('--metrics-interval-ms')),
      10_000,
    )
    .addOption(
      new Option(
        '--metrics-port [port]',
        `serve Prometheus metrics on this port (${DEFAULT_METRICS_PORT} without a value; off by default)`,
      )
        .preset(String(DEFAULT_METRICS_PORT))
        .argParser(portOption('--metrics-port', true)),
    )
    .option('--metrics-host <host>', 'address the metrics server binds', '127.0.0.1')
    .option(
      '--warehouse-deadline-ms <ms>',
      'give up on an unreachable warehouse (each login or write, retried with backoff) after this long',
      arg(positiveInt('--warehouse-deadline-ms')),
      60_000,
    )
    .action(
      runAction(async (opts: SinkCommandOptions, command: Command) => {
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything starts
        if (opts.metricsPort !== undefined)
          await checkPortFree('--metrics-port', opts.metricsHost, opts.metricsPort);
        await checkWarehouseUri(opts.warehouse);
        const { runSink } = await loadModule('actions/sink');
        return runSink(opts, command);
      }),
    );
}
