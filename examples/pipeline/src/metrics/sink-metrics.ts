import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrderstreamError, resolveOptions } from '@orderstream/core';
import type { DeadLetterInfo, FlushInfo, OrderSink } from '@orderstream/kafka';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { DEFAULT_METRICS_PORT } from './metrics-port.js';

const sinkLike = z.custom<OrderSink>(
  (v) =>
    typeof (v as OrderSink | undefined)?.metrics === 'function' &&
    typeof (v as OrderSink | undefined)?.on === 'function',
  'an OrderSink',
);

const sinkMetricsOptionsSchema = z.object({
  sink: sinkLike,
  prefix: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
    .default('orderstream_sink_'),
});

/** Options of {@link registerSinkMetrics}. */
export interface SinkMetricsOptions {
  /** The sink to observe. */
  sink: OrderSink;
  /**
   * The registry to register in.
   * @defaultValue a new `Registry`
   */
  registry?: Registry;
  /**
   * Prefix of every metric name.
   * @defaultValue `'orderstream_sink_'`
   */
  prefix?: string;
}

/** Metrics registered for one sink. */
export interface SinkMetrics {
  /** The registry holding them. */
  readonly registry: Registry;
  /** Stops listening to the sink's events and removes the metrics from the registry. */
  dispose(): void;
}

/**
 * Registers Prometheus metrics for an `OrderSink`: counters fed from its `flush`, `dead-letter`
 * and `error` events, histograms of flush sizes and durations, and gauges read from
 * `sink.metrics()` at each scrape (lag, buffers, end-to-end latency quantiles, offset gaps,
 * retries).
 *
 * | metric | type | source |
 * | --- | --- | --- |
 * | `records_total` | counter | rows written (`flush.rows`) |
 * | `rejects_total` | counter | rows written to `raw_rejects` (`flush.rejects`) |
 * | `flushes_total{reason}` | counter | flushes |
 * | `flush_rows` | histogram | rows per flush |
 * | `flush_duration_seconds` | histogram | flush start → Kafka commit |
 * | `dead_letters_total{code}` | counter | `dead-letter` events |
 * | `errors_total{code,fatal}` | counter | `error` events (warehouse and dead-letter failures) |
 * | `retries_total` | counter | `metrics().retries` |
 * | `offset_gaps_total`, `missing_offsets_total` | counter | `metrics().offsetGaps` |
 * | `redeliveries_skipped_total`, `tombstones_skipped_total` | counter | `metrics()` |
 * | `partition_lag{partition}`, `partition_high_watermark`, `partition_committed_offset` | gauge | `metrics().partitions` |
 * | `end_to_end_latency_seconds{quantile}` | gauge | `metrics().latencyMs` p50, p99, max |
 * | `records_per_second`, `buffered_records`, `buffered_bytes`, `paused_partitions` | gauge | `metrics()` |
 * | `last_write_timestamp_seconds` | gauge | Unix time of the last flush that wrote rows (what `orderstream health --sink-metrics` reads as freshness) |
 *
 * @param options - the sink, registry and prefix
 * @returns the registry and a `dispose()`
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for a bad prefix or a missing sink
 * @example
 * ```ts
 * const { registry } = registerSinkMetrics({ sink });
 * const text = await registry.metrics(); // Prometheus exposition format
 * ```
 */
export function registerSinkMetrics(options: SinkMetricsOptions): SinkMetrics {
  const o = resolveOptions('SinkMetrics', sinkMetricsOptionsSchema, options);
  const { sink, prefix } = o;
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const names: string[] = [];
  const name = (n: string) => {
    names.push(prefix + n);
    return prefix + n;
  };

  const records = new Counter({
    name: name('records_total'),
    help: 'Rows written to raw_order_events.',
    registers,
  });
  const rejects = new Counter({
    name: name('rejects_total'),
    help: 'Rows written to raw_rejects.',
    registers,
  });
  const flushes = new Counter({
    name: name('flushes_total'),
    help: 'Warehouse transactions (flushes), by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const flushRows = new Histogram({
    name: name('flush_rows'),
    help: 'Rows per flush (batch size).',
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
    registers,
  });
  const flushDuration = new Histogram({
    name: name('flush_duration_seconds'),
    help: 'Seconds from the start of a flush to the Kafka commit.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const deadLetters = new Counter({
    name: name('dead_letters_total'),
    help: 'Records published to the dead-letter topic, by x-error-code.',
    labelNames: ['code'] as const,
    registers,
  });
  const errors = new Counter({
    name: name('errors_total'),
    help: 'Sink errors (warehouse, dead-letter, group commit), by code; fatal="false" ones were retried or tolerated.',
    labelNames: ['code', 'fatal'] as const,
    registers,
  });

  // Monotonic totals kept by the sink itself: add the growth since the previous scrape.
  const fromSnapshot = (metric: string, help: string, read: () => number) => {
    let seen = 0;
    return new Counter({
      name: name(metric),
      help,
      registers,
      collect() {
        const now = read();
        if (now > seen) this.inc(now - seen);
        seen = Math.max(seen, now);
      },
    });
  };
  fromSnapshot('retries_total', 'Warehouse or dead-letter retries.', () => sink.metrics().retries);
  fromSnapshot(
    'offset_gaps_total',
    'Gaps in offsets inside a partition (compaction, transaction markers, retention).',
    () => sink.metrics().offsetGaps.gaps,
  );
  fromSnapshot(
    'missing_offsets_total',
    'Offsets skipped inside the gaps.',
    () => sink.metrics().offsetGaps.missingOffsets,
  );
  fromSnapshot(
    'redeliveries_skipped_total',
    'Records received again below the stored offset and skipped.',
    () => sink.metrics().redeliveriesSkipped,
  );
  fromSnapshot('tombstones_skipped_total', 'Tombstones skipped.', () => sink.metrics().tombstonesSkipped);

  const perPartition = (metric: string, help: string, read: (p: OrderSinkPartition) => number | null) =>
    new Gauge({
      name: name(metric),
      help,
      labelNames: ['partition'] as const,
      registers,
      collect() {
        this.reset();
        for (const p of sink.metrics().partitions) {
          const value = read(p);
          if (value !== null) this.set({ partition: String(p.partition) }, value);
        }
      },
    });
  perPartition(
    'partition_lag',
    'High watermark minus committed offset, per assigned partition.',
    (p) => p.lag,
  );
  perPartition('partition_high_watermark', 'High watermark at the last fetch.', (p) =>
    p.highWatermark === null ? null : Number(p.highWatermark),
  );
  perPartition('partition_committed_offset', 'Committed next offset.', (p) =>
    p.committedOffset === null ? null : Number(p.committedOffset),
  );

  new Gauge({
    name: name('end_to_end_latency_seconds'),
    help: 'Event time to group commit, over the sink latency window (quantile 0.5, 0.99 and 1 = max).',
    labelNames: ['quantile'] as const,
    registers,
    collect() {
      this.reset();
      const { p50, p99, max } = sink.metrics().latencyMs;
      if (p50 !== null) this.set({ quantile: '0.5' }, p50 / 1000);
      if (p99 !== null) this.set({ quantile: '0.99' }, p99 / 1000);
      if (max !== null) this.set({ quantile: '1' }, max / 1000);
    },
  });
  const gauge = (metric: string, help: string, read: () => number) =>
    new Gauge({
      name: name(metric),
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge(
    'records_per_second',
    'Rows per second over the metrics window.',
    () => sink.metrics().recordsPerSecond,
  );
  gauge('buffered_records', 'Records buffered now.', () => sink.metrics().bufferedRecords);
  gauge('buffered_bytes', 'Bytes of record values buffered now.', () => sink.metrics().bufferedBytes);
  gauge(
    'paused_partitions',
    'Partitions whose fetching is paused now.',
    () => sink.metrics().pausedPartitions.length,
  );

  const lastWrite = new Gauge({
    name: name('last_write_timestamp_seconds'),
    help: 'Unix time of the last flush that wrote rows to raw_order_events (absent before the first).',
    registers,
  });
  const onFlush = (f: FlushInfo) => {
    if (f.rows > 0) lastWrite.set(Date.now() / 1000);
    records.inc(f.rows);
    rejects.inc(f.rejects);
    flushes.inc({ reason: f.reason });
    flushRows.observe(f.rows);
    flushDuration.observe(f.durationMs / 1000);
  };
  const onDeadLetter = (d: DeadLetterInfo) => deadLetters.inc({ code: d.code });
  const onError = (e: { code: string }, ctx: { fatal: boolean }) =>
    errors.inc({ code: e.code, fatal: String(ctx.fatal) });
  sink.on('flush', onFlush);
  sink.on('dead-letter', onDeadLetter);
  sink.on('error', onError);
  return {
    registry,
    dispose() {
      sink.off('flush', onFlush);
      sink.off('dead-letter', onDeadLetter);
      sink.off('error', onError);
      for (const n of names) registry.removeSingleMetric(n);
    },
  };
}

type OrderSinkPartition = ReturnType<OrderSink['metrics']>['partitions'][number];

const metricsServerOptionsSchema = z.object({
  sink: sinkLike,
  port: z.number().int().min(0).max(65535).default(DEFAULT_METRICS_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  path: z.string().startsWith('/').default('/metrics'),
  registry: z.instanceof(Registry).optional(),
});

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** The sink whose metrics are served. */
  sink: OrderSink;
  /**
   * TCP port; `0` picks a free one (read it from `url`).
   * @defaultValue `9464`
   */
  port?: number;
  /**
   * Address to bind. Loopback by default: expose it deliberately (`0.0.0.0`) behind your scraper's network.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /**
   * The path served.
   * @defaultValue `'/metrics'`
   */
  path?: string;
  /**
   * The registry to serve; the sink's metrics are added to it, so other metrics registered
   * there (e.g. `registerPipelineMetrics`) share the endpoint.
   * @defaultValue a new `Registry`
   */
  registry?: Registry;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The scrape URL, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** The registry served (add your own metrics to it). */
  readonly registry: Registry;
  /** Stops the server and detaches from the sink. */
  close(): Promise<void>;
}

/**
 * Serves the sink's Prometheus metrics ({@link registerSinkMetrics}) over HTTP on `path`; any
 * other path answers 404.
 *
 * @param options - sink, port, host and path
 * @returns the URL and `close()`
 * @throws `OrderstreamError` `CORE_INVALID_OPTIONS` for invalid options or when the port cannot be bound
 * @example
 * ```ts
 * const metrics = await startMetricsServer({ sink, port: 9464 });
 * console.error(`metrics on ${metrics.url}`);
 * // …
 * await metrics.close();
 * ```
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const o = resolveOptions('MetricsServer', metricsServerOptionsSchema, options);
  const metrics = registerSinkMetrics({
    sink: o.sink,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const { registry } = metrics;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== o.path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    metrics.dispose();
    throw new OrderstreamError(
      'CORE_INVALID_OPTIONS',
      `Cannot serve metrics on ${o.host}:${o.port}: ${(error as Error).message}`,
      { cause: error, details: { host: o.host, port: o.port } },
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}${o.path}`,
    registry,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
