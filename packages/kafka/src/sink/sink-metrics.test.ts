import { describe, expect, it } from 'vitest';
import { SinkMetrics } from './sink-metrics.js';

const idle = { bufferedBytes: 0, bufferedRecords: 0, pausedPartitions: [], partitions: [] };

describe('SinkMetrics', () => {
  it('counts flushes, rows and the end-to-end latency from event time to commit', () => {
    const metrics = new SinkMetrics(10_000);
    metrics.flushed(1_000, 2, [900, 800]);
    metrics.flushed(3_000, 1, [2_000]);
    const snapshot = metrics.snapshot(3_000, idle);
    expect(snapshot).toMatchObject({ records: 3, batches: 2 });
    expect(snapshot.latencyMs.samples).toBe(3);
    expect(snapshot.latencyMs.max).toBeGreaterThanOrEqual(1_000);
    // one row in the 2 s between the two samples
    expect(snapshot.recordsPerSecond).toBeCloseTo(0.5);
  });

  it('reports gaps, the buffers and the pauses it is given', () => {
    const metrics = new SinkMetrics(10_000);
    metrics.gap(3);
    metrics.gap(2);
    const snapshot = metrics.snapshot(0, {
      ...idle,
      bufferedBytes: 10,
      bufferedRecords: 1,
      pausedPartitions: [2],
    });
    expect(snapshot.offsetGaps).toEqual({ gaps: 2, missingOffsets: 5 });
    expect(snapshot).toMatchObject({ bufferedBytes: 10, bufferedRecords: 1, pausedPartitions: [2] });
  });
});
