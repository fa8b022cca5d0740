import { resolveOptions } from '@orderstream/core';
import { Registry } from 'prom-client';
import type { DeadLetterInfo, FlushInfo } from '../sink/events.js';
import type { OrderSink } from '../sink/order-sink.js';
import { metricFactory } from './internal/metric-factory.js';
import { type SinkMetricsOptions, sinkMetricsOptionsSchema } from './options.js';

/** Metrics registered for one sink. */
export interface RegisteredSinkMetrics {
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
export function registerSinkMetrics(options: SinkMetricsOptions): RegisteredSinkMetrics {
  const {
    sink,
    prefix,
    registry = new Registry(),
  } = resolveOptions('SinkMetrics', sinkMetricsOptionsSchema, options);
  const m = metricFactory(prefix, registry);

  const records = m.counter('records_total', 'Rows written to raw_order_events.');
  const rejects = m.counter('rejects_total', 'Rows written to raw_rejects.');
  const flushes = m.counter('flushes_total', 'Warehouse transactions (flushes), by reason.', ['reason']);
  const flushRows = m.histogram('flush_rows', 'Rows per flush (batch size).', {
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000],
  });
  const flushDuration = m.histogram(
    'flush_duration_seconds',
    'Seconds from the start of a flush to the Kafka commit.',
    {
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
  );
  const deadLetters = m.counter(
    'dead_letters_total',
    'Records published to the dead-letter topic, by x-error-code.',
    ['code'],
  );
  const errors = m.counter(
    'errors_total',
    'Sink errors (warehouse, dead-letter, group commit), by code; fatal="false" ones were retried or tolerated.',
    ['code', 'fatal'],
  );

  // Monotonic totals kept by the sink itself: add the growth since the previous scrape.
  const fromSnapshot = (metric: string, help: string, read: () => number) => {
    let seen = 0;
    return m.counter(metric, help, {
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
    m.gauge(metric, help, {
      labelNames: ['partition'] as const,
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

  m.gauge(
    'end_to_end_latency_seconds',
    'Event time to group commit, over the sink latency window (quantile 0.5, 0.99 and 1 = max).',
    {
      labelNames: ['quantile'] as const,
      collect() {
        this.reset();
        const { p50, p99, max } = sink.metrics().latencyMs;
        if (p50 !== null) this.set({ quantile: '0.5' }, p50 / 1000);
        if (p99 !== null) this.set({ quantile: '0.99' }, p99 / 1000);
        if (max !== null) this.set({ quantile: '1' }, max / 1000);
      },
    },
  );
  const gauge = (metric: string, help: string, read: () => number) =>
    m.gauge(metric, help, {
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

  const lastWrite = m.gauge(
    'last_write_timestamp_seconds',
    'Unix time of the last flush that wrote rows to raw_order_events (absent before the first).',
  );
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
      m.removeAll();
    },
  };
}

type OrderSinkPartition = ReturnType<OrderSink['metrics']>['partitions'][number];
