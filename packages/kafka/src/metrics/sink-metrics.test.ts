import { describe, expect, it } from 'vitest';
import { fakeSink, sample } from './metrics-fixture.js';
import { registerSinkMetrics } from './sink-metrics.js';

describe('registerSinkMetrics', () => {
  it('counts flush, dead-letter and error events and reads gauges from the snapshot at scrape time', async () => {
    const { sink, events, set } = fakeSink();
    const { registry, dispose } = registerSinkMetrics({ sink });
    const flush = { topic: 'o', partitions: [], rejects: 1, reason: 'records', committedToGroup: true };
    events.emit('flush', { ...flush, rows: 40, durationMs: 20 });
    events.emit('flush', { ...flush, rows: 2, durationMs: 3000 });
    events.emit('dead-letter', { code: 'KAFKA_MESSAGE_INVALID' });
    events.emit('error', { code: 'CORE_WAREHOUSE_QUERY_FAILED' }, { fatal: false });
    set({
      retries: 3,
      offsetGaps: { gaps: 2, missingOffsets: 5 },
      partitions: [
        { partition: 0, highWatermark: '100', committedOffset: '90', lag: 10 },
        { partition: 1, highWatermark: null, committedOffset: null, lag: null },
      ],
      latencyMs: { p50: 250, p99: 1500, max: 2000, samples: 9 },
    });
    const text = await registry.metrics();
    expect(sample(text, 'orderstream_sink_records_total')).toBe(42);
    expect(sample(text, 'orderstream_sink_rejects_total')).toBe(2);
    expect(sample(text, 'orderstream_sink_flushes_total{reason="records"}')).toBe(2);
    expect(sample(text, 'orderstream_sink_flush_rows_bucket{le="50"}')).toBe(2);
    expect(sample(text, 'orderstream_sink_flush_rows_bucket{le="1"}')).toBe(0);
    expect(sample(text, 'orderstream_sink_flush_duration_seconds_bucket{le="0.025"}')).toBe(1);
    expect(sample(text, 'orderstream_sink_flush_duration_seconds_sum')).toBeCloseTo(3.02);
    expect(sample(text, 'orderstream_sink_dead_letters_total{code="KAFKA_MESSAGE_INVALID"}')).toBe(1);
    expect(
      sample(text, 'orderstream_sink_errors_total{code="CORE_WAREHOUSE_QUERY_FAILED",fatal="false"}'),
    ).toBe(1);
    expect(sample(text, 'orderstream_sink_retries_total')).toBe(3);
    expect(sample(text, 'orderstream_sink_offset_gaps_total')).toBe(2);
    expect(sample(text, 'orderstream_sink_missing_offsets_total')).toBe(5);
    expect(sample(text, 'orderstream_sink_partition_lag{partition="0"}')).toBe(10);
    expect(sample(text, 'orderstream_sink_partition_lag{partition="1"}')).toBeUndefined();
    expect(sample(text, 'orderstream_sink_end_to_end_latency_seconds{quantile="0.99"}')).toBe(1.5);

    // Totals from the snapshot grow by the difference, never count twice.
    set({ retries: 4 });
    expect(sample(await registry.metrics(), 'orderstream_sink_retries_total')).toBe(4);

    dispose();
    events.emit('flush', { ...flush, rows: 5, durationMs: 1 });
    expect(await registry.metrics()).toBe('\n');
    expect(events.listenerCount('flush')).toBe(0);
  });
});
