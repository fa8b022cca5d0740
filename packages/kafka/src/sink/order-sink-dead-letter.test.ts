import { serializeOrderEvent } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { defined, record } from '../internal/testing/fakes.js';
import { events, json, setup, TOPIC } from '../internal/testing/order-sink-setup.js';
import { DEAD_LETTER_HEADERS } from './order-sink.js';

describe('OrderSink', () => {
  it('dead-letters invalid records with reason headers and records them in raw_rejects in the same transaction', async () => {
    const { consumer, producer, warehouse, sink } = setup({ maxMessageBytes: 10_000 });
    const dead: string[] = [];
    sink.on('dead-letter', (d) => dead.push(`${d.offset}:${d.code}`));
    await sink.start();
    consumer.assign([2]);
    await consumer.deliver(2, [
      record(0, json(0)),
      record(1, '{"nope'),
      record(
        2,
        JSON.stringify({ ...serializeOrderEvent(defined(events[1])), event_type: 'order_exploded' }),
        'k',
      ),
      record(3, Buffer.alloc(10_001, 32)),
      record(4, null),
    ]);
    expect(dead).toEqual([
      '1:KAFKA_MESSAGE_UNPARSEABLE',
      '2:KAFKA_MESSAGE_INVALID',
      '3:KAFKA_MESSAGE_OVERSIZE',
      '4:KAFKA_MESSAGE_TOMBSTONE',
    ]);
    const sent = producer.sent.flatMap((s) => s.records);
    expect(producer.sent.every((s) => s.topic === 'orders.dlq')).toBe(true);
    expect(sent).toHaveLength(4);
    const invalid = defined(sent[1]);
    expect(invalid.key?.toString()).toBe('k');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.errorCode]).toBe('KAFKA_MESSAGE_INVALID');
    expect(String(invalid.headers?.[DEAD_LETTER_HEADERS.errorReason])).toContain('event_type');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalTopic]).toBe(TOPIC);
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalPartition]).toBe('2');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.originalOffset]).toBe('2');
    expect(invalid.headers?.[DEAD_LETTER_HEADERS.failedAt]).toBe(
      new Date(Date.UTC(2026, 0, 1)).toISOString(),
    );
    expect(invalid.headers?.['x-origin']?.toString()).toBe('test');
    expect(sent[3]?.value).toBeNull();
    expect(warehouse.transactions).toBe(1);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    const rejects = warehouse.rows('raw_rejects');
    expect(rejects.map((r) => [r.source, r.source_name, r.position, r.code])).toEqual([
      ['kafka', TOPIC, '2/1', 'KAFKA_MESSAGE_UNPARSEABLE'],
      ['kafka', TOPIC, '2/2', 'KAFKA_MESSAGE_INVALID'],
      ['kafka', TOPIC, '2/3', 'KAFKA_MESSAGE_OVERSIZE'],
      ['kafka', TOPIC, '2/4', 'KAFKA_MESSAGE_TOMBSTONE'],
    ]);
    expect(rejects[1]?.field).toBe('event_type');
    await sink.stop();
  });

  it('does not commit the offset of a record whose dead letter could not be published', async () => {
    const { consumer, producer, warehouse, sink } = setup({ retries: 1 });
    const failure = Object.assign(new Error('broker says no'), { retriable: false });
    producer.failures = [failure, failure];
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [0, 1, 2, 3].map((o) => record(o, json(o))).concat([record(4, 'garbage')]));
    await expect(sink.wait()).rejects.toMatchObject({ code: 'KAFKA_DEAD_LETTER_FAILED' });
    expect(warehouse.transactions).toBe(0);
    expect(await warehouse.readOffsets('g', TOPIC)).toEqual([]);
    expect(consumer.commits).toEqual([]);
  });

  it('skips and counts tombstones with the skip policy', async () => {
    const { consumer, producer, warehouse, sink } = setup({ tombstones: 'skip', flushMaxRecords: 3 });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [record(0, null), record(1, json(1)), record(2, null)]);
    expect(producer.sent).toEqual([]);
    expect(sink.metrics().tombstonesSkipped).toBe(2);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    expect(warehouse.rows('raw_rejects')).toHaveLength(0);
    expect((await warehouse.readOffsets('g', TOPIC))[0]?.nextOffset).toBe('3');
    await sink.stop();
  });

  it('dead-letters an event whose event_time lies outside the window around the clock', async () => {
    const { consumer, warehouse, sink } = setup({ flushMaxRecords: 3, maxEventAgeMs: 60_000 });
    const old = serializeOrderEvent({ ...defined(events[1]), event_time: new Date(Date.UTC(2025, 11, 31)) });
    const future = serializeOrderEvent({ ...defined(events[2]), event_time: new Date(Date.UTC(9999, 0, 1)) });
    await sink.start();
    consumer.assign([0]);
    await consumer.deliver(0, [
      record(0, json(0)),
      record(1, JSON.stringify(old)),
      record(2, JSON.stringify(future)),
    ]);
    expect(warehouse.rows('raw_order_events')).toHaveLength(1);
    expect(warehouse.rows('raw_rejects').map((r) => [r.code, r.field])).toEqual([
      ['KAFKA_MESSAGE_INVALID', 'event_time'],
      ['KAFKA_MESSAGE_INVALID', 'event_time'],
    ]);
    await sink.stop();
  });
});
