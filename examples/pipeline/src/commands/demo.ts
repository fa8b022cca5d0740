import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DbtRunSummary, Warehouse } from '@orderstream/core';
import {
  createOlistCatalog,
  createOrderEventStream,
  generateOlistDataset,
  loadHistory,
  OLIST_TABLES,
  resolveBusinessTimeZone,
} from '@orderstream/core';
import { createDashboardServer } from '@orderstream/example-dashboard';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DbtCoordinator } from '../demo/dbt-coordinator.js';
import { HealthCheck } from '../demo/health-check.js';
import { startLiveDetectors } from '../demo/live-detectors.js';
import { startLocalKafka } from '../demo/local-kafka.js';
import { Scheduler } from '../demo/scheduler.js';
import { kafkaBrokers, onShutdownSignal } from '../kafka-brokers.js';
import { registerPipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { MetricsServer } from '../metrics/sink-metrics.js';
import { DEFAULT_METRICS_PORT, startMetricsServer } from '../metrics/sink-metrics.js';
import { createProgress } from '../progress.js';
import { runAction } from '../run-action.js';
import { DEFAULT_WAREHOUSE_URI, warehouseFromUri } from '../warehouse-from-uri.js';
import { formatLoadSummary } from './load-history.js';

interface DemoOptions {
  data?: string;
  orders: number;
  seed: number;
  streamSeed?: number;
  warehouse: string;
  rate: number;
  dbt: boolean;
  dbtEvery: number;
  fullEtlEvery: number;
  healthEvery: number;
  host: string;
  port: number;
  duration: number;
  /** Serve Prometheus metrics on this port (off when absent). */
  metricsPort?: number;
  metricsHost: string;
  /** The business time zone (IANA name); else ORDERSTREAM_TIME_ZONE, else the default. */
  timeZone?: string;
}

const positive = (name: string) => (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return number;
};

const MINUTE = 60_000;
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

/**
 * `orderstream demo`: the whole mission in one command, on embedded defaults — a local Kafka
 * broker (unless `KAFKA_BROKERS` is set), a generated (or given) Olist history loaded into the
 * warehouse, a dbt build, the sink, a producer at `--rate`, the detectors on the live stream, the
 * schedule of the original design (incremental dbt, daily full ETL, 5-minute health check) and the
 * dashboard on http://127.0.0.1:8501. Ctrl-C stops it cleanly, flushing and committing.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run everything: local Kafka, history load, dbt, sink, producer, detectors, schedule and the dashboard.',
    )
    .option(
      '--data <dir>',
      'a folder with the nine Olist CSV files (default: generate one into ./data/olist-<orders>-seed<seed>)',
    )
    .option('--orders <n>', 'orders to generate when --data is not given', positive('--orders'), 99_441)
    .option('--seed <n>', 'seed of the generated history and stream', positive('--seed'), 42)
    .option(
      '--stream-seed <n>',
      'seed of the live stream (default: a new one each run, so event ids never repeat)',
      positive('--stream-seed'),
    )
    .addOption(
      new Option(
        '--warehouse <uri>',
        'duckdb (./data/orderstream.duckdb), duckdb:PATH, snowflake or snowflake:SCHEMA',
      )
        .env('ORDERSTREAM_WAREHOUSE')
        .default(DEFAULT_WAREHOUSE_URI),
    )
    .option('--rate <events/s>', 'live order events produced per second', positive('--rate'), 20)
    .option('--no-dbt', 'skip the dbt builds')
    .option('--dbt-every <minutes>', 'incremental dbt build interval (0: off)', positive('--dbt-every'), 10)
    .option(
      '--full-etl-every <hours>',
      'full ETL interval: check files, reload, full dbt build',
      positive('--full-etl-every'),
      24,
    )
    .option('--health-every <minutes>', 'health check interval', positive('--health-every'), 5)
    .option('--host <host>', 'the dashboard address to bind', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'the dashboard port')
        .env('ORDERSTREAM_DASHBOARD_PORT')
        .argParser(positive('--port'))
        .default(8501),
    )
    .option('--duration <seconds>', 'stop after this long (0: run until Ctrl-C)', positive('--duration'), 0)
    .addOption(
      new Option(
        '--metrics-port [port]',
        `serve Prometheus metrics (sink and pipeline) on this port (${DEFAULT_METRICS_PORT} without a value; off by default)`,
      )
        .preset(DEFAULT_METRICS_PORT)
        .argParser(positive('--metrics-port')),
    )
    .option('--metrics-host <host>', 'address the metrics server binds', '127.0.0.1')
    .option(
      '--time-zone <iana>',
      'business time zone of every hour and day shown (default: ORDERSTREAM_TIME_ZONE, else America/Sao_Paulo)',
    )
    .action(
      runAction(async (options: DemoOptions) => {
        // 1. Kafka: the one in KAFKA_BROKERS, else the repo's local broker (stopped at the end
        // when this demo started it).
        const local = process.env.KAFKA_BROKERS?.trim() ? null : await startLocalKafka();
        try {
          return await runDemo(options, local?.brokers ?? kafkaBrokers());
        } finally {
          if (local?.started) {
            log('kafka: stopping the local broker this demo started');
            await local.stop();
          }
        }
      }),
    );
}

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

async function runDemo(options: DemoOptions, brokers: string[]): Promise<number> {
  const timeZone = resolveBusinessTimeZone(options.timeZone, process.env);
  log(`business time zone: ${timeZone}`);
  const stopSignal = new AbortController();
  const onSignal = () => {
    if (!stopSignal.signal.aborted) log('stopping: flushing and committing… (Ctrl-C again to quit at once)');
    stopSignal.abort();
  };
  onShutdownSignal(onSignal, {
    isStopping: () => stopSignal.signal.aborted,
    onForce: (signal) => log(`${signal} again: quitting without waiting for the flush`),
  });

  log(`kafka: ${brokers.join(',')}${process.env.KAFKA_BROKERS ? '' : ' (local broker)'}`);
  // The Kafka client's own warnings and errors, as readable lines of this log.
  const clientFactory = createKafkaJsClientFactory({
    brokers,
    logger: { warn: (line) => log(`warning: ${line}`), error: (line) => log(`error: ${line}`) },
  });
  const topics = await ensureTopics({ clientFactory });
  for (const mismatch of topics.mismatches)
    log(`kafka: topic ${mismatch.name} differs from the expected shape`);

  // 2. History
  const dataDir = resolve(options.data ?? `data/olist-${options.orders}-seed${options.seed}`);
  if (!options.data && !existsSync(resolve(dataDir, OLIST_TABLES.orders.file))) {
    log(`history: generating ${options.orders} orders into ${dataDir}`);
    const progress = createProgress();
    progress.start(options.orders, 'generate');
    await generateOlistDataset({
      outDir: dataDir,
      orders: options.orders,
      seed: options.seed,
      onProgress: (p) => progress.update(p.rowsWritten, p.rowsEstimated),
    });
    progress.stop();
  }
  const warehouse: Warehouse = await warehouseFromUri(options.warehouse);
  await warehouse.migrate();
  const loadProgress = createProgress();
  loadProgress.start(1, 'load history (bytes)');
  const loaded = await loadHistory({
    dataDir,
    warehouse,
    onProgress: (p) => loadProgress.update(p.bytesDone, p.bytesTotal),
  });
  loadProgress.stop();
  console.log(formatLoadSummary(loaded));
  if (!loaded.ok) return 1;

  // 3. dbt
  const metrics = registerPipelineMetrics();
  const dbt = new DbtCoordinator({ warehouse, log, businessTimeZone: timeZone });
  const scheduler = new Scheduler((job, error) => log(`${job} failed: ${String(error)}`));
  const build = async (args: string[], label: string) => {
    const started = performance.now();
    let summary: DbtRunSummary;
    try {
      summary = await dbt.run(args, stopSignal.signal);
    } catch (error) {
      metrics.recordDbtRun({ kind: label, ok: false, seconds: (performance.now() - started) / 1000 });
      throw error;
    }
    metrics.recordDbtRun({ kind: label, ok: true, seconds: (performance.now() - started) / 1000 });
    log(
      `dbt ${label}: ${summary.models.passed} models, ${summary.tests.passed} tests passed in ${summary.elapsedSeconds.toFixed(1)} s`,
    );
  };
  if (options.dbt) await scheduler.exclusive(() => build(['build'], 'build'));

  // 4. Stream: sink, detectors, producer
  const sink = createOrderSink({ clientFactory, groupId: 'orderstream-sink', warehouse });
  let exitCode = 0;
  sink.on('error', (error, context) => {
    log(`sink${context.fatal ? ' stopped' : ' (retrying)'}: ${error.code}: ${error.message}`);
    if (context.fatal) {
      exitCode = 1;
      onSignal();
    }
  });
  let metricsServer: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer({
      sink,
      port: options.metricsPort,
      host: options.metricsHost,
      registry: metrics.registry,
    });
    log(`metrics: ${metricsServer.url}`);
  }
  await sink.start();
  const detectors = await startLiveDetectors({
    brokers,
    topic: 'orders',
    groupId: 'orderstream-detectors',
    warehouse,
    warmStart: { ratePerSecond: options.rate, timeZone },
    log,
  });
  metrics.observeAlerts(detectors.engine);
  const producer = createOrderProducer({ clientFactory, ratePerSecond: options.rate });
  metrics.observeProducer(producer);
  await producer.connect();
  // The catalog of the history's seed, so streamed orders join the history's products and sellers.
  const catalog = createOlistCatalog({ seed: options.seed, orders: options.orders });
  const streamSeed = options.streamSeed ?? randomInt(0, 0xffff_ffff);
  const producing = producer
    .sendStream(createOrderEventStream({ seed: streamSeed, catalog, source: 'orderstream-demo' }), {
      signal: stopSignal.signal,
    })
    .catch((error: unknown) => {
      if (!stopSignal.signal.aborted) log(`producer: ${String(error)}`);
    });

  // 5. Schedule
  const health = new HealthCheck({
    warehouse,
    signals: () => {
      const m = sink.metrics();
      return { deadLettered: m.deadLettered, lag: m.partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0) };
    },
    maxStalenessMs: 2 * MINUTE,
    maxLag: 50_000,
    log,
  });
  if (options.dbt) {
    scheduler.add({
      name: 'dbt incremental',
      everyMs: options.dbtEvery * MINUTE,
      run: () => build(['build'], 'incremental build'),
    });
    scheduler.add({
      name: 'full ETL',
      everyMs: options.fullEtlEvery * 60 * MINUTE,
      run: async () => {
        const reloaded = await loadHistory({ dataDir, warehouse });
        log(`full ETL: history ${reloaded.ok ? 'checked' : 'FAILED'}`);
        await build(['build', '--full-refresh'], 'full build');
      },
    });
  }
  scheduler.add({
    name: 'health check',
    everyMs: options.healthEvery * MINUTE,
    run: () => health.run().then((findings) => metrics.recordHealth(findings)),
  });

  // 6. Dashboard
  const dashboard = await createDashboardServer({
    warehouse,
    timeZone,
    host: options.host,
    port: options.port,
    health: () => {
      const m = sink.metrics();
      return {
        consumerLag: m.partitions.map((p) => ({ topic: 'orders', partition: p.partition, lag: p.lag ?? 0 })),
        eventsPerSecond: m.recordsPerSecond,
        deadLetterCount: m.deadLettered,
        ...(m.latencyMs.p99 === null ? {} : { endToEndLatencyMs: m.latencyMs.p99 }),
      };
    },
  });
  log(`dashboard: ${dashboard.url}`);

  const status = setInterval(() => {
    const m = sink.metrics();
    const lag = m.partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0);
    log(
      `stream: ${m.records} rows, ${m.recordsPerSecond.toFixed(1)}/s, lag ${lag}, ` +
        `e2e p50 ${ms(m.latencyMs.p50)} p99 ${ms(m.latencyMs.p99)}, dead letters ${m.deadLettered}, alerts ${detectors.persisted()}`,
    );
  }, 10_000);
  status.unref();

  if (options.duration > 0) setTimeout(onSignal, options.duration * 1000).unref();
  await new Promise<void>((done) =>
    stopSignal.signal.addEventListener('abort', () => done(), { once: true }),
  );

  // Shutdown, upstream first so nothing is produced that the sink would not see.
  clearInterval(status);
  await producing;
  await producer.disconnect();
  await scheduler.stop();
  await detectors.stop();
  await sink.stop();
  await metricsServer?.close();
  metrics.dispose();
  await dashboard.close();
  const final = sink.metrics();
  log(`stopped: ${final.records} rows written, ${final.deadLettered} dead-lettered, offsets committed`);
  await warehouse.close();
  return exitCode;
}
