import type { Warehouse } from '@orderstream/core';
import { createOrderSink, ORDER_SINK_DEFAULTS } from '@orderstream/kafka';
import { METRICS_DEFAULTS, type MetricsServer, startMetricsServer } from '@orderstream/kafka/metrics';
import { Command, InvalidArgumentError, Option } from 'commander';
import { kafkaBrokers, onShutdownSignal, positiveInt } from '../kafka-brokers.js';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';
import { checkPortFree, checkWarehouseUri, portOption } from '../preflight.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI, warehouseFromUri } from '../warehouse-from-uri.js';

/** What `orderstream sink` accepts. */
export interface SinkCommandOptions {
  warehouse: string;
  group: string;
  topic: string;
  dlq: string;
  flushRecords: number;
  flushIntervalMs: number;
  tombstones: 'dead-letter' | 'skip';
  json: boolean;
  metricsIntervalMs: number;
  /** Serve Prometheus metrics on this port (off when absent). */
  metricsPort?: number;
  metricsHost: string;
  /** How long one warehouse operation (a login, a write) keeps retrying, in milliseconds. */
  warehouseDeadlineMs: number;
}

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
    .option('--topic <name>', 'topic to consume', ORDER_SINK_DEFAULTS.topic)
    .option('--dlq <name>', 'dead-letter topic', ORDER_SINK_DEFAULTS.deadLetterTopic)
    .option(
      '--flush-records <n>',
      'flush a partition at this many records',
      arg(positiveInt('--flush-records')),
      ORDER_SINK_DEFAULTS.flushMaxRecords,
    )
    .option(
      '--flush-interval-ms <ms>',
      'flush records older than this',
      arg(positiveInt('--flush-interval-ms')),
      ORDER_SINK_DEFAULTS.flushIntervalMs,
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
        `serve Prometheus metrics on this port (${METRICS_DEFAULTS.port} without a value; off by default)`,
      )
        .preset(String(METRICS_DEFAULTS.port))
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
        const log = loggerFor(command);
        kafkaBrokers(); // a malformed KAFKA_BROKERS is a user error, before anything starts
        await checkWarehouseUri(opts.warehouse);
        if (opts.metricsPort !== undefined)
          await checkPortFree('--metrics-port', opts.metricsHost, opts.metricsPort);
        const warehouse: Warehouse = await warehouseFromUri(opts.warehouse, {
          log: (line, attempt) => log.warn(line, { event: 'retry', ...attempt }),
          retryDeadlineMs: opts.warehouseDeadlineMs,
        });
        let removeSignals = () => {};
        let timer: NodeJS.Timeout | undefined;
        let metricsServer: MetricsServer | undefined;
        try {
          await warehouse.migrate();
          const sink = createOrderSink({
            clientFactory: kafkaClients(log, 'orderstream-sink'),
            topic: opts.topic,
            deadLetterTopic: opts.dlq,
            groupId: opts.group,
            warehouse,
            flushMaxRecords: opts.flushRecords,
            flushIntervalMs: opts.flushIntervalMs,
            tombstones: opts.tombstones,
          });
          sink.on('flush', (f) => {
            if (opts.json) console.log(JSON.stringify({ type: 'flush', ...f }));
          });
          sink.on('dead-letter', (d) =>
            log.warn(`dead-letter ${d.topic}/${d.partition}@${d.offset}: ${d.code} ${d.reason}`, {
              event: 'dead-letter',
              ...d,
            }),
          );
          sink.on('error', (e, ctx) =>
            log.error(`${ctx.fatal ? 'fatal' : 'retrying'} ${e.code}: ${e.message}`, {
              event: 'error',
              code: e.code,
              fatal: ctx.fatal,
            }),
          );
          removeSignals = onShutdownSignal((signal) => {
            log.info(`${signal}: flushing and stopping`, { event: 'signal', signal });
            void sink.stop();
          });
          if (opts.metricsPort !== undefined) {
            metricsServer = await startMetricsServer({
              sink,
              port: opts.metricsPort,
              host: opts.metricsHost,
            });
            log.info(`metrics on ${metricsServer.url}`, { event: 'metrics-server', url: metricsServer.url });
          }
          await sink.start();
          log.info(`sink: ${opts.topic} → ${opts.warehouse} (group ${opts.group})`, {
            event: 'started',
            topic: opts.topic,
            group: opts.group,
          });
          timer = setInterval(() => {
            const m = sink.metrics();
            const lag = m.partitions.map((p) => `${p.partition}:${p.lag ?? '?'}`).join(' ');
            log.info(
              `sink: ${m.records} rows, ${Math.round(m.recordsPerSecond)}/s, ${m.batches} flushes, ${m.deadLettered} dead-lettered,` +
                ` lag ${lag || '-'}, latency p50 ${m.latencyMs.p50?.toFixed(0) ?? '-'} ms p99 ${m.latencyMs.p99?.toFixed(0) ?? '-'} ms`,
              {
                event: 'metrics',
                records: m.records,
                recordsPerSecond: m.recordsPerSecond,
                batches: m.batches,
                deadLettered: m.deadLettered,
                lag: m.partitions.map((p) => ({ partition: p.partition, lag: p.lag })),
                latencyMs: m.latencyMs,
              },
            );
          }, opts.metricsIntervalMs);
          timer.unref();
          await sink.wait();
          const m = sink.metrics();
          log.info(
            `sink stopped: ${m.records} rows in ${m.batches} flushes, ${m.deadLettered} dead-lettered`,
            {
              event: 'stopped',
              records: m.records,
              batches: m.batches,
              deadLettered: m.deadLettered,
            },
          );
          return 0;
        } finally {
          if (timer) clearInterval(timer);
          await metricsServer?.close();
          removeSignals();
          await warehouse.close();
        }
      }),
    );
}
