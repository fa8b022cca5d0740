import { LatencyHistogram } from '../internal/latency-histogram.js';
import { RateWindow } from '../internal/rate-window.js';
import type { OrderSinkMetrics, PartitionLag } from './events.js';

/** What the metrics snapshot reads from the rest of the sink at the moment it is taken. */
export interface SinkMetricsState {
  readonly bufferedBytes: number;
  readonly bufferedRecords: number;
  readonly pausedPartitions: readonly number[];
  readonly partitions: readonly PartitionLag[];
}

/**
 * The sink's counters, end-to-end latency and throughput window: one place that counts, one
 * snapshot that reports ({@link OrderSinkMetrics}).
 */
export class SinkMetrics {
  /** Rows written to `raw_order_events`. */
  records = 0;
  /** Warehouse transactions (flushes). */
  batches = 0;
  deadLettered = 0;
  tombstonesSkipped = 0;
  redeliveries = 0;
  retries = 0;
  gaps = 0;
  missingOffsets = 0;
  readonly #latency = new LatencyHistogram();
  readonly #rate: RateWindow;

  /** @param windowMs - the window of the records-per-second rate */
  constructor(windowMs: number) {
    this.#rate = new RateWindow(windowMs);
  }

  /** Counts an offset gap of `missing` offsets inside a partition. */
  gap(missing: number): void {
    this.gaps++;
    this.missingOffsets += missing;
  }

  /**
   * Counts a committed flush.
   *
   * @param committedAt - when it committed, epoch ms
   * @param rows - rows written
   * @param eventTimes - event times of its records, epoch ms, for the latency
   */
  flushed(committedAt: number, rows: number, eventTimes: Iterable<number>): void {
    this.records += rows;
    this.batches++;
    for (const eventTime of eventTimes) this.#latency.record(committedAt - eventTime);
    this.#rate.add(committedAt, this.records);
  }

  /**
   * The snapshot.
   *
   * @param now - epoch ms
   * @param state - the buffers, pauses and lag now
   * @returns the metrics
   */
  snapshot(now: number, state: SinkMetricsState): OrderSinkMetrics {
    return {
      records: this.records,
      recordsPerSecond: this.#rate.perSecond(now, this.records),
      batches: this.batches,
      deadLettered: this.deadLettered,
      tombstonesSkipped: this.tombstonesSkipped,
      redeliveriesSkipped: this.redeliveries,
      retries: this.retries,
      bufferedBytes: state.bufferedBytes,
      bufferedRecords: state.bufferedRecords,
      pausedPartitions: state.pausedPartitions,
      partitions: state.partitions,
      latencyMs: {
        p50: this.#latency.quantile(0.5),
        p99: this.#latency.quantile(0.99),
        max: this.#latency.max,
        samples: this.#latency.samples,
      },
      offsetGaps: { gaps: this.gaps, missingOffsets: this.missingOffsets },
    };
  }
}
