import { createOrderEventStream, EVENT_TIME_WINDOW_DEFAULTS, serializeOrderEvent } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { defined, record } from '../internal/testing/fakes.js';
import { PartitionBuffers } from './partition-buffers.js';
import { RecordIntake } from './record-intake.js';
import { SinkMetrics } from './sink-metrics.js';

const NOW = Date.UTC(2026, 0, 1);
const events = [...createOrderEventStream({ seed: 9, limit: 5, now: () => new Date(NOW) })];
const json = (i: number) => JSON.stringify(serializeOrderEvent(defined(events[i])));

function setup(tombstones: 'dead-letter' | 'skip' = 'dead-letter') {
  const buffers = new PartitionBuffers();
  buffers.assign([0], 1);
  const metrics = new SinkMetrics(1000);
  const intake = new RecordIntake(
    {
      deadLetterTopic: 'orders.dlq',
      maxMessageBytes: 100_000,
      tombstones,
      eventTimeWindow: EVENT_TIME_WINDOW_DEFAULTS,
    },
    buffers,
    metrics,
  );
  return { state: defined(buffers.get(0)), buffers, metrics, intake };
}

const batch = (records: ReturnType<typeof record>[], highWatermark = '100') => ({
  topic: 'orders',
  partition: 0,
  highWatermark,
  records,
});

describe('RecordIntake', () => {
  it('turns valid records into rows with their source, and the rest into dead letters with a reason', () => {
    const { state, buffers, intake } = setup();
    intake.take(
      state,
      batch([record(0, json(0)), record(1, 'not json'), record(2, null), record(3, json(1))]),
      NOW,
    );
    const b = state.buffer;
    expect(b.rows.map((r) => r.kafka_offset)).toEqual([0, 3]);
    expect(b.deadLetters.map((d) => [d.offset, d.info.code])).toEqual([
      [1n, 'KAFKA_MESSAGE_UNPARSEABLE'],
      [2n, 'KAFKA_MESSAGE_TOMBSTONE'],
    ]);
    expect([b.records, b.fromOffset, state.position, state.highWatermark]).toEqual([4, 0n, 4n, 100n]);
    expect(buffers.records).toBe(4);
  });

  it('skips redeliveries below the position and counts gaps above it', () => {
    const { state, metrics, intake } = setup();
    state.position = 5n;
    intake.take(state, batch([record(4, json(0)), record(5, json(1)), record(8, json(2))]), NOW);
    expect(state.buffer.rows.map((r) => r.kafka_offset)).toEqual([5, 8]);
    expect([metrics.redeliveries, metrics.gaps, metrics.missingOffsets]).toEqual([1, 1, 2]);
  });

  it('counts tombstones instead of dead-lettering them with the skip policy', () => {
    const { state, intake } = setup('skip');
    intake.take(state, batch([record(0, null)]), NOW);
    expect([state.buffer.skippedTombstones, state.buffer.deadLetters.length, state.buffer.records]).toEqual([
      1, 0, 1,
    ]);
  });

  it('keeps a copy of a rejected record for its dead letter, not a view of the fetched batch (released once taken)', () => {
    const { state, intake } = setup();
    const rejected = record(0, 'not json', 'key 0');
    const fetched = [rejected.key, rejected.value, rejected.headers?.['x-origin'] as Buffer];
    intake.take(state, batch([rejected]), NOW);
    for (const bytes of fetched) bytes?.fill(0);
    const dead = defined(state.buffer.deadLetters[0]).record;
    expect([dead.key?.toString(), dead.value?.toString(), dead.headers?.['x-origin']?.toString()]).toEqual([
      'key 0',
      'not json',
      'test',
    ]);
  });
});
