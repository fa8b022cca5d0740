import type { Warehouse } from '@orderstream/core';
import { createOrderSink } from '@orderstream/kafka';
import { type MetricsServer, startMetricsServer } from '@orderstream/kafka/metrics';
import type { Command } from 'commander';
import { onShutdownSignal } from '../kafka-brokers.js';
import { kafkaClients } from '../kafka-clients.js';
import { loggerFor } from '../logging/command-logger.js';
import { warehouseFromUri } from '../warehouse-from-uri.js';

// What `orderstream sink` does once its options are checked (commands/sink.ts).

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

/**
 * Runs the sink until SIGINT/SIGTERM, then flushes, commits and returns.
 *
 * @param opts - the parsed command-line options, checked
 * @param command - the running command (for the global `--log-format`)
 * @returns the exit code, 0
 */
export async function runSink(opts: SinkCommandOptions, command: Command): Promise<number> {
  const log = loggerFor(command);
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
    log.info(`sink stopped: ${m.records} rows in ${m.batches} flushes, ${m.deadLettered} dead-lettered`, {
      event: 'stopped',
      records: m.records,
      batches: m.batches,
      deadLettered: m.deadLettered,
    });
    return 0;
  } finally {
    if (timer) clearInterval(timer);
    await metricsServer?.close();
    removeSignals();
    await warehouse.close();
  }
}
