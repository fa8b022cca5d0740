import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DbtRunSummary, Warehouse } from '@orderstream/core';
import {
  createOlistCatalog,
  createOrderEventStream,
  generateOlistDataset,
  loadHistory,
  OLIST_TABLES,
  resolveBusinessTimeZone,
  untilAborted,
} from '@orderstream/core';
import { createDashboardServer } from '@orderstream/example-dashboard';
import {
  createKafkaJsClientFactory,
  createOrderProducer,
  createOrderSink,
  ensureTopics,
} from '@orderstream/kafka';
import { type MetricsServer, registerPipelineMetrics, startMetricsServer } from '@orderstream/kafka/metrics';
import { formatLoadSummary } from '../actions/load-history.js';
import { REPO_ROOT } from '../doctor/prerequisites.js';
import { createProgress } from '../progress.js';
import { warehouseFromUri } from '../warehouse-from-uri.js';
import { DbtCoordinator } from './dbt-coordinator.js';
import { generatedDir } from './generated-dir.js';
import { HealthCheck } from './health-check.js';
import { startLiveDetectors } from './live-detectors.js';
import { Scheduler } from './scheduler.js';

// The demo once its options are checked: loaded only then, so that a user error or --help does
// not pay for the dashboard, DuckDB and Kafka clients.

/** The demo's options, as `orderstream demo` parsed them. */
export interface DemoOptions {
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

/** Whether the demo is still starting (a Ctrl-C then aborts it) or serving (a Ctrl-C stops it). */
export interface DemoPhase {
  startingUp: boolean;
}

const MINUTE = 60_000;
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

/**
 * Prints a line with the time of day.
 *
 * @param line - the text
 */
export const log = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** Clean-up steps, run last-in first-out: what started last stops first. */
class Cleanup {
  readonly #steps: Array<{ name: string; run: () => unknown }> = [];

  add(name: string, run: () => unknown): void {
    this.#steps.push({ name, run });
  }

  async run(): Promise<void> {
    for (const step of this.#steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        log(`stopping ${step.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.#steps.length = 0;
  }
}

async function generateHistory(options: DemoOptions, dataDir: string, signal: AbortSignal): Promise<void> {
  log(`history: generating ${options.orders} orders into ${dataDir}`);
  // Written aside and renamed when complete, so an interrupted run never leaves a partial history
  // that the next run would take for a finished one.
  const partial = `${dataDir}.partial-${process.pid}`;
  const progress = createProgress();
  progress.start(1, 'generate');
  try {
    await generateOlistDataset({
      outDir: partial,
      orders: options.orders,
      seed: options.seed,
      signal,
      onProgress: (p) => progress.update(Math.min(p.rowsWritten, p.rowsEstimated), p.rowsEstimated),
    });
    await rm(dataDir, { recursive: true, force: true });
    await rename(partial, dataDir);
  } finally {
    progress.stop();
    await rm(partial, { recursive: true, force: true });
  }
}

/**
 * Runs the demo on `brokers` until `signal` aborts (or `--duration` ends), then stops what it
 * started, last first.
 *
 * @param options - the checked options
 * @param brokers - the Kafka bootstrap brokers
 * @param signal - the interrupt's signal
 * @param phase - set to serving once the dashboard is up
 * @returns the exit code: 0, or 1 when the history did not load or the sink failed
 * @throws the signal's reason when interrupted during start-up
 */
export async function runDemo(
  options: DemoOptions,
  brokers: string[],
  signal: AbortSignal,
  phase: DemoPhase,
): Promise<number> {
  const cleanup = new Cleanup();
  try {
    return await startAndServe(options, brokers, signal, phase, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function startAndServe(
  options: DemoOptions,
  brokers: string[],
  signal: AbortSignal,
  phase: DemoPhase,
  cleanup: Cleanup,
): Promise<number> {
  const timeZone = resolveBusinessTimeZone(options.timeZone, process.env);
  log(`business time zone: ${timeZone}`);
  log(`kafka: ${brokers.join(',')}${process.env.KAFKA_BROKERS ? '' : ' (local broker)'}`);
  // The Kafka client's own warnings and errors, as readable lines of this log.
  const clientFactory = createKafkaJsClientFactory({
    brokers,
    logger: { warn: (line) => log(`warning: ${line}`), error: (line) => log(`error: ${line}`) },
  });
  const topics = await untilAborted(ensureTopics({ clientFactory }), signal);
  for (const mismatch of topics.mismatches)
    log(`kafka: topic ${mismatch.name} differs from the expected shape`);

  // 2. History
  const dataDir = resolve(options.data ?? generatedDir(options));
  if (!options.data && !existsSync(resolve(dataDir, OLIST_TABLES.orders.file))) {
    await generateHistory(options, dataDir, signal);
  }
  const warehouse: Warehouse = await warehouseFromUri(options.warehouse);
  cleanup.add('the warehouse', () => warehouse.close());
  await warehouse.migrate();
  signal.throwIfAborted();
  log(`history: loading ${dataDir}`);
  const loadProgress = createProgress();
  let loadStarted = false;
  let loaded: Awaited<ReturnType<typeof loadHistory>>;
  try {
    loaded = await loadHistory({
      dataDir,
      warehouse,
      signal,
      onProgress: ({ bytesDone, bytesTotal, rowsDone }) => {
        // Rows to come are estimated from the bytes still to read.
        const estimate = Math.max(
          bytesDone > 0 ? Math.round((rowsDone * bytesTotal) / bytesDone) : 0,
          rowsDone,
          1,
        );
        if (!loadStarted) loadProgress.start(estimate, 'load history', 'rows');
        loadStarted = true;
        loadProgress.update(rowsDone, estimate);
      },
    });
  } finally {
    if (loadStarted) loadProgress.stop();
  }
  console.log(formatLoadSummary(loaded));
  if (!loaded.ok) return 1;

  // 3. dbt
  const metrics = registerPipelineMetrics();
  cleanup.add('the metrics', () => metrics.dispose());
  // The repo's dbt project, wherever the demo runs from.
  const dbt = new DbtCoordinator({
    warehouse,
    log,
    projectDir: resolve(REPO_ROOT, 'dbt_transform'),
    businessTimeZone: timeZone,
  });
  const scheduler = new Scheduler((job, error) => log(`${job} failed: ${String(error)}`));
  const build = async (args: string[], label: string, jobSignal?: AbortSignal) => {
    const started = performance.now();
    let summary: DbtRunSummary;
    try {
      summary = await dbt.run(args, jobSignal ? AbortSignal.any([signal, jobSignal]) : signal);
    } catch (error) {
      metrics.recordDbtRun({ kind: label, ok: false, seconds: (performance.now() - started) / 1000 });
      throw error;
    }
    metrics.recordDbtRun({ kind: label, ok: true, seconds: (performance.now() - started) / 1000 });
    log(
      `dbt ${label}: ${summary.models.passed} models, ${summary.tests.passed} tests passed in ${summary.elapsedSeconds.toFixed(1)} s`,
    );
  };
  if (options.dbt) {
    log('dbt: building the star schema…');
    await scheduler.exclusive(() => build(['build'], 'build'));
  }

  // 4. Stream: sink, detectors, producer
  signal.throwIfAborted();
  log('stream: starting the sink, the detectors and the producer');
  const stopSignal = new AbortController();
  const onStop = () => stopSignal.abort();
  signal.addEventListener('abort', onStop, { once: true });
  cleanup.add('the stop signal', () => signal.removeEventListener('abort', onStop));
  const sink = createOrderSink({ clientFactory, groupId: 'orderstream-sink', warehouse });
  let exitCode = 0;
  sink.on('error', (error, context) => {
    log(`sink${context.fatal ? ' stopped' : ' (retrying)'}: ${error.code}: ${error.message}`);
    if (context.fatal) {
      exitCode = 1;
      stopSignal.abort();
    }
  });
  cleanup.add('the sink', async () => {
    await sink.stop();
    const final = sink.metrics();
    log(`stopped: ${final.records} rows written, ${final.deadLettered} dead-lettered, offsets committed`);
  });
  let metricsServer: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer({
      sink,
      port: options.metricsPort,
      host: options.metricsHost,
      registry: metrics.registry,
    });
    const server = metricsServer;
    cleanup.add('the metrics server', () => server.close());
    log(`metrics: ${metricsServer.url}`);
  }
  await untilAborted(sink.start(), signal);
  const detectors = await untilAborted(
    startLiveDetectors({
      brokers,
      topic: 'orders',
      groupId: 'orderstream-detectors',
      warehouse,
      warmStart: { ratePerSecond: options.rate, timeZone },
      log,
    }),
    signal,
  );
  cleanup.add('the detectors', () => detectors.stop());
  metrics.observeAlerts(detectors.engine);
  const producer = createOrderProducer({ clientFactory, ratePerSecond: options.rate });
  metrics.observeProducer(producer);
  cleanup.add('the producer', () => producer.disconnect());
  await untilAborted(producer.connect(), signal);
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
  // Upstream first on the way out: the producer stops before anything downstream of it.
  cleanup.add('the producer stream', () => {
    stopSignal.abort();
    return producing;
  });

  // 5. Schedule (stopped before the stream: a scheduled run is aborted, not waited for)
  cleanup.add('the schedule', () => scheduler.stop());
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
      run: (jobSignal) => build(['build'], 'incremental build', jobSignal),
    });
    scheduler.add({
      name: 'full ETL',
      everyMs: options.fullEtlEvery * 60 * MINUTE,
      run: async (jobSignal) => {
        const both = AbortSignal.any([signal, jobSignal]);
        const reloaded = await loadHistory({ dataDir, warehouse, signal: both });
        log(`full ETL: history ${reloaded.ok ? 'checked' : 'FAILED'}`);
        await build(['build', '--full-refresh'], 'full build', both);
      },
    });
  }
  scheduler.add({
    name: 'health check',
    everyMs: options.healthEvery * MINUTE,
    run: () => health.run().then((findings) => metrics.recordHealth(findings)),
  });

  // 6. Dashboard
  signal.throwIfAborted();
  const dashboard = await createDashboardServer({
    warehouse,
    host: options.host,
    port: options.port,
    timeZone,
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
  cleanup.add('the dashboard', () => dashboard.close());
  signal.throwIfAborted();
  phase.startingUp = false;
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
  cleanup.add('the status line', () => clearInterval(status));

  if (options.duration > 0) setTimeout(() => stopSignal.abort(), options.duration * 1000).unref();
  if (!stopSignal.signal.aborted) {
    await new Promise<void>((done) =>
      stopSignal.signal.addEventListener('abort', () => done(), { once: true }),
    );
  }
  // Once up, a stop is the normal end: the clean-up (producer first, warehouse last) flushes and
  // commits, and the exit code is 0 unless the sink failed.
  return exitCode;
}
