// What the metrics tests share: reading a sample from an exposition, and a sink stand-in.
import { EventEmitter } from 'node:events';
import type { OrderSinkMetrics } from '../sink/events.js';
import type { OrderSink } from '../sink/order-sink.js';

/** The value of one sample line (`name{labels} value`) of a Prometheus exposition. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** An idle sink's `metrics()` snapshot, with `over` in place of its fields. */
export function sinkSnapshot(over: Partial<OrderSinkMetrics> = {}): OrderSinkMetrics {
  return {
    records: 0,
    recordsPerSecond: 0,
    batches: 0,
    deadLettered: 0,
    tombstonesSkipped: 0,
    redeliveriesSkipped: 0,
    retries: 0,
    bufferedBytes: 0,
    bufferedRecords: 0,
    pausedPartitions: [],
    partitions: [],
    latencyMs: { p50: null, p99: null, max: null, samples: 0 },
    offsetGaps: { gaps: 0, missingOffsets: 0 },
    ...over,
  };
}

/**
 * A stand-in with the sink's event and snapshot surface: the test emits its events on `events`
 * and replaces its snapshot with `set`.
 */
export function fakeSink() {
  const events = new EventEmitter();
  let current = sinkSnapshot();
  const sink = Object.assign(events, { metrics: () => current }) as unknown as OrderSink;
  return { sink, events, set: (m: Partial<OrderSinkMetrics>) => (current = sinkSnapshot(m)) };
}
